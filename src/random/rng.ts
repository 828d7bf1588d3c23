// Seeded pseudo-random numbers that are bit-identical in Node.js and in any browser: the
// generator (xoshiro128**) uses only 32-bit integer operations (Math.imul, shifts), and the
// normal deviates use only +, -, *, /, sqrt (correctly rounded by IEEE-754) and portableLog.

import { portableLog } from "./portableLog.js";

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** splitmix32 step: turns any 32-bit value into a well-mixed one (used for seeding only). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/**
 * A seeded stream of random numbers. `new Rng(seed, ...stream)` gives independent streams for
 * different stream keys (e.g. one per class), so work can be split across threads without
 * changing any result. Seeds and keys are non-negative integers below 2^53.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second deviate of the last polar-method pair, or NaN when there is none. */
  private spareNormal = NaN;

  constructor(seed: number, ...stream: number[]) {
    for (const v of [seed, ...stream]) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new RangeError(`seed and stream keys must be non-negative integers, got ${v}`);
      }
    }
    let h = 0x6d656d6f; // "memo"
    for (const v of [seed, ...stream]) {
      h = mix32(h ^ (v % TWO_POW_32));
      h = mix32(h ^ Math.floor(v / TWO_POW_32));
    }
    this.s0 = mix32(h);
    this.s1 = mix32(this.s0 ^ 0x1234567);
    this.s2 = mix32(this.s1 ^ 0x89abcdef);
    this.s3 = mix32(this.s2 ^ 0x2545f491);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * Writes the generator state to out[0..4]: the four 32-bit state words (as unsigned integers)
   * and the pending second normal deviate (NaN when none). With loadState, this lets another
   * implementation of the same generator (e.g. native code) continue the stream.
   */
  saveState(out: Float64Array): void {
    out[0] = this.s0 >>> 0;
    out[1] = this.s1 >>> 0;
    out[2] = this.s2 >>> 0;
    out[3] = this.s3 >>> 0;
    out[4] = this.spareNormal;
  }

  /** Restores a state written by saveState. */
  loadState(state: Float64Array): void {
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    this.spareNormal = state[4];
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform double in [a, b]; returns a when a === b. */
  uniformIn(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Uniform integer in [0, bound) without modulo bias; bound is an integer in [1, 2^32]. */
  below(bound: number): number {
    if (!(bound >= 1 && bound <= TWO_POW_32) || !Number.isInteger(bound)) {
      throw new RangeError(`below(): bound must be an integer in [1, 2^32], got ${bound}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % bound);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % bound;
    }
  }

  /** Standard normal deviate N(0, 1) (Marsaglia's polar method). */
  normal(): number {
    const spare = this.spareNormal;
    if (spare === spare) {
      this.spareNormal = NaN;
      return spare;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * portableLog(s)) / s);
        this.spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  /** Fills `out` with standard normal deviates (the next out.length of normal()), rounded. */
  fillNormal(out: Float32Array | Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
  }

  /** A uniformly random permutation of 0..length-1 (Fisher–Yates). */
  permutation(length: number): Int32Array {
    const p = new Int32Array(length);
    for (let i = 0; i < length; i++) p[i] = i;
    for (let i = length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
