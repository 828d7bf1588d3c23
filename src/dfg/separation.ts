// Algorithm 1, line 3: is every pair (x⁻, x⁺) separated by some hyperplane, i.e. is there an i
// with Φ_i(x⁻) = 0 < Φ_i(x⁺)? Checked row by row through the masks u = 1[Φ(x⁻) = 0], without
// materializing the N⁻ × N⁺ pair set.

import { referenceKernels, type BitMatrix, type Kernels } from "../ops/index.js";

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
 * the example may then be another unseparated pair). Runs the separation op of `kernels`.
 */
export function checkSeparation(
  bits: BitMatrix,
  negativeRows: Int32Array,
  positiveRows: Int32Array,
  stopAtFirstFailure = false,
  kernels: Kernels = referenceKernels,
): SeparationCheck {
  const r = kernels.separation(bits, negativeRows, positiveRows, stopAtFirstFailure);
  if (r.unseparated === 0) return { separated: true, requiredWidth: r.maxFirst + 1 };
  return {
    separated: false,
    unseparatedPairs: stopAtFirstFailure ? 1 : r.unseparated,
    example: [negativeRows[r.exampleNegative], positiveRows[r.examplePositive]],
  };
}
