// Second-layer scoring ops: ⟨u, Φ(x)⟩ for 0/1 masks u, as popcounts over threshold bits or as
// sums of ReLU outputs.

import { wordsPerRowFor } from "../backends/bits.js";
import type { BitMatrix, ValueMatrix } from "../backends/types.js";
import { checkBits, checkLength, checkMasks, checkRows, checkValues } from "./checks.js";
import type { Dispatch } from "./dispatch.js";

/** min over rows of popcount(mask AND bits[row]) (see KernelSignatures.maskedMin). */
export function maskedMin(
  d: Dispatch,
  bits: BitMatrix,
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  stopAt: number,
): number {
  const { run, fail } = d.kernel("maskedMin");
  checkBits(fail, bits);
  checkLength(fail, "mask", mask, bits.wordsPerRow);
  checkRows(fail, rows, count, bits.rows);
  return run(bits, mask, rows, count, stopAt);
}

/** maskedMin for several masks at once (see KernelSignatures.maskedMinMany). */
export function maskedMinMany(
  d: Dispatch,
  bits: BitMatrix,
  masks: Uint32Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  stopAt: number,
  out: Int32Array,
): void {
  const { run, fail } = d.kernel("maskedMinMany");
  checkBits(fail, bits);
  checkMasks(fail, masks, maskCount, bits.wordsPerRow);
  checkRows(fail, rows, count, bits.rows);
  checkLength(fail, "out", out, maskCount);
  run(bits, masks, maskCount, rows, count, stopAt, out);
}

/** The rows with popcount(mask AND bits[row]) < bound (see KernelSignatures.maskedBelow). */
export function maskedBelow(
  d: Dispatch,
  bits: BitMatrix,
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  bound: number,
  out: Int32Array,
): number {
  const { run, fail } = d.kernel("maskedBelow");
  checkBits(fail, bits);
  checkLength(fail, "mask", mask, bits.wordsPerRow);
  checkRows(fail, rows, count, bits.rows);
  return run(bits, mask, rows, count, bound, out);
}

/** Whether some neuron fires on each row (see KernelSignatures.maskedAnyBelow). */
export function maskedAnyBelow(
  d: Dispatch,
  bits: BitMatrix,
  masks: Uint32Array,
  thresholds: Float64Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  out: Uint8Array,
): void {
  const { run, fail } = d.kernel("maskedAnyBelow");
  checkBits(fail, bits);
  checkMasks(fail, masks, maskCount, bits.wordsPerRow);
  checkLength(fail, "thresholds", thresholds, maskCount);
  checkRows(fail, rows, count, bits.rows);
  checkLength(fail, "out", out, count);
  run(bits, masks, thresholds, maskCount, rows, count, out);
}

/** ReLU minima for several masks (see KernelSignatures.reluMinMany). */
export function reluMinMany(
  d: Dispatch,
  values: ValueMatrix,
  masks: Uint32Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  stopAt: number,
  out: Float64Array,
): void {
  const { run, fail } = d.kernel("reluMinMany");
  checkValues(fail, values);
  checkMasks(fail, masks, maskCount, wordsPerRowFor(values.width));
  checkRows(fail, rows, count, values.rows);
  checkLength(fail, "out", out, maskCount);
  run(values, masks, maskCount, rows, count, stopAt, out);
}

/** The rows with ⟨mask, values[row]⟩ < bound (see KernelSignatures.reluBelow). */
export function reluBelow(
  d: Dispatch,
  values: ValueMatrix,
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  bound: number,
  out: Int32Array,
): number {
  const { run, fail } = d.kernel("reluBelow");
  checkValues(fail, values);
  checkLength(fail, "mask", mask, wordsPerRowFor(values.width));
  checkRows(fail, rows, count, values.rows);
  return run(values, mask, rows, count, bound, out);
}

/** Whether some ReLU neuron fires on each row (see KernelSignatures.reluAnyBelow). */
export function reluAnyBelow(
  d: Dispatch,
  values: ValueMatrix,
  masks: Uint32Array,
  thresholds: Float64Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  out: Uint8Array,
): void {
  const { run, fail } = d.kernel("reluAnyBelow");
  checkValues(fail, values);
  checkMasks(fail, masks, maskCount, wordsPerRowFor(values.width));
  checkLength(fail, "thresholds", thresholds, maskCount);
  checkRows(fail, rows, count, values.rows);
  checkLength(fail, "out", out, count);
  run(values, masks, thresholds, maskCount, rows, count, out);
}
