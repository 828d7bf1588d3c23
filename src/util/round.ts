// The one rounding helper: away with binary float noise (0.1 + 0.2 → 0.3) for grouping and keys.

/** `v` rounded to `digits` significant decimal digits (default 12), as the nearest double. */
export function roundNoise(v: number, digits = 12): number {
  return Number(v.toPrecision(digits));
}

/** `v` for people: integers with thousands separators, others to `digits` significant digits. */
export function formatShort(v: number, digits = 6): string {
  return Number.isInteger(v) ? v.toLocaleString("en-US") : String(roundNoise(v, digits));
}
