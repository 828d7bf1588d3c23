// Reference separation kernel (Algorithm 1, line 3): pair by pair, through the masks
// u = 1[Φ(x⁻) = 0], without materializing the N⁻ × N⁺ pair set.

import { invertRow } from "../bits.js";
import type { BitMatrix, SeparationResult } from "../types.js";

/** See KernelSignatures.separation. */
export function separation(
  bits: BitMatrix,
  negativeRows: Int32Array,
  positiveRows: Int32Array,
  stopAtFirstFailure: boolean,
): SeparationResult {
  const words = bits.wordsPerRow;
  const data = bits.data;
  const mask = new Uint32Array(words);
  let maxFirst = -1;
  let unseparated = 0;
  let exampleNegative = -1;
  let examplePositive = -1;
  for (let a = 0; a < negativeRows.length; a++) {
    invertRow(bits, negativeRows[a], mask);
    for (let b = 0; b < positiveRows.length; b++) {
      const base = positiveRows[b] * words;
      let w = 0;
      while (w < words && (mask[w] & data[base + w]) === 0) w++;
      if (w === words) {
        if (unseparated === 0) [exampleNegative, examplePositive] = [a, b];
        unseparated++;
        if (stopAtFirstFailure) return { maxFirst, unseparated, exampleNegative, examplePositive };
        continue;
      }
      const word = mask[w] & data[base + w];
      const first = 32 * w + (31 - Math.clz32(word & -word));
      if (first > maxFirst) maxFirst = first;
    }
  }
  return { maxFirst, unseparated, exampleNegative, examplePositive };
}
