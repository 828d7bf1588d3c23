// The N × N part of the analysis, blocked: for every point its smallest distance to each class
// (itself excluded), the smallest distance between two points, and the smallest angle between two
// samples. Dense data go through the distance tile kernel in blocks (memory O(block²), never
// N × N); low-dimensional data (d <= 3) through one k-d tree per class.

import type { Dataset } from "../data/dataset.js";
import { squaredDistance, type DistanceKernel } from "../backends/reference/distances.js";
import { KdTree } from "./kdTree.js";
import type { OnProgress } from "../progress.js";

/** What the pass computes. */
export interface NearestByClass {
  readonly classes: number;
  /** nearest2[i * classes + k]: smallest squared distance from point i to a point of class k ≠ i. */
  readonly nearest2: Float64Array;
  /** Smallest distance between two different points (rows), and the pair. */
  readonly minDistance: number;
  readonly minDistancePair: readonly [number, number];
  /** Smallest angle (radians) between two non-zero samples, and the pair. */
  readonly minAngle: number;
  readonly minAnglePair: readonly [number, number];
  /** "kernel:<backend>" or "k-d tree". */
  readonly method: string;
  /** The k-d tree of each class (over rowsByClass(ds)[k]), when the k-d tree was used. */
  readonly trees?: readonly KdTree[];
}

export interface NearestOptions {
  readonly kernel: DistanceKernel;
  /** Progress: phase "distances", in tiles (kernel) or points (k-d tree). */
  readonly onProgress?: OnProgress;
  /** Rows per block of the tile kernel (default 512). */
  readonly block?: number;
  /** Use the k-d tree for dim <= this (default 3; 0 forces the kernel). */
  readonly treeMaxDim?: number;
}

/** Computes NearestByClass for `ds` (no validation: see analyze.ts). */
export function nearestByClass(ds: Dataset, o: NearestOptions): NearestByClass {
  const treeMaxDim = o.treeMaxDim ?? 3;
  return ds.dim <= treeMaxDim ? nearestByTree(ds, o) : nearestByKernel(ds, o);
}

function norms2(ds: Dataset): Float64Array {
  const out = new Float64Array(ds.size);
  for (let i = 0; i < ds.size; i++) {
    let s = 0;
    for (let k = 0; k < ds.dim; k++) {
      const v = ds.features[i * ds.dim + k];
      s += v * v;
    }
    out[i] = s;
  }
  return out;
}

function nearestByKernel(ds: Dataset, o: NearestOptions): NearestByClass {
  const { size: n, dim, labels, features } = ds;
  const K = ds.classNames.length;
  const block = o.block ?? 512;
  const nearest2 = new Float64Array(n * K).fill(Infinity);
  const nn = norms2(ds);
  const inv = nn.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
  const tile = new Float64Array(block * block);
  let best = Infinity;
  let bestPair: [number, number] = [-1, -1];
  let bestCos = -Infinity;
  let anglePair: [number, number] = [-1, -1];
  const blocks = Math.ceil(n / block);
  const totalTiles = (blocks * (blocks + 1)) / 2;
  let doneTiles = 0;
  for (let i0 = 0; i0 < n; i0 += block) {
    const ai = Math.min(block, n - i0);
    const a = features.subarray(i0 * dim, (i0 + ai) * dim);
    for (let j0 = i0; j0 < n; j0 += block) {
      const bj = Math.min(block, n - j0);
      o.kernel.squaredDistances(a, ai, features.subarray(j0 * dim, (j0 + bj) * dim), bj, dim, tile);
      for (let i = 0; i < ai; i++) {
        const gi = i0 + i;
        const li = labels[gi] | 0;
        const rowI = gi * K;
        const ni = nn[gi];
        const invI = inv[gi] * 0.5;
        const start = j0 === i0 ? i + 1 : 0;
        for (let j = start; j < bj; j++) {
          const gj = j0 + j;
          const s = tile[i * bj + j];
          const lj = labels[gj] | 0;
          if (s < nearest2[rowI + lj]) nearest2[rowI + lj] = s;
          if (s < nearest2[gj * K + li]) nearest2[gj * K + li] = s;
          if (s < best) {
            best = s;
            bestPair = [gi, gj];
          }
          // A zero point has inv = 0, so cos = 0: it never gives the smallest angle unless all are.
          const cos = (ni + nn[gj] - s) * invI * inv[gj];
          if (cos > bestCos && ni > 0 && nn[gj] > 0) {
            bestCos = cos;
            anglePair = [gi, gj];
          }
        }
      }
      doneTiles++;
      o.onProgress?.({ phase: "distances", done: doneTiles, total: totalTiles, unit: "tiles" });
    }
  }
  return {
    classes: K,
    nearest2,
    minDistance: Math.sqrt(best),
    minDistancePair: bestPair,
    minAngle: Math.acos(Math.max(-1, Math.min(1, bestCos))),
    minAnglePair: anglePair,
    method: `kernel:${o.kernel.name}`,
  };
}

/** Rows of each class. */
export function rowsByClass(ds: Dataset): Int32Array[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (const l of ds.labels) counts[l]++;
  const out = counts.map((c) => new Int32Array(c));
  const fill = counts.map(() => 0);
  ds.labels.forEach((l, r) => (out[l][fill[l]++] = r));
  return out;
}

function nearestByTree(ds: Dataset, o: NearestOptions): NearestByClass {
  const { size: n, dim, features } = ds;
  const K = ds.classNames.length;
  const trees = rowsByClass(ds).map((rows) => new KdTree(features, dim, rows));
  const nearest2 = new Float64Array(n * K);
  let best = Infinity;
  let bestPair: [number, number] = [-1, -1];
  const step = Math.max(1, Math.floor(n / 200));
  // Queries in the tree order of their own class (spatially coherent), each warm-started from the
  // previous query's answer in the same tree.
  let done = 0;
  for (const own of trees) {
    const hints = new Int32Array(K).fill(-1);
    for (const i of own.order) {
      for (let k = 0; k < K; k++) {
        const s = trees[k].nearest(features, i, i, hints[k]);
        hints[k] = trees[k].lastRow;
        nearest2[i * K + k] = s;
        if (s < best) {
          best = s;
          bestPair = [i, -1];
        }
      }
      if (++done % step === 0) {
        o.onProgress?.({ phase: "distances", done, total: n, unit: "points" });
      }
    }
  }
  o.onProgress?.({ phase: "distances", done: n, total: n, unit: "points" });
  if (bestPair[0] >= 0) {
    // The partner of the closest pair (the first row at that distance).
    const i = bestPair[0];
    for (let j = 0; j < n; j++) {
      if (j !== i && squaredDistanceRows(ds, i, j) === best) {
        bestPair = i < j ? [i, j] : [j, i];
        break;
      }
    }
  }
  const angle = minAngleSorted(ds);
  return {
    classes: K,
    nearest2,
    minDistance: Math.sqrt(best),
    minDistancePair: bestPair,
    minAngle: angle.angle,
    minAnglePair: angle.pair,
    method: "k-d tree",
    trees,
  };
}

function squaredDistanceRows(ds: Dataset, i: number, j: number): number {
  return squaredDistance(ds.features, i * ds.dim, ds.features, j * ds.dim, ds.dim);
}

/** Smallest angle between two non-zero samples: exact for d = 1 and 2 (sorted polar angles). */
function minAngleSorted(ds: Dataset): { angle: number; pair: [number, number] } {
  const { size: n, dim, features } = ds;
  if (dim === 1) {
    // Points on a line: angle 0 if two non-zero points share a sign, else π.
    let pos = -1;
    let neg = -1;
    for (let i = 0; i < n; i++) {
      const v = features[i];
      if (v > 0) {
        if (pos >= 0) return { angle: 0, pair: [pos, i] };
        pos = i;
      } else if (v < 0) {
        if (neg >= 0) return { angle: 0, pair: [neg, i] };
        neg = i;
      }
    }
    return pos >= 0 && neg >= 0
      ? { angle: Math.PI, pair: [pos, neg] }
      : { angle: NaN, pair: [-1, -1] };
  }
  if (dim !== 2) return { angle: NaN, pair: [-1, -1] };
  // Polar angles of the non-zero points (−0 made +0: no gap changes), sorted as numbers; the
  // points at a sorted position are found afterwards (ties in index order).
  const theta = new Float64Array(n).fill(NaN);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = features[2 * i];
    const y = features[2 * i + 1];
    if (x === 0 && y === 0) continue;
    theta[i] = Math.atan2(y, x) + 0;
    count++;
  }
  if (count < 2) return { angle: NaN, pair: [-1, -1] };
  const v = new Float64Array(count);
  let c = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(theta[i])) v[c++] = theta[i];
  v.sort();
  let angle = Infinity;
  let at = -1;
  for (let t = 0; t < count; t++) {
    const gap = t === count - 1 ? v[0] - v[t] + 2 * Math.PI : v[t + 1] - v[t];
    if (gap < angle) {
      angle = gap;
      at = t;
    }
  }
  // The row at sorted position p: among the rows with angle v[p], the (p − first)-th by index.
  const rowAt = (p: number): number => {
    let first = p;
    while (first > 0 && v[first - 1] === v[p]) first--;
    let skip = p - first;
    for (let i = 0; i < n; i++) {
      if (theta[i] === v[p] && skip-- === 0) return i;
    }
    return -1;
  };
  const a = rowAt(at);
  const b = rowAt((at + 1) % count);
  return { angle: Math.min(angle, Math.PI), pair: a < b ? [a, b] : [b, a] };
}
