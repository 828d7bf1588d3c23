// Algorithm 1, line 3: is every pair (x⁻, x⁺) separated by some hyperplane, i.e. is there an i
// with Φ_i(x⁻) = 0 < Φ_i(x⁺)? Checked row by row through the masks u = 1[Φ(x⁻) = 0], without
// materializing the N⁻ × N⁺ pair set.

import type { BitMatrix, Kernels } from "../kernels/types.js";
import { invertRow } from "./maskedScores.js";

/** Result of a separation check over the first `bits.bits` hyperplanes. */
export type SeparationCheck =
  | {
      readonly separated: true;
      /** Smallest n such that the first n hyperplanes separate every pair. */
      readonly requiredWidth: number;
    }
  | {
      readonly separated: false;
      readonly unseparatedPairs: number;
      /** One unseparated pair (rows of X⁻ and X⁺). */
      readonly example: readonly [number, number];
    };

/**
 * Checks, for every x⁻ in negativeRows and x⁺ in positiveRows, whether some hyperplane i has
 * Φ_i(x⁻) = 0 and Φ_i(x⁺) > 0, and returns the smallest prefix width that separates all pairs
 * (the maximum over pairs of the first separating index, plus one). With stopAtFirstFailure it
 * returns at the first unseparated pair (unseparatedPairs is then 1; with a kernel's separation,
 * the example may then be another unseparated pair). Uses kernels.separation when present.
 */
export function checkSeparation(
  bits: BitMatrix,
  negativeRows: Int32Array,
  positiveRows: Int32Array,
  stopAtFirstFailure = false,
  kernels?: Kernels,
): SeparationCheck {
  const fast = kernels?.separation?.(bits, negativeRows, positiveRows, stopAtFirstFailure);
  if (fast !== undefined) {
    if (fast.unseparated === 0) return { separated: true, requiredWidth: fast.maxFirst + 1 };
    return {
      separated: false,
      unseparatedPairs: stopAtFirstFailure ? 1 : fast.unseparated,
      example: [negativeRows[fast.exampleNegative], positiveRows[fast.examplePositive]],
    };
  }
  const words = bits.wordsPerRow;
  const data = bits.data;
  const mask = new Uint32Array(words);
  let maxFirst = -1;
  let unseparated = 0;
  let example: [number, number] = [-1, -1];
  for (const neg of negativeRows) {
    invertRow(bits, neg, mask);
    for (const pos of positiveRows) {
      const base = pos * words;
      let w = 0;
      while (w < words && (mask[w] & data[base + w]) === 0) w++;
      if (w === words) {
        if (unseparated === 0) example = [neg, pos];
        unseparated++;
        if (stopAtFirstFailure) return { separated: false, unseparatedPairs: unseparated, example };
        continue;
      }
      const word = mask[w] & data[base + w];
      const first = 32 * w + (31 - Math.clz32(word & -word));
      if (first > maxFirst) maxFirst = first;
    }
  }
  if (unseparated > 0) return { separated: false, unseparatedPairs: unseparated, example };
  return { separated: true, requiredWidth: maxFirst + 1 };
}
