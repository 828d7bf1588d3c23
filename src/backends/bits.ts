// Bit helpers shared by the backends and the models (no backend of their own).

import type { BitMatrix } from "./types.js";

/** Words per bit-packed row for `bits` bits: rounded up to a multiple of 16 words (512 bits). */
export function wordsPerRowFor(bits: number): number {
  return Math.ceil(bits / 512) * 16;
}

/** Words of one cover bit set over a list of `count` points (see KernelSignatures.coverage). */
export function coverWordsFor(count: number): number {
  return Math.ceil(count / 32);
}

/** Number of set bits in a 32-bit word. */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
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
