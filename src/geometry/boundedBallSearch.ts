// Ball queries for dense high-dimensional data that first test the projection bound
// (projectionBound.ts) on every (center, point) pair through the distance tile kernel in k + 1
// dimensions, and evaluate the exact distance only for the pairs the bound lets through. The exact
// value is the kernel's own (src/backends/reference/distances.ts: na + nb − 2·dot, the dot summed
// in increasing coordinate over the center's non-zero ones), so every query visits exactly the
// pairs, in exactly the order, that kernelBallSearch visits: the reports do not change.

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
  chunk = 2048,
): BallSearch {
  const { dim, features: f } = ds;
  const D = bound.dims;
  const block = 64;
  const norms = Float64Array.from(rows, (r) => squaredNorm(f, r * dim, dim));
  const za = new Float32Array(block * D);
  const zt = new Float32Array(chunk * D);
  const tile = new Float64Array(block * chunk);
  const threshold = new Float64Array(block);
  // The non-zero coordinates of each center of a block (nz[c * dim ..], nzCount[c] of them).
  const nz = new Int32Array(block * dim);
  const nzCount = new Int32Array(block);
  let passed = new Int32Array(4096);
  const exact = (c: number, centerRow: number, p: number): number => {
    const a = centerRow * dim;
    const b = rows[p] * dim;
    let dot = 0;
    const list = c * dim;
    for (let t = 0; t < nzCount[c]; t++) {
      const k = nz[list + t];
      dot += f[a + k] * f[b + k];
    }
    return Math.max(0, norms[p] + centerNorm[c] - 2 * dot);
  };
  const centerNorm = new Float64Array(block);
  return {
    block,
    visit(centers, r2, targets, visit) {
      for (let c0 = 0; c0 < centers.length; c0 += block) {
        const ac = Math.min(block, centers.length - c0);
        for (let c = 0; c < ac; c++) {
          const p = centers[c0 + c];
          const row = rows[p];
          za.set(bound.coords.subarray(row * D, (row + 1) * D), c * D);
          const r = Math.sqrt(r2[c0 + c]);
          threshold[c] = (r + bound.slack) ** 2;
          centerNorm[c] = norms[p];
          let count = 0;
          for (let k = 0; k < dim; k++) if (f[row * dim + k] !== 0) nz[c * dim + count++] = k;
          nzCount[c] = count;
        }
        for (let t0 = 0; t0 < targets.length; t0 += chunk) {
          const bt = Math.min(chunk, targets.length - t0);
          for (let t = 0; t < bt; t++) {
            const row = rows[targets[t0 + t]];
            zt.set(bound.coords.subarray(row * D, (row + 1) * D), t * D);
          }
          kernel.squaredDistances(za, ac, zt, bt, D, tile);
          // Pairs through the bound, as t * block + c: sorted, they are in kernelBallSearch's
          // visiting order (target-major, centers in order).
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
            if (exact(c, rows[centers[c0 + c]], p) <= r2[c0 + c]) visit(c0 + c, p);
          }
        }
      }
    },
  };
}
