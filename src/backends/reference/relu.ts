// Reference ReLU scoring kernels: ⟨u, Φ(x)⟩ as a float64 sum of the masked ReLU outputs in
// increasing neuron order (so that fit and predict, and every backend, compute identical values).

import { wordsPerRowFor } from "../bits.js";
import type { ValueMatrix } from "../types.js";

/**
 * ⟨mask, values[row]⟩, stopping once the partial sum reaches `limit` (the values are >= 0, so the
 * partial sums only grow). Mask bits at or beyond the width are ignored.
 */
export function reluDot(
  values: ValueMatrix,
  mask: Uint32Array,
  row: number,
  limit: number,
): number {
  const { width, data } = values;
  const base = row * width;
  const words = Math.ceil(width / 32);
  let sum = 0;
  for (let w = 0; w < words; w++) {
    let word = w === words - 1 && width % 32 !== 0 ? mask[w] & ((1 << (width % 32)) - 1) : mask[w];
    while (word !== 0) {
      const low = word & -word;
      sum += data[base + 32 * w + (31 - Math.clz32(low))];
      word ^= low;
    }
    if (sum >= limit) return sum;
  }
  return sum;
}

/** The ReLU counterpart of maskedMin for one mask. */
function reluMin(
  values: ValueMatrix,
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  stopAt: number,
): number {
  let best = Infinity;
  for (let k = 0; k < count; k++) {
    const v = reluDot(values, mask, rows[k], best);
    if (v < best) {
      best = v;
      if (best <= stopAt) return best;
    }
  }
  return best;
}

/** See KernelSignatures.reluMinMany. */
export function reluMinMany(
  values: ValueMatrix,
  masks: Uint32Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  stopAt: number,
  out: Float64Array,
): void {
  const words = wordsPerRowFor(values.width);
  for (let q = 0; q < maskCount; q++) {
    out[q] = reluMin(values, masks.subarray(q * words, (q + 1) * words), rows, count, stopAt);
  }
}

/** See KernelSignatures.reluBelow. */
export function reluBelow(
  values: ValueMatrix,
  mask: Uint32Array,
  rows: Int32Array,
  count: number,
  bound: number,
  out: Int32Array,
): number {
  let written = 0;
  for (let k = 0; k < count; k++) {
    if (reluDot(values, mask, rows[k], bound) < bound) out[written++] = rows[k];
  }
  return written;
}

/** See KernelSignatures.reluAnyBelow. */
export function reluAnyBelow(
  values: ValueMatrix,
  masks: Uint32Array,
  thresholds: Float64Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  out: Uint8Array,
): void {
  const words = wordsPerRowFor(values.width);
  for (let t = 0; t < count; t++) {
    let fired = 0;
    for (let q = 0; q < maskCount && fired === 0; q++) {
      const mask = masks.subarray(q * words, (q + 1) * words);
      if (reluDot(values, mask, rows[t], thresholds[q]) < thresholds[q]) fired = 1;
    }
    out[t] = fired;
  }
}
