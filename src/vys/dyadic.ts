// Exact dyadic rationals q = m · 2^e (m a BigInt, e an integer): the numbers of the exact networks.
// Every float64 is a dyadic rational, so float inputs convert exactly. Values are kept normalized
// (m odd, or m = 0 with e = 0) so that equal numbers have equal representations.

/** A dyadic rational m · 2^e. Build with `dyadic()` to get the normalized form. */
export interface Dyadic {
  /** Mantissa (odd, or 0). */
  readonly m: bigint;
  /** Exponent of two (0 when m = 0). */
  readonly e: number;
}

/** The number 0. */
export const ZERO: Dyadic = Object.freeze({ m: 0n, e: 0 });
/** The number 1. */
export const ONE: Dyadic = Object.freeze({ m: 1n, e: 0 });

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

/** Number of bits of |n| in binary (LEN in the paper); 0 for n = 0. */
export function bitLength(n: bigint): number {
  if (n < 0n) n = -n;
  if (n === 0n) return 0;
  if (n < 0x20000000000000n) {
    const x = Number(n); // exact below 2^53
    if (x < 4294967296) return 32 - Math.clz32(x);
    return 64 - Math.clz32(Math.floor(x / 4294967296));
  }
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** Number of trailing zero bits of n (n ≠ 0); 0 for n = 0. */
export function trailingZeros(n: bigint): number {
  if (n === 0n) return 0;
  if (n < 0n) n = -n;
  return bitLength(n & -n) - 1;
}

/** m · 2^e in normalized form (m odd, or zero). e must be a safe integer. */
export function dyadic(m: bigint, e = 0): Dyadic {
  if (!Number.isSafeInteger(e))
    throw new RangeError(`dyadic exponent must be an integer, got ${e}`);
  if (m === 0n) return ZERO;
  if ((m & 1n) === 0n) {
    const t = trailingZeros(m);
    return { m: m >> BigInt(t), e: e + t };
  }
  return { m, e };
}

/** The integer k as a dyadic. */
export function fromInteger(k: number | bigint): Dyadic {
  if (typeof k === "number" && !Number.isSafeInteger(k)) {
    throw new RangeError(`fromInteger: ${k} is not a safe integer`);
  }
  return dyadic(BigInt(k), 0);
}

/** 2^k as a dyadic (k an integer). */
export function pow2(k: number): Dyadic {
  return dyadic(1n, k);
}

/**
 * Splits a finite float64 into an integer mantissa and exponent, v = m · 2^e with |m| < 2^53
 * (m odd unless v = 0). Exact. RangeError for NaN or ±Infinity.
 */
export function decomposeNumber(v: number): { m: number; e: number } {
  if (!Number.isFinite(v)) throw new RangeError(`cannot convert ${v} to an exact dyadic rational`);
  if (v === 0) return { m: 0, e: 0 };
  f64[0] = v;
  const hi = u32[HI];
  const lo = u32[LO];
  const biased = (hi >>> 20) & 0x7ff;
  const top = biased === 0 ? hi & 0xfffff : (hi & 0xfffff) | 0x100000; // implicit leading 1
  let e = biased === 0 ? -1074 : biased - 1075;
  // Trailing zeros of the 53-bit mantissa top·2^32 + lo (never both zero here).
  let m: number;
  if (lo !== 0) {
    const tz = 31 - Math.clz32(lo & -lo);
    m = top * 2 ** (32 - tz) + (lo >>> tz);
    e += tz;
  } else {
    const tz = 31 - Math.clz32(top & -top);
    m = top >>> tz;
    e += 32 + tz;
  }
  return { m: v < 0 ? -m : m, e };
}

/** A finite float64 as an exact dyadic rational. RangeError for NaN or ±Infinity. */
export function fromNumber(v: number): Dyadic {
  const { m, e } = decomposeNumber(v);
  return m === 0 ? ZERO : { m: BigInt(m), e };
}

/**
 * The float64 nearest to q (ties to even), ±Infinity beyond the float64 range; results in the
 * subnormal range may be off by one unit in the last place (double rounding).
 */
export function toNumber(q: Dyadic): number {
  return scaledToNumber(q.m, q.e);
}

/** The float64 nearest to m · 2^e for any (not necessarily normalized) m, e. */
export function scaledToNumber(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const len = bitLength(m);
  if (len > 64) {
    // Keep 64 leading bits plus a sticky bit: rounding to 53 bits is then still correct.
    const drop = len - 64;
    const neg = m < 0n;
    const a = neg ? -m : m;
    let top = a >> BigInt(drop);
    if (top << BigInt(drop) !== a) top |= 1n;
    m = neg ? -top : top;
    e += drop;
  }
  let x = Number(m);
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
    if (!Number.isFinite(x)) return x;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
    if (x === 0) return x;
  }
  return x * 2 ** e;
}

/** q1 + q2, exact. */
export function add(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  if (a.e === b.e) return dyadic(a.m + b.m, a.e);
  if (a.e < b.e) return dyadic(a.m + (b.m << BigInt(b.e - a.e)), a.e);
  return dyadic((a.m << BigInt(a.e - b.e)) + b.m, b.e);
}

/** −q, exact. */
export function neg(a: Dyadic): Dyadic {
  return a.m === 0n ? ZERO : { m: -a.m, e: a.e };
}

/** q1 − q2, exact. */
export function sub(a: Dyadic, b: Dyadic): Dyadic {
  return add(a, neg(b));
}

/** q1 · q2, exact. */
export function mul(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n || b.m === 0n) return ZERO;
  return { m: a.m * b.m, e: a.e + b.e }; // a product of odd numbers is odd
}

/** q · 2^k, exact. */
export function mulPow2(a: Dyadic, k: number): Dyadic {
  return a.m === 0n ? ZERO : { m: a.m, e: a.e + k };
}

/** Sign of q1 − q2: −1, 0 or 1. */
export function compare(a: Dyadic, b: Dyadic): number {
  const d = sub(a, b).m;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** True when q1 = q2. */
export function equals(a: Dyadic, b: Dyadic): boolean {
  return a.m === b.m && a.e === b.e;
}

/** ⌊q⌋ as a BigInt. */
export function floor(a: Dyadic): bigint {
  if (a.e >= 0) return a.m << BigInt(a.e);
  return a.m >> BigInt(-a.e); // BigInt >> rounds towards −∞
}

/** True when q is an integer. */
export function isInteger(a: Dyadic): boolean {
  return a.e >= 0 || a.m === 0n;
}

/**
 * Fixed-point bit count of q, memonet's bit complexity of a weight: the binary digits needed to
 * write |q| = (integer part).(fraction part) without leading or trailing zeros, i.e.
 * LEN(⌊|q|⌋) + (number of fraction digits, max(0, −e)). Sign not counted. Examples: 5 → 3,
 * 2^−10 → 10, 3/2 → 2, 0 → 0.
 */
export function fixedPointBits(a: Dyadic): number {
  if (a.m === 0n) return 0;
  const abs = a.m < 0n ? -a.m : a.m;
  const intPart = a.e >= 0 ? abs << BigInt(a.e) : abs >> BigInt(-a.e);
  return bitLength(intPart) + Math.max(0, -a.e);
}

/** Exact text of q: "m" for integers below 2^53, else "0x…·2^e" style, for messages. */
export function formatDyadic(a: Dyadic): string {
  if (a.m === 0n) return "0";
  if (a.e >= 0) {
    const v = a.m << BigInt(a.e);
    return bitLength(v) <= 64 ? v.toString() : `${hexMantissa(a.m)}·2^${a.e}`;
  }
  return `${hexMantissa(a.m)}·2^${a.e}`;
}

/** Mantissa as a signed hex string "0x1f" / "-0x1f" (the network file's format). */
export function hexMantissa(m: bigint): string {
  return m < 0n ? `-0x${(-m).toString(16)}` : `0x${m.toString(16)}`;
}

/**
 * Parses a mantissa written as a signed decimal ("-123") or hex ("0x7b", "-0x7b") integer string;
 * returns undefined for anything else.
 */
export function parseMantissa(text: string): bigint | undefined {
  const match = /^(-?)(0x[0-9a-fA-F]+|[0-9]+)$/.exec(text);
  if (match === null) return undefined;
  const v = BigInt(match[2]);
  return match[1] === "-" ? -v : v;
}
