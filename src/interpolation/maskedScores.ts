// ⟨u, Φ(x)⟩ for a 0/1 mask u over the first-layer neurons, for both activations. For the
// threshold activation Φ(x) is a bit vector and the product is popcount(u AND Φ(x)) (kernels);
// for ReLU it is the sum of the ReLU outputs on the masked neurons, accumulated in float64 in
// increasing neuron order so that fit and predict compute identical values.

import type { BitMatrix, Kernels } from "../kernels/types.js";
import type { Activations } from "./firstLayer.js";
import { removeOrderedSubsequence } from "./rowLists.js";

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
  /** ⟨u, Φ(x_row)⟩ exactly. */
  value(mask: Uint32Array, row: number): number;
}

/** Fills `out` with NOT(row of bits), keeping only the first bits.bits positions. */
export function invertRow(bits: BitMatrix, row: number, out: Uint32Array): void {
  const words = bits.wordsPerRow;
  const base = row * words;
  for (let w = 0; w < words; w++) {
    const valid = bits.bits - 32 * w;
    const keep = valid >= 32 ? 0xffffffff : valid <= 0 ? 0 : (1 << valid) - 1;
    out[w] = ~bits.data[base + w] & keep;
  }
}

/** The masked scores for the given activations, using `kernels` for the threshold case. */
export function maskedScores(acts: Activations, kernels: Kernels): MaskedScores {
  const bits = acts.positive;
  const values = acts.values;
  const words = bits.wordsPerRow;
  if (values === undefined) {
    let minsBuffer = new Int32Array(0);
    return {
      zeroMask: (row, out) => invertRow(bits, row, out),
      min: (mask, rows, count, stopAt) => kernels.maskedMin(bits, mask, rows, count, stopAt),
      minMany(masks, maskCount, rows, count, stopAt, out) {
        if (minsBuffer.length < maskCount) minsBuffer = new Int32Array(maskCount);
        kernels.maskedMinMany(bits, masks, maskCount, rows, count, stopAt, minsBuffer);
        for (let q = 0; q < maskCount; q++) out[q] = minsBuffer[q];
      },
      below: (mask, rows, count, bound, out) =>
        kernels.maskedBelow(bits, mask, rows, count, bound, out),
      value: (mask, row) => kernels.maskedMin(bits, mask, Int32Array.of(row), 1, -1),
      anyBelow(masks, thresholds, maskCount, rows, count, out) {
        if (kernels.maskedAnyBelow !== undefined) {
          kernels.maskedAnyBelow(bits, masks, thresholds, maskCount, rows, count, out);
        } else {
          anyBelowByNeuron(this, words, masks, thresholds, maskCount, rows, count, out);
        }
      },
    };
  }
  const width = bits.bits;
  const reluDot = (mask: Uint32Array, row: number, limit: number): number => {
    let sum = 0;
    const base = row * width;
    for (let w = 0; w < bits.wordsPerRow; w++) {
      let word = mask[w];
      while (word !== 0) {
        const low = word & -word;
        const i = 32 * w + (31 - Math.clz32(low));
        sum += values[base + i];
        word ^= low;
      }
      if (sum >= limit) return sum;
    }
    return sum;
  };
  const reluMin = (mask: Uint32Array, rows: Int32Array, count: number, stopAt: number): number => {
    let best = Infinity;
    for (let k = 0; k < count; k++) {
      const v = reluDot(mask, rows[k], best);
      if (v < best) {
        best = v;
        if (best <= stopAt) return best;
      }
    }
    return best;
  };
  return {
    zeroMask: (row, out) => invertRow(bits, row, out),
    min: reluMin,
    minMany(masks, maskCount, rows, count, stopAt, out) {
      for (let q = 0; q < maskCount; q++) {
        out[q] = reluMin(masks.subarray(q * words, (q + 1) * words), rows, count, stopAt);
      }
    },
    below(mask, rows, count, bound, out) {
      let written = 0;
      for (let k = 0; k < count; k++) {
        if (reluDot(mask, rows[k], bound) < bound) out[written++] = rows[k];
      }
      return written;
    },
    value: (mask, row) => reluDot(mask, row, Infinity),
    anyBelow(masks, thresholds, maskCount, rows, count, out) {
      anyBelowByNeuron(this, words, masks, thresholds, maskCount, rows, count, out);
    },
  };
}

/** anyBelow through one below() call per neuron over the rows that have not fired yet. */
function anyBelowByNeuron(
  scores: MaskedScores,
  words: number,
  masks: Uint32Array,
  thresholds: Float64Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  out: Uint8Array,
): void {
  out.fill(0, 0, count);
  const slot = new Map<number, number>();
  for (let t = 0; t < count; t++) slot.set(rows[t], t);
  const pending = rows.slice(0, count);
  const hits = new Int32Array(count);
  let pendingSize = count;
  for (let q = 0; q < maskCount && pendingSize > 0; q++) {
    const mask = masks.subarray(q * words, (q + 1) * words);
    const h = scores.below(mask, pending, pendingSize, thresholds[q], hits);
    for (let t = 0; t < h; t++) out[slot.get(hits[t]) ?? 0] = 1;
    pendingSize = removeOrderedSubsequence(pending, pendingSize, hits, h);
  }
}
