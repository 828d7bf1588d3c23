// Reference threshold scoring kernels: popcount(mask AND row) over bit-packed activations.

import { popcount32 } from "../bits.js";
import type { BitMatrix } from "../types.js";

const NO_ROWS_MIN = 0x7fffffff;

/** popcount(mask AND bits row `row`), stopping once the partial count reaches `limit`. */
export function maskedPopcountRow(
  bits: BitMatrix,
  mask: Uint32Array,
  row: number,
  limit: number,
): number {
  const words = bits.wordsPerRow;
  const data = bits.data;
  const base = row * words;
  let count = 0;
  for (let w = 0; w < words; w++) {
    count += popcount32(mask[w] & data[base + w]);
    if (count >= limit) return count;
  }
  return count;
}

/** See KernelSignatures.maskedMin. */
export function maskedMin(
  bits: BitMatrix,
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  stopAt: number,
): number {
  let best = NO_ROWS_MIN;
  for (let k = 0; k < count; k++) {
    const c = maskedPopcountRow(bits, mask, rows[k], best);
    if (c < best) {
      best = c;
      if (best <= stopAt) return best;
    }
  }
  return best;
}

/** See KernelSignatures.maskedMinMany: one maskedMin per mask. */
export function maskedMinMany(
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
    out[q] = maskedMin(bits, masks.subarray(q * words, (q + 1) * words), rows, count, stopAt);
  }
}

/** See KernelSignatures.maskedBelow. */
export function maskedBelow(
  bits: BitMatrix,
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  bound: number,
  out: Int32Array,
): number {
  let written = 0;
  for (let k = 0; k < count; k++) {
    if (maskedPopcountRow(bits, mask, rows[k], bound) < bound) out[written++] = rows[k];
  }
  return written;
}

/** See KernelSignatures.maskedAnyBelow: per row, the masks until one fires. */
export function maskedAnyBelow(
  bits: BitMatrix,
  masks: Uint32Array,
  thresholds: Float64Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  out: Uint8Array,
): void {
  const words = bits.wordsPerRow;
  for (let t = 0; t < count; t++) {
    let fired = 0;
    for (let q = 0; q < maskCount && fired === 0; q++) {
      const mask = masks.subarray(q * words, (q + 1) * words);
      if (maskedPopcountRow(bits, mask, rows[t], thresholds[q]) < thresholds[q]) fired = 1;
    }
    out[t] = fired;
  }
}
