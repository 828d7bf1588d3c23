// Ball queries for dense high-dimensional data that first test the projection bound
// (projectionBound.ts) on every (center, point) pair through the distance tile kernel in k + 1
// dimensions, and evaluate the exact distance only for the pairs the bound lets through. The exact
// value is the kernel's own (src/backends/reference/distances.ts: na + nb − 2·dot, the dot summed
// in increasing coordinate over the point's non-zero ones), so every query visits exactly the
// pairs that kernelBallSearch visits, each point's centers in increasing order (the BallSearch
// contract, which is all the covering relies on): the reports do not change.

import type { Dataset } from "../data/dataset.js";
import { squaredNorm, type DistanceKernel } from "../backends/reference/distances.js";
import type { BallSearch } from "./covering.js";
import type { ProjectionBound } from "./projectionBound.js";

/** Ball search over `rows` of `ds` through `bound` and the kernel (see the file comment). */
export function boundedBallSearch(
  ds: Dataset,
  rows: Int32Array,
  kernel: DistanceKernel,
  bound: ProjectionBound,
  chunk = 1024,
): BallSearch {
  const { dim, features: f } = ds;
  const D = bound.dims;
  // Centers per kernel call: 256 when a query has that many (the component balls), which reuses
  // each target's coordinates more; the greedy covering asks for 64 at a time.
  const block = 256;
  const norms = Float64Array.from(rows, (r) => squaredNorm(f, r * dim, dim));
  // Each point's non-zero coordinates (CSR, by position): the exact dot of a pair reads the
  // point's list sequentially against the center's dense row. Skipping the point's zeros instead
  // of the center's gives the same sum: the skipped terms are ±0.
  const start = new Int32Array(rows.length + 1);
  for (let p = 0; p < rows.length; p++) {
    let c = 0;
    for (let k = rows[p] * dim, end = k + dim; k < end; k++) if (f[k] !== 0) c++;
    start[p + 1] = start[p] + c;
  }
  const index = new Int32Array(start[rows.length]);
  const value = new Float64Array(start[rows.length]);
  for (let p = 0, t = 0; p < rows.length; p++) {
    const base = rows[p] * dim;
    for (let k = 0; k < dim; k++) {
      const v = f[base + k];
      if (v !== 0) {
        index[t] = k;
        value[t++] = v;
      }
    }
  }
  const za = new Float32Array(block * D);
  // The targets' coordinates, gathered once per query (every block of centers reads them).
  let zt = new Float32Array(chunk * D);
  const tile = new Float64Array(block * chunk);
  const threshold = new Float64Array(block);
  const centerRow = new Float64Array(block * dim);
  const centerNorm = new Float64Array(block);
  let passed = new Int32Array(4096);
  /** The kernel's value for center c of the block and position p. */
  const exact = (c: number, p: number): number => {
    const a = c * dim;
    let dot = 0;
    for (let t = start[p], end = start[p + 1]; t < end; t++)
      dot += centerRow[a + index[t]] * value[t];
    return Math.max(0, norms[p] + centerNorm[c] - 2 * dot);
  };
  return {
    block: 64,
    visit(centers, r2, targets, visit) {
      if (zt.length < targets.length * D) zt = new Float32Array(targets.length * D);
      for (let t = 0; t < targets.length; t++) {
        const row = rows[targets[t]];
        zt.set(bound.coords.subarray(row * D, (row + 1) * D), t * D);
      }
      for (let c0 = 0; c0 < centers.length; c0 += block) {
        const ac = Math.min(block, centers.length - c0);
        for (let c = 0; c < ac; c++) {
          const p = centers[c0 + c];
          const row = rows[p];
          za.set(bound.coords.subarray(row * D, (row + 1) * D), c * D);
          const r = Math.sqrt(r2[c0 + c]);
          threshold[c] = (r + bound.slack) ** 2;
          centerNorm[c] = norms[p];
          for (let k = 0; k < dim; k++) centerRow[c * dim + k] = f[row * dim + k];
        }
        for (let t0 = 0; t0 < targets.length; t0 += chunk) {
          const bt = Math.min(chunk, targets.length - t0);
          kernel.squaredDistances(za, ac, zt.subarray(t0 * D, (t0 + bt) * D), bt, D, tile);
          // Pairs through the bound, as t * block + c: sorted, each target's centers come in order.
          let count = 0;
          for (let c = 0; c < ac; c++) {
            const thr = threshold[c];
            const base = c * bt;
            for (let t = 0; t < bt; t++) {
              if (tile[base + t] <= thr) {
                if (count === passed.length) {
                  const grown = new Int32Array(2 * passed.length);
                  grown.set(passed);
                  passed = grown;
                }
                passed[count++] = t * block + c;
              }
            }
          }
          const order = passed.subarray(0, count).sort();
          for (let i = 0; i < count; i++) {
            const c = order[i] % block;
            const p = targets[t0 + (order[i] - c) / block];
            if (exact(c, p) <= r2[c0 + c]) visit(c0 + c, p);
          }
        }
      }
    },
  };
}
