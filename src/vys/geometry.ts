// Geometry of the data that the construction needs or reports: radius r, exact duplicate rows,
// and the separation δ (the smallest distance between two points), found without comparing all
// N² pairs: candidate pairs come from a grid on a low-dimensional orthogonal projection (a
// projected distance never exceeds the true one), and only those are measured in full.

import { Rng } from "../random/rng.js";

/** Row-major points: `count` rows of `dim` numbers. */
export interface PointSet {
  readonly points: ArrayLike<number>;
  readonly dim: number;
  readonly count: number;
}

/** Largest Euclidean norm r = max_i ‖x_i‖ (float64); 0 for no points. */
export function pointRadius(p: PointSet): number {
  let r2 = 0;
  for (let i = 0; i < p.count; i++) {
    let s = 0;
    for (let k = 0; k < p.dim; k++) {
      const v = p.points[i * p.dim + k];
      s += v * v;
    }
    if (s > r2) r2 = s;
  }
  return Math.sqrt(r2);
}

/** Euclidean distance between rows i and j (float64). */
export function rowDistance(p: PointSet, i: number, j: number): number {
  let s = 0;
  const a = i * p.dim;
  const b = j * p.dim;
  for (let k = 0; k < p.dim; k++) {
    const t = p.points[a + k] - p.points[b + k];
    s += t * t;
  }
  return Math.sqrt(s);
}

/**
 * Pairs of rows with exactly equal coordinates (−0 = +0): each duplicate row paired with the first
 * row holding the same point (0-based, first < second), at most `limit` pairs. Expected O(N·d).
 */
export function findDuplicateRows(p: PointSet, limit = Infinity): [number, number][] {
  const { dim, count, points } = p;
  let size = 1;
  while (size < 2 * count) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const hashes = new Uint32Array(size);
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  const out: [number, number][] = [];
  for (let i = 0; i < count && out.length < limit; i++) {
    let h = 0x811c9dc5;
    for (let k = 0; k < dim; k++) {
      const v = points[i * dim + k];
      f64[0] = v === 0 ? 0 : v;
      h = Math.imul(h ^ u32[0], 0x01000193);
      h = Math.imul(h ^ u32[1], 0x01000193);
      h ^= h >>> 15;
    }
    h >>>= 0;
    let slot = h & mask;
    for (;;) {
      const rep = slots[slot];
      if (rep < 0) {
        slots[slot] = i;
        hashes[slot] = h;
        break;
      }
      if (hashes[slot] === h && sameRow(p, rep, i)) {
        out.push([rep, i]);
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return out;
}

function sameRow(p: PointSet, i: number, j: number): boolean {
  for (let k = 0; k < p.dim; k++) {
    if (p.points[i * p.dim + k] !== p.points[j * p.dim + k]) return false;
  }
  return true;
}

/** The closest pair: δ = ‖x_i − x_j‖ (float64), or Infinity with i = j = −1 for fewer than 2 points. */
export interface ClosestPair {
  readonly distance: number;
  readonly i: number;
  readonly j: number;
}

/**
 * Smallest distance between two rows (δ of the paper), exact up to float64 rounding of each
 * distance. Points are projected onto k = min(d, 12) orthonormal directions (the coordinates
 * themselves for d <= 12, else approximate top principal directions); a projected distance never
 * exceeds the true one, so it prunes pairs safely. For each row a k-d tree on the projections is
 * searched, nearer children first, for partners of larger index within the best distance so far.
 */
export function closestPair(p: PointSet, seed = 0): ClosestPair {
  const { count, dim } = p;
  if (count < 2) return { distance: Infinity, i: -1, j: -1 };
  const k = Math.min(dim, 12);
  const dirs = dim <= k ? identityDirections(dim) : principalDirections(p, k, seed);
  const proj = new Float64Array(count * k);
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < k; t++) {
      let s = 0;
      const dir = dirs[t];
      for (let c = 0; c < dim; c++) {
        const v = p.points[i * dim + c];
        if (v !== 0) s += v * dir[c];
      }
      proj[i * k + t] = s;
    }
  }
  const tree = buildKdTree(proj, count, k);
  const slack = 1 + 1e-9;
  let best = Infinity;
  let bi = -1;
  let bj = -1;
  const stack: number[] = [];
  for (let i = 0; i < count && best > 0; i++) {
    stack.length = 0;
    stack.push(0);
    while (stack.length > 0) {
      const node = stack.pop() as number;
      if (boxDistance2(tree, node, proj, i, k) > best * best * slack) continue;
      const left = tree.left[node];
      if (left < 0) {
        for (let t = tree.start[node]; t < tree.end[node]; t++) {
          const j = tree.index[t];
          if (j <= i) continue;
          let lower = 0;
          for (let c = 0; c < k; c++) {
            const v = proj[i * k + c] - proj[j * k + c];
            lower += v * v;
          }
          if (lower > best * best * slack) continue;
          const d = rowDistance(p, i, j);
          if (d < best || (d === best && (i < bi || (i === bi && j < bj)))) {
            best = d;
            bi = i;
            bj = j;
          }
        }
        continue;
      }
      const right = tree.right[node];
      // Visit the nearer child first (pushed last).
      const dl = boxDistance2(tree, left, proj, i, k);
      const dr = boxDistance2(tree, right, proj, i, k);
      if (dl <= dr) {
        stack.push(right, left);
      } else {
        stack.push(left, right);
      }
    }
  }
  return { distance: best, i: bi, j: bj };
}

interface KdTree {
  readonly index: Int32Array;
  readonly start: number[];
  readonly end: number[];
  readonly left: number[];
  readonly right: number[];
  /** Bounding boxes: node t has lo at box[2kt .. 2kt + k), hi after. */
  readonly box: number[];
}

function buildKdTree(proj: Float64Array, count: number, k: number): KdTree {
  const tree: KdTree = {
    index: Int32Array.from({ length: count }, (_, i) => i),
    start: [],
    end: [],
    left: [],
    right: [],
    box: [],
  };
  const build = (start: number, end: number): number => {
    const node = tree.start.length;
    tree.start.push(start);
    tree.end.push(end);
    tree.left.push(-1);
    tree.right.push(-1);
    let widest = 0;
    let widestSpan = -1;
    for (let c = 0; c < k; c++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let t = start; t < end; t++) {
        const v = proj[tree.index[t] * k + c];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      tree.box[2 * k * node + c] = lo;
      tree.box[2 * k * node + k + c] = hi;
      if (hi - lo > widestSpan) {
        widestSpan = hi - lo;
        widest = c;
      }
    }
    if (end - start <= 8 || widestSpan <= 0) return node;
    const part = Array.from(tree.index.subarray(start, end)).sort(
      (a, b) => proj[a * k + widest] - proj[b * k + widest],
    );
    tree.index.set(part, start);
    const mid = start + ((end - start) >> 1);
    const l = build(start, mid);
    const r = build(mid, end);
    tree.left[node] = l;
    tree.right[node] = r;
    return node;
  };
  build(0, count);
  return tree;
}

function boxDistance2(
  tree: KdTree,
  node: number,
  proj: Float64Array,
  i: number,
  k: number,
): number {
  let s = 0;
  const base = 2 * k * node;
  for (let c = 0; c < k; c++) {
    const v = proj[i * k + c];
    const lo = tree.box[base + c];
    const hi = tree.box[base + k + c];
    const d = v < lo ? lo - v : v > hi ? v - hi : 0;
    s += d * d;
  }
  return s;
}

function identityDirections(dim: number): Float64Array[] {
  return Array.from({ length: dim }, (_, t) => {
    const v = new Float64Array(dim);
    v[t] = 1;
    return v;
  });
}

/**
 * k orthonormal directions close to the top principal directions of the (centred) data, by a
 * few rounds of subspace iteration on a sample of at most 2000 rows. Any orthonormal set is
 * correct for pruning; better directions only prune more.
 */
function principalDirections(p: PointSet, k: number, seed: number): Float64Array[] {
  const { dim, count } = p;
  const rng = new Rng(seed, 0x6d696e64);
  const sampleSize = Math.min(count, 2000);
  const rows =
    count <= sampleSize
      ? Int32Array.from({ length: count }, (_, i) => i)
      : rng.permutation(count).slice(0, sampleSize);
  const mean = new Float64Array(dim);
  for (const r of rows) for (let c = 0; c < dim; c++) mean[c] += p.points[r * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= rows.length;
  let dirs = Array.from({ length: k }, () => {
    const v = new Float64Array(dim);
    for (let c = 0; c < dim; c++) v[c] = rng.normal();
    return v;
  });
  orthonormalize(dirs);
  const scores = new Float64Array(k);
  for (let round = 0; round < 6; round++) {
    const next = Array.from({ length: k }, () => new Float64Array(dim));
    for (const r of rows) {
      const base = r * dim;
      for (let t = 0; t < k; t++) {
        let s = 0;
        for (let c = 0; c < dim; c++) s += (p.points[base + c] - mean[c]) * dirs[t][c];
        scores[t] = s;
      }
      for (let t = 0; t < k; t++) {
        const st = scores[t];
        if (st === 0) continue;
        const nt = next[t];
        for (let c = 0; c < dim; c++) nt[c] += st * (p.points[base + c] - mean[c]);
      }
    }
    dirs = next;
    orthonormalize(dirs);
  }
  return dirs;
}

/** Gram–Schmidt (twice, for stability); a vanishing vector is replaced by a coordinate axis. */
function orthonormalize(vs: Float64Array[]): void {
  const dim = vs[0].length;
  for (let pass = 0; pass < 2; pass++) {
    for (let t = 0; t < vs.length; t++) {
      const v = vs[t];
      for (let attempt = 0; ; attempt++) {
        for (let s = 0; s < t; s++) {
          let dot = 0;
          for (let c = 0; c < dim; c++) dot += v[c] * vs[s][c];
          for (let c = 0; c < dim; c++) v[c] -= dot * vs[s][c];
        }
        let norm = 0;
        for (let c = 0; c < dim; c++) norm += v[c] * v[c];
        norm = Math.sqrt(norm);
        if (norm > 1e-12 || attempt >= dim) {
          for (let c = 0; c < dim; c++) v[c] /= norm;
          break;
        }
        v.fill(0);
        v[(t + attempt) % dim] = 1;
      }
    }
  }
}
