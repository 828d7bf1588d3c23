// The coverage kernel: which points of a list a batch of second-layer neurons fires on. It is
// written over the `maskedBelow` primitive that every backend implements, so it runs on every
// backend as it stands; a backend may later register a faster kernel with the same contract
// (CoverageKernel) under the name "coverage".

/** Rows with ⟨mask, Φ(x)⟩ < bound, in input order, written to out; returns how many. */
export type BelowFn = (
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  bound: number,
  out: Int32Array,
) => number;

/**
 * Covers of `maskCount` neurons (mask q at masks[q·wordsPerRow ..], threshold bounds[q]) over
 * rows[0..count): list indices t < count with ⟨u_q, Φ(x_rows[t])⟩ < bounds[q], appended to
 * `sink(q, indices, length)` in increasing t. `scratch` has room for `count` entries.
 */
export type CoverageKernel = (
  below: BelowFn,
  masks: Uint32Array,
  wordsPerRow: number,
  bounds: Float64Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  scratch: Int32Array,
  sink: (q: number, indices: Int32Array, length: number) => void,
) => void;

/**
 * The reference coverage kernel: one `below` call per neuron, then the matching rows mapped back
 * to their list indices (the rows of the list must be distinct).
 */
export const coverageReference: CoverageKernel = (
  below,
  masks,
  wordsPerRow,
  bounds,
  maskCount,
  rows,
  count,
  scratch,
  sink,
) => {
  const indices = new Int32Array(count);
  for (let q = 0; q < maskCount; q++) {
    const mask = masks.subarray(q * wordsPerRow, (q + 1) * wordsPerRow);
    const hits = bounds[q] > 0 ? below(mask, rows, count, bounds[q], scratch) : 0;
    // `below` reports rows in input order, so one merge walk finds their list indices.
    let t = 0;
    for (let h = 0; h < hits; h++) {
      while (rows[t] !== scratch[h]) t++;
      indices[h] = t++;
    }
    sink(q, indices, hits);
  }
};
