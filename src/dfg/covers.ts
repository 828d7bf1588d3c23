// Covers of second-layer neurons: the X⁻ points each neuron fires on. The coverage op computes
// them as bit sets over the X⁻ list (one row of coverWordsFor(|X⁻|) words per neuron), in blocks of
// neurons; the set-cover steps read them as bit sets or as sorted lists of X⁻ slots.

import { coverWordsFor, popcount32 } from "../backends/bits.js";
import type { MaskedScores } from "./maskedScores.js";
import { OptionError } from "./params.js";

/** Neurons whose covers are computed in one coverage call. */
export const COVER_BLOCK = 64;

/** At most this many bytes of cover bit sets are held per binary problem (1 GiB). */
export const MAX_COVER_BYTES = 2 ** 30;

/**
 * Covers in compressed-row form: the points of neuron j are slots[offsets[j] .. offsets[j+1]),
 * increasing indices into the X⁻ row list.
 */
export interface Covers {
  readonly count: number;
  readonly offsets: Int32Array;
  readonly slots: Int32Array;
}

/** Throws OptionError when `neurons` cover bit sets over `points` points exceed MAX_COVER_BYTES. */
export function checkCoverMemory(what: string, neurons: number, points: number): void {
  const bytes = neurons * coverWordsFor(points) * 4;
  if (bytes > MAX_COVER_BYTES) {
    throw new OptionError(
      `${what}: the covers of ${neurons} neurons over ${points} points take ` +
        `${(bytes / 2 ** 30).toFixed(1)} GiB as bit sets (more than 1 GiB); ` +
        `use selection "random" for a data set this large`,
    );
  }
}

/** Number of set bits of a AND b over words [aAt, aAt + words) of a and [0, words) of b. */
export function popcountAnd(a: Uint32Array, aAt: number, b: Uint32Array, words: number): number {
  let c = 0;
  for (let w = 0; w < words; w++) c += popcount32(a[aAt + w] & b[w]);
  return c;
}

/** The set bits of bits[at .. at + words) as increasing indices, written to out; returns how many. */
export function setBits(bits: Uint32Array, at: number, words: number, out: Int32Array): number {
  let n = 0;
  for (let w = 0; w < words; w++) {
    let word = bits[at + w];
    while (word !== 0) {
      const low = word & -word;
      out[n++] = 32 * w + (31 - Math.clz32(low));
      word ^= low;
    }
  }
  return n;
}

/** Compressed covers of neurons given as bit-set rows (row j at bits[j · words ..]). */
export function coversFromBits(bits: Uint32Array, count: number, words: number): Covers {
  const offsets = new Int32Array(count + 1);
  for (let j = 0; j < count; j++) {
    let c = 0;
    for (let w = j * words; w < (j + 1) * words; w++) c += popcount32(bits[w]);
    offsets[j + 1] = offsets[j] + c;
  }
  const slots = new Int32Array(offsets[count]);
  for (let j = 0; j < count; j++) setBits(bits, j * words, words, slots.subarray(offsets[j]));
  return { count, offsets, slots };
}

/**
 * Cover bit sets over X⁻ (`negativeRows`) of `count` neurons with the given masks (mask j at
 * masks[j · wordsPerRow ..]) and thresholds, in blocks of COVER_BLOCK neurons: row j of the result
 * (coverWordsFor(|X⁻|) words) holds the X⁻ slots with ⟨u_j, Φ(x)⟩ < thresholds[j].
 */
export function coverBits(
  scores: MaskedScores,
  masks: Uint32Array,
  wordsPerRow: number,
  thresholds: Float64Array,
  count: number,
  negativeRows: Int32Array,
): Uint32Array {
  const words = coverWordsFor(negativeRows.length);
  const out = new Uint32Array(count * words);
  for (let j0 = 0; j0 < count; j0 += COVER_BLOCK) {
    const size = Math.min(COVER_BLOCK, count - j0);
    scores.coverage(
      masks.subarray(j0 * wordsPerRow, (j0 + size) * wordsPerRow),
      size,
      thresholds.subarray(j0, j0 + size),
      negativeRows,
      negativeRows.length,
      out.subarray(j0 * words, (j0 + size) * words),
    );
  }
  return out;
}
