// Reference coverage kernels: which points of a list each second-layer neuron fires on, as one
// bit set per neuron (see KernelSignatures.coverage), for threshold bits and ReLU values.

import { coverWordsFor, wordsPerRowFor } from "../bits.js";
import type { BitMatrix, ValueMatrix } from "../types.js";
import { maskedPopcountRow } from "./popcount.js";
import { reluDot } from "./relu.js";

/** Bit sets of the covers, from `score(q, row, bound)` < bounds[q] (the shared loop). */
function coverBits(
  score: (q: number, row: number, bound: number) => number,
  maskCount: number,
  bounds: Float64Array,
  rows: Int32Array,
  count: number,
  out: Uint32Array,
): void {
  const words = coverWordsFor(count);
  out.fill(0, 0, maskCount * words);
  for (let q = 0; q < maskCount; q++) {
    const bound = bounds[q];
    for (let t = 0; t < count; t++) {
      if (score(q, rows[t], bound) < bound) out[q * words + (t >>> 5)] |= 1 << (t & 31);
    }
  }
}

/** See KernelSignatures.coverage. */
export function coverage(
  bits: BitMatrix,
  masks: Uint32Array,
  maskCount: number,
  bounds: Float64Array,
  rows: Int32Array,
  count: number,
  out: Uint32Array,
): void {
  const words = bits.wordsPerRow;
  const mask = (q: number) => masks.subarray(q * words, (q + 1) * words);
  coverBits(
    (q, row, bound) => maskedPopcountRow(bits, mask(q), row, bound),
    maskCount,
    bounds,
    rows,
    count,
    out,
  );
}

/** See KernelSignatures.reluCoverage. */
export function reluCoverage(
  values: ValueMatrix,
  masks: Uint32Array,
  maskCount: number,
  bounds: Float64Array,
  rows: Int32Array,
  count: number,
  out: Uint32Array,
): void {
  const words = wordsPerRowFor(values.width);
  const mask = (q: number) => masks.subarray(q * words, (q + 1) * words);
  coverBits(
    (q, row, bound) => reluDot(values, mask(q), row, bound),
    maskCount,
    bounds,
    rows,
    count,
    out,
  );
}
