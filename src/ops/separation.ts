// The separation op of Algorithm 1 (see KernelSignatures.separation).

import type { BitMatrix, SeparationResult } from "../backends/types.js";
import { checkBits, checkRowList } from "./checks.js";
import type { Dispatch } from "./dispatch.js";

/** First separating hyperplanes over all pairs (negativeRows × positiveRows). */
export function separation(
  d: Dispatch,
  bits: BitMatrix,
  negativeRows: Int32Array,
  positiveRows: Int32Array,
  stopAtFirstFailure: boolean,
): SeparationResult {
  const { run, fail } = d.kernel("separation");
  checkBits(fail, bits);
  checkRowList(fail, negativeRows, bits.rows);
  checkRowList(fail, positiveRows, bits.rows);
  return run(bits, negativeRows, positiveRows, stopAtFirstFailure);
}
