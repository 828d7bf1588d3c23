// Natural logarithm in plain IEEE-754 double arithmetic (+, -, *, /), so that it returns the same
// bits on every JavaScript engine. Math.log is not required by the spec to be correctly rounded,
// and engines differ in the last bit; the seeded normal generator must not.
// Method: x = 2^k (1 + f) with sqrt(2)/2 <= 1+f < sqrt(2); log(1+f) = 2s + s*R(s^2) with
// s = f / (2 + f) and a minimax polynomial R (the classic fdlibm reduction, error < 1 ulp).

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const SQRT_HALF = 0.7071067811865476;
const TWO_54 = 18014398509481984;

// One 8-byte scratch value seen as a double and as two 32-bit words (faster than a DataView);
// HI is the index of the word holding sign, exponent and the top of the mantissa.
const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
scratchF64[0] = 1;
const HI = scratchU32[1] === 0x3ff00000 ? 1 : 0;

/** log(x) for x > 0, finite; returns NaN for x <= 0 or NaN, Infinity for Infinity. */
export function portableLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let k = 0;
  if (x < 2.2250738585072014e-308) {
    x *= TWO_54; // subnormal: scale into the normal range first
    k = -54;
  }
  scratchF64[0] = x;
  const hi = scratchU32[HI];
  k += (hi >>> 20) - 1023;
  // Replace the exponent by 0 so that m lies in [1, 2).
  scratchU32[HI] = (hi & 0x000fffff) | 0x3ff00000;
  let m = scratchF64[0];
  if (m > 2 * SQRT_HALF) {
    m *= 0.5;
    k += 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
}
