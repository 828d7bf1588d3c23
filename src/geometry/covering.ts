// A mutual covering (Definition 3) of one class, greedily: centers are data points, the radius of
// a center c is r(c) = const · D / √max(1, log(eλ / D)) with D = d(c, X_other) (condition (1) with
// d(c, X_other) <= d(c, C_other), which holds for whatever centers the other class gets, since
// D ↦ D / √max(1, log(eλ/D)) is increasing). Greedy: walk the points in a fixed order; a point not
// yet covered becomes a center and covers every point of its class within r(c).

import type { Dataset } from "../data/dataset.js";
import { Rng } from "../random/rng.js";
import type { DistanceKernel } from "../backends/reference/distances.js";
import { KdTree } from "./kdTree.js";
import type { OnProgress } from "../progress.js";

/**
 * The greedy orders offered: farthest from the other class first (largest radii first),
 * largest ball first (points ordered by how many points of their class their own ball holds,
 * counted once before the greedy pass; ties by distance, then index), and a seeded random order.
 */
export const COVER_ORDERS = ["farthest-first", "largest-first", "random"] as const;
export type CoverOrder = (typeof COVER_ORDERS)[number];

/**
 * The orders tried by default. largest-first is opt-in: counting every point's ball costs a full
 * pass over the class's pairs (and, on 10⁶ Two Moons points, far more ball visits than the cover).
 */
export const DEFAULT_COVER_ORDERS: readonly CoverOrder[] = ["farthest-first", "random"];

/** Radius of a center at distance D from the other class (condition (1), constant `c`). */
export function coverRadius(D: number, constant: number, lambda: number): number {
  return (constant * D) / Math.sqrt(Math.max(1, Math.log((Math.E * lambda) / D)));
}

/** One class's points and their distances to the other class. */
export interface ClassSide {
  /** Rows of the data set (the class X_ℓ's points). */
  readonly rows: Int32Array;
  /** dist[p] = d(rows[p], X_other). */
  readonly dist: Float64Array;
}

/** A covering of one class. */
export interface ClassCovering {
  readonly order: CoverOrder;
  /** Centers as positions in side.rows. */
  readonly centers: Int32Array;
  readonly radii: Float64Array;
  /** assigned[p]: the center (index into centers) that first covered position p. */
  readonly assigned: Int32Array;
}

/**
 * Ball queries over one class: for centers (positions) and squared radii, calls visit(c, p) for
 * every position p among `targets` with ‖x_p − x_center‖² <= r2[c] (it may also visit positions
 * of the class outside `targets`; callers filter). Centers are visited in order per target.
 */
export interface BallSearch {
  readonly block: number;
  visit(
    centers: ArrayLike<number>,
    r2: ArrayLike<number>,
    targets: Int32Array,
    visit: (c: number, p: number) => void,
  ): void;
}

/** Ball search through the distance tile kernel (dense data). */
export function kernelBallSearch(
  ds: Dataset,
  rows: Int32Array,
  kernel: DistanceKernel,
  chunk = 2048,
): BallSearch {
  const dim = ds.dim;
  const block = 64;
  const a = new Float32Array(block * dim);
  const b = new Float32Array(chunk * dim);
  const tile = new Float64Array(block * chunk);
  const gather = (out: Float32Array, positions: ArrayLike<number>, from: number, count: number) => {
    for (let t = 0; t < count; t++) {
      const r = rows[positions[from + t]];
      out.set(ds.features.subarray(r * dim, (r + 1) * dim), t * dim);
    }
  };
  return {
    block,
    visit(centers, r2, targets, visit) {
      for (let c0 = 0; c0 < centers.length; c0 += block) {
        const ac = Math.min(block, centers.length - c0);
        gather(a, centers, c0, ac);
        for (let t0 = 0; t0 < targets.length; t0 += chunk) {
          const bt = Math.min(chunk, targets.length - t0);
          gather(b, targets, t0, bt);
          kernel.squaredDistances(a, ac, b, bt, dim, tile);
          for (let t = 0; t < bt; t++) {
            for (let c = 0; c < ac; c++) {
              if (tile[c * bt + t] <= r2[c0 + c]) visit(c0 + c, targets[t0 + t]);
            }
          }
        }
      }
    },
  };
}

/** Ball search through a k-d tree of the class (low-dimensional data; `tree`: one over `rows`). */
export function treeBallSearch(
  ds: Dataset,
  rows: Int32Array,
  tree = new KdTree(ds.features, ds.dim, rows),
): BallSearch {
  const pos = new Int32Array(ds.size).fill(-1);
  rows.forEach((r, p) => (pos[r] = p));
  return {
    block: 1,
    visit(centers, r2, _targets, visit) {
      for (let c = 0; c < centers.length; c++) {
        const found = tree.ballRows(ds.features, rows[centers[c]], r2[c]);
        for (let i = 0; i < found.length; i++) visit(c, pos[found[i]]);
      }
    },
  };
}

/** The positions of `side` in the greedy order (`search` counts the balls for largest-first). */
export function coverOrder(
  side: ClassSide,
  order: CoverOrder,
  seed: number,
  search: BallSearch,
  constant: number,
  lambda: number,
): Int32Array {
  const m = side.rows.length;
  if (order === "random") return new Rng(seed, 0x636f76).permutation(m);
  const p = Int32Array.from({ length: m }, (_, i) => i);
  const byDistance = (x: number, y: number) => side.dist[y] - side.dist[x] || x - y;
  if (order === "farthest-first") return p.sort(byDistance);
  const count = ballSizes(side, search, constant, lambda);
  return p.sort((x, y) => count[y] - count[x] || byDistance(x, y));
}

/** For every position p: how many points of its class lie in its own ball B(x_p, r(p)). */
export function ballSizes(
  side: ClassSide,
  search: BallSearch,
  constant: number,
  lambda: number,
): Int32Array {
  const m = side.rows.length;
  const all = Int32Array.from({ length: m }, (_, i) => i);
  const count = new Int32Array(m);
  for (let start = 0; start < m; start += search.block) {
    const centers = all.subarray(start, Math.min(m, start + search.block));
    const r2 = Array.from(centers, (p) => coverRadius(side.dist[p], constant, lambda) ** 2);
    // Both searches visit each (center, point) pair once.
    search.visit(centers, r2, all, (c) => count[centers[c]]++);
  }
  return count;
}

/** Greedy covering of `side` in `order` (see the file comment). */
export function greedyCovering(
  side: ClassSide,
  search: BallSearch,
  o: {
    order: CoverOrder;
    constant: number;
    lambda: number;
    seed: number;
    /** Progress: phase "covering", points of the side covered. */
    onProgress?: OnProgress;
  },
): ClassCovering {
  const m = side.rows.length;
  const sequence = coverOrder(side, o.order, o.seed, search, o.constant, o.lambda);
  const covered = new Uint8Array(m);
  const assigned = new Int32Array(m).fill(-1);
  const centers: number[] = [];
  const radii: number[] = [];
  let coveredCount = 0;
  let next = 0;
  let uncovered = Int32Array.from({ length: m }, (_, i) => i);
  while (next < m) {
    const cands: number[] = [];
    while (next < m && cands.length < search.block) {
      const p = sequence[next++];
      if (covered[p] === 0) cands.push(p);
    }
    if (cands.length === 0) break;
    const r = cands.map((p) => coverRadius(side.dist[p], o.constant, o.lambda));
    const r2 = r.map((v) => v * v);
    // Which candidates become centers: the first, then each one outside the balls of the earlier
    // chosen ones (exactly the one-at-a-time greedy).
    const chosen: number[] = [];
    if (cands.length === 1) chosen.push(0);
    else {
      const inside = cands.map(() => [] as number[]);
      const candPos = new Map(cands.map((p, i) => [p, i]));
      search.visit(cands, r2, Int32Array.from(cands), (c, p) => {
        const j = candPos.get(p);
        if (j !== undefined && j > c) inside[c].push(j);
      });
      const taken = new Uint8Array(cands.length);
      for (let i = 0; i < cands.length; i++) {
        if (taken[i]) continue;
        chosen.push(i);
        for (const j of inside[i]) taken[j] = 1;
      }
    }
    const base = centers.length;
    for (const i of chosen) {
      centers.push(cands[i]);
      radii.push(r[i]);
    }
    search.visit(
      chosen.map((i) => cands[i]),
      chosen.map((i) => r2[i]),
      uncovered,
      (c, p) => {
        if (covered[p] === 0) {
          covered[p] = 1;
          assigned[p] = base + c;
          coveredCount++;
        }
      },
    );
    for (const i of chosen) {
      // A center always covers itself (distance 0), even if rounding made r = 0.
      const p = cands[i];
      if (covered[p] === 0) {
        covered[p] = 1;
        assigned[p] = base + chosen.indexOf(i);
        coveredCount++;
      }
    }
    // Drop the covered points from the targets once they are a tenth of the list: the filter costs
    // one pass over the list, each later kernel call a distance per listed point and center.
    if (10 * (uncovered.length - (m - coveredCount)) > uncovered.length) {
      uncovered = uncovered.filter((p) => covered[p] === 0);
    }
    o.onProgress?.({ phase: "covering", done: coveredCount, total: m, unit: "points" });
  }
  return {
    order: o.order,
    centers: Int32Array.from(centers),
    radii: Float64Array.from(radii),
    assigned,
  };
}

/** The full components X_ℓ = X ∩ B(c_ℓ, r_ℓ) as lists of positions (component ℓ = list ℓ). */
export function componentMembers(
  side: ClassSide,
  covering: ClassCovering,
  search: BallSearch,
): Int32Array[] {
  const lists = Array.from(covering.centers, () => [] as number[]);
  const all = Int32Array.from({ length: side.rows.length }, (_, i) => i);
  search.visit(
    covering.centers,
    Array.from(covering.radii, (r) => r * r),
    all,
    (c, p) => lists[c].push(p),
  );
  return lists.map((l) => Int32Array.from(l).sort());
}
