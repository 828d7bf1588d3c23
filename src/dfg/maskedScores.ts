// ⟨u, Φ(x)⟩ for a 0/1 mask u over the first-layer neurons, for both activations. For the
// threshold activation Φ(x) is a bit vector and the product is popcount(u AND Φ(x)); for ReLU it
// is the sum of the ReLU outputs on the masked neurons, accumulated in float64 in increasing
// neuron order so that fit and predict compute identical values. Both run as ops (src/ops/).

import type { Kernels, ValueMatrix } from "../ops/index.js";
import { invertRow } from "../backends/bits.js";
import type { Activations } from "./firstLayer.js";

export { invertRow };

/** Masked inner products of one mask against many rows of Φ. */
export interface MaskedScores {
  /** The mask u = 1[Φ(x_row) = 0] of a row (padding bits cleared), written into `out`. */
  zeroMask(row: number, out: Uint32Array): void;
  /** min over rows[0..count) of ⟨u, Φ(x)⟩; may stop early once the minimum is <= stopAt. */
  min(mask: Uint32Array, rows: Int32Array, count: number, stopAt: number): number;
  /** min() for `maskCount` masks at once (mask q at masks[q·wordsPerRow ..]) into out[q]. */
  minMany(
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Float64Array,
  ): void;
  /** Writes the rows with ⟨u, Φ(x)⟩ < bound to out and returns how many. */
  below(mask: Uint32Array, rows: Int32Array, count: number, bound: number, out: Int32Array): number;
  /**
   * out[t] = 1 when some mask q < maskCount has ⟨u_q, Φ(x_rows[t])⟩ < thresholds[q] (some
   * neuron fires), else 0.
   */
  anyBelow(
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void;
  /**
   * Covers as bit sets: bit t of out row q (coverWordsFor(count) words per row) is 1 iff
   * ⟨u_q, Φ(x_rows[t])⟩ < bounds[q].
   */
  coverage(
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): void;
  /** ⟨u, Φ(x_row)⟩ exactly. */
  value(mask: Uint32Array, row: number): number;
}

/** The masked scores for the given activations, through the ops of `kernels`. */
export function maskedScores(acts: Activations, kernels: Kernels): MaskedScores {
  const bits = acts.positive;
  const zeroMask = (row: number, out: Uint32Array) => invertRow(bits, row, out);
  if (acts.values === undefined) {
    let minsBuffer = new Int32Array(0);
    return {
      zeroMask,
      min: (mask, rows, count, stopAt) => kernels.maskedMin(bits, mask, rows, count, stopAt),
      minMany(masks, maskCount, rows, count, stopAt, out) {
        if (minsBuffer.length < maskCount) minsBuffer = new Int32Array(maskCount);
        kernels.maskedMinMany(bits, masks, maskCount, rows, count, stopAt, minsBuffer);
        for (let q = 0; q < maskCount; q++) out[q] = minsBuffer[q];
      },
      below: (mask, rows, count, bound, out) =>
        kernels.maskedBelow(bits, mask, rows, count, bound, out),
      value: (mask, row) => kernels.maskedMin(bits, mask, Int32Array.of(row), 1, -1),
      anyBelow: (masks, thresholds, maskCount, rows, count, out) =>
        kernels.maskedAnyBelow(bits, masks, thresholds, maskCount, rows, count, out),
      coverage: (masks, maskCount, bounds, rows, count, out) =>
        kernels.coverage(bits, masks, maskCount, bounds, rows, count, out),
    };
  }
  const values: ValueMatrix = { rows: bits.rows, width: bits.bits, data: acts.values };
  const one = new Float64Array(1);
  const min = (mask: Uint32Array, rows: Int32Array, count: number, stopAt: number): number => {
    kernels.reluMinMany(values, mask, 1, rows, count, stopAt, one);
    return one[0];
  };
  return {
    zeroMask,
    min,
    minMany: (masks, maskCount, rows, count, stopAt, out) =>
      kernels.reluMinMany(values, masks, maskCount, rows, count, stopAt, out),
    below: (mask, rows, count, bound, out) =>
      kernels.reluBelow(values, mask, rows, count, bound, out),
    value: (mask, row) => min(mask, Int32Array.of(row), 1, -Infinity),
    anyBelow: (masks, thresholds, maskCount, rows, count, out) =>
      kernels.reluAnyBelow(values, masks, thresholds, maskCount, rows, count, out),
    coverage: (masks, maskCount, bounds, rows, count, out) =>
      kernels.reluCoverage(values, masks, maskCount, bounds, rows, count, out),
  };
}
