// The coverage ops: which points of a list a batch of second-layer neurons fires on, one bit set
// per neuron (KernelSignatures.coverage and reluCoverage). Every backend may register a kernel
// under these names; the reference implements both. The selection strategies (src/dfg/
// selection.ts) build their set-cover instances from these bit sets, in blocks of neurons.

import { coverWordsFor, wordsPerRowFor } from "../backends/bits.js";
import type { BitMatrix, KernelSignatures, ValueMatrix } from "../backends/types.js";
import { checkBits, checkLength, checkMasks, checkRows, checkValues } from "./checks.js";
import type { Dispatch } from "./dispatch.js";

export { coverWordsFor };

/** The contract every backend's "coverage" kernel meets (see KernelSignatures.coverage). */
export type CoverageKernel = KernelSignatures["coverage"];

/** Covers of `maskCount` neurons over rows[0..count) as bit sets (see KernelSignatures.coverage). */
export function coverage(
  d: Dispatch,
  bits: BitMatrix,
  masks: Uint32Array,
  maskCount: number,
  bounds: Float64Array,
  rows: Int32Array,
  count: number,
  out: Uint32Array,
): void {
  const { run, fail } = d.kernel("coverage");
  checkBits(fail, bits);
  checkMasks(fail, masks, maskCount, bits.wordsPerRow);
  checkLength(fail, "bounds", bounds, maskCount);
  checkRows(fail, rows, count, bits.rows);
  checkLength(fail, "out", out, maskCount * coverWordsFor(count));
  run(bits, masks, maskCount, bounds, rows, count, out);
}

/** The ReLU covers (see KernelSignatures.reluCoverage). */
export function reluCoverage(
  d: Dispatch,
  values: ValueMatrix,
  masks: Uint32Array,
  maskCount: number,
  bounds: Float64Array,
  rows: Int32Array,
  count: number,
  out: Uint32Array,
): void {
  const { run, fail } = d.kernel("reluCoverage");
  checkValues(fail, values);
  checkMasks(fail, masks, maskCount, wordsPerRowFor(values.width));
  checkLength(fail, "bounds", bounds, maskCount);
  checkRows(fail, rows, count, values.rows);
  checkLength(fail, "out", out, maskCount * coverWordsFor(count));
  run(values, masks, maskCount, bounds, rows, count, out);
}
