// Moved to src/backends/reference/ (the kernels) and src/ops/ (referenceKernels, the reference's
// ops); kept for old imports.

import type { BitMatrix, Kernels } from "../backends/types.js";

export { referenceKernels } from "../ops/index.js";
export { popcount32 } from "../backends/bits.js";
export { HeapWorkspace, maskedPopcountRow, preActivations } from "../backends/reference/index.js";

/** maskedMinMany as one maskedMin call per mask. */
export function maskedMinManyByOne(
  kernels: Kernels,
  bits: BitMatrix,
  masks: Uint32Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  stopAt: number,
  out: Int32Array,
): void {
  const words = bits.wordsPerRow;
  for (let q = 0; q < maskCount; q++) {
    const mask = masks.subarray(q * words, (q + 1) * words);
    out[q] = kernels.maskedMin(bits, mask, rows, count, stopAt);
  }
}
