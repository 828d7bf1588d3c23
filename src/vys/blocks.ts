// The small building blocks of Appendix A as affine pre-activations, layer by layer, and each
// lemma's block as a stand-alone network (for tests and for inspection).
//
//   φ(z) = σ(σ(2z) − σ(4z − 2))                     Telgarsky's triangle function (Lemma A.7)
//   A.6: σ(1 − σ(2a − 2x)) + σ(1 − σ(2x − 2b)) − 1  1 on [a, b], 0 outside [a − ½, b + ½]
//   A.8: the same with a = y, b = y + 1             1 on [y, y + 1], 0 outside [y − ½, y + 3/2]

import { Lin, NetworkBuilder } from "./builder.js";
import { pow2 } from "./dyadic.js";
import type { ReluNetwork } from "./network.js";

/** First layer of φ: pre-activations [2z, 4z − 2]. */
export function phiFirst(z: Lin): [Lin, Lin] {
  return [z.times(2), z.times(4).minus(2)];
}

/** Second layer of φ: pre-activation p − q of the two first-layer neurons. */
export function phiSecond(p: Lin, q: Lin): Lin {
  return p.minus(q);
}

/** First layer of the window of Lemmas A.6/A.8: pre-activations [2a − 2x, 2x − 2b]. */
export function windowFirst(x: Lin, a: Lin, b: Lin): [Lin, Lin] {
  return [a.times(2).minus(x.times(2)), x.times(2).minus(b.times(2))];
}

/** Second layer of the window: pre-activations [1 − h₁, 1 − h₂]. */
export function windowSecond(h1: Lin, h2: Lin): [Lin, Lin] {
  return [Lin.constant(1).minus(h1), Lin.constant(1).minus(h2)];
}

/** Linear output of the window: g₁ + g₂ − 1. */
export function windowValue(g1: Lin, g2: Lin): Lin {
  return g1.plus(g2).minus(1);
}

/** Emits the two layers of a window on x over [a, b]; carries `carry` along; returns its value. */
export function emitWindow<K extends string>(
  bld: NetworkBuilder,
  x: Lin,
  a: Lin,
  b: Lin,
  carry: Readonly<Record<K, Lin>>,
): { value: Lin; carry: Record<K, Lin> } {
  const [p1, p2] = windowFirst(x, a, b);
  const s1 = bld.step({ ...carry, w$1: p1, w$2: p2 });
  const [q1, q2] = windowSecond(s1.w$1, s1.w$2);
  const s2 = bld.step({ ...pick(s1, Object.keys(carry) as K[]), w$1: q1, w$2: q2 });
  return { value: windowValue(s2.w$1, s2.w$2), carry: pick(s2, Object.keys(carry) as K[]) };
}

/** The entries of `rec` named by `keys`. */
export function pick<K extends string>(
  rec: Readonly<Record<string, Lin>>,
  keys: readonly K[],
): Record<K, Lin> {
  const out = {} as Record<K, Lin>;
  for (const k of keys) out[k] = rec[k];
  return out;
}

/** φ^(k) as a network R → R (2k ReLU layers and a linear output); k ≥ 1. */
export function telgarskyNetwork(k: number): ReluNetwork {
  const bld = new NetworkBuilder(1);
  let [z] = bld.inputs();
  for (let t = 0; t < k; t++) {
    const [p, q] = bld.layer(phiFirst(z));
    [z] = bld.layer([phiSecond(p, q)]);
  }
  return bld.finish([z]);
}

/**
 * Lemma A.6 as a network R → R: 1 on [a, b], 0 for x < a − ½ or x > b + ½ (integers a < b).
 * Width 2; two ReLU layers and a linear output.
 */
export function lemmaA6Network(a: bigint, b: bigint): ReluNetwork {
  if (!(a < b)) throw new RangeError(`Lemma A.6 needs integers a < b, got ${a}, ${b}`);
  const bld = new NetworkBuilder(1);
  const [x] = bld.inputs();
  const { value } = emitWindow(bld, x, Lin.constant(a), Lin.constant(b), {});
  return bld.finish([value]);
}

/**
 * Lemma A.8 as a network R² → R on (x, y): 1 if x ∈ [y, y + 1], 0 if x > y + 3/2 or x < y − ½.
 * Width 2; two ReLU layers and a linear output.
 */
export function lemmaA8Network(): ReluNetwork {
  const bld = new NetworkBuilder(2);
  const [x, y] = bld.inputs();
  const { value } = emitWindow(bld, x, y, y.plus(1), {});
  return bld.finish([value]);
}

/**
 * One bit-extraction track of Lemma A.7 on an integer v of `totalBits` = n bits: it holds
 * φ^(p)(z₁), φ^(p)(z₂) with z₁ = v/2^n + 2^−(n+1), z₂ = v/2^n + 2^−(n+2) after p extracted bits,
 * and the bits extracted so far (acc). A step F_ℓ extracts bit p (1-based from the most
 * significant) in three layers — a: σ(2z), σ(4z − 2) for both z; b: φ(z) = σ(σ(2z) − σ(4z − 2));
 * c: BIN_p = σ(2^(n+2−p)·(φ^(p)(z₂) − φ^(p)(z₁))) (Eq. 4), after which acc ← acc + weight·BIN_p
 * is folded into the next layer. An inactive step is three identity layers (the paper's padding
 * that aligns two tracks of different lengths).
 */
export class BitTrack {
  /** Bits accumulated so far (an expression of the current layer, or the constant 0). */
  acc: Lin = Lin.zero;
  private z1: Lin | undefined;
  private z2: Lin | undefined;
  private pq: [Lin, Lin, Lin, Lin] | undefined;

  constructor(
    private readonly key: string,
    readonly totalBits: number,
    z1: Lin,
    z2: Lin,
  ) {
    this.z1 = z1;
    this.z2 = z2;
  }

  /** Current φ^(p)(z₁), φ^(p)(z₂) (undefined once dropped). */
  get phi(): [Lin, Lin] | undefined {
    return this.z1 && this.z2 ? [this.z1, this.z2] : undefined;
  }

  /**
   * The expressions this track puts into layer `phase` (0 = a, 1 = b, 2 = c) of a step that
   * extracts bit `position` (active) or pads (inactive). keepPhi = false drops the φ values
   * when no later step needs them.
   */
  emit(phase: 0 | 1 | 2, active: boolean, position: number, keepPhi: boolean): Record<string, Lin> {
    const k = this.key;
    const out: Record<string, Lin> = {};
    if (active) {
      if (phase === 0) {
        const [z1, z2] = this.need();
        const [p1, q1] = phiFirst(z1);
        const [p2, q2] = phiFirst(z2);
        Object.assign(out, { [`${k}.p1`]: p1, [`${k}.q1`]: q1, [`${k}.p2`]: p2, [`${k}.q2`]: q2 });
      } else if (phase === 1) {
        const [p1, q1, p2, q2] = this.pq as [Lin, Lin, Lin, Lin];
        out[`${k}.z1`] = phiSecond(p1, q1);
        out[`${k}.z2`] = phiSecond(p2, q2);
      } else {
        const [z1, z2] = this.need();
        if (keepPhi) Object.assign(out, { [`${k}.z1`]: z1, [`${k}.z2`]: z2 });
        if (position < 1 || position > this.totalBits) {
          throw new RangeError(`bit position ${position} outside 1..${this.totalBits}`);
        }
        out[`${k}.bin`] = z2.minus(z1).times(pow2(this.totalBits + 2 - position));
      }
    } else if (keepPhi && this.z1 && this.z2) {
      Object.assign(out, { [`${k}.z1`]: this.z1, [`${k}.z2`]: this.z2 });
    }
    if (!this.acc.isConstant) out[`${k}.acc`] = this.acc;
    return out;
  }

  /** Takes this track's neurons from a layer emitted with `emit` (same arguments). */
  absorb(
    phase: 0 | 1 | 2,
    active: boolean,
    got: Readonly<Record<string, Lin>>,
    weight: bigint,
  ): void {
    const k = this.key;
    if (!this.acc.isConstant) this.acc = got[`${k}.acc`];
    if (active && phase === 0) {
      this.pq = [got[`${k}.p1`], got[`${k}.q1`], got[`${k}.p2`], got[`${k}.q2`]];
      this.z1 = this.z2 = undefined;
      return;
    }
    this.pq = undefined;
    this.z1 = got[`${k}.z1`];
    this.z2 = got[`${k}.z2`];
    if (active && phase === 2) this.acc = this.acc.plus(got[`${k}.bin`].times(weight));
  }

  private need(): [Lin, Lin] {
    if (!this.z1 || !this.z2) throw new Error(`track ${this.key}: φ values were dropped`);
    return [this.z1, this.z2];
  }
}

/**
 * The two encoded inputs of Lemma A.7 for an integer v of n bits, as expressions:
 * z₁ = v/2^n + 2^−(n+1), z₂ = v/2^n + 2^−(n+2).
 */
export function bitTrackInputs(v: Lin, n: number): [Lin, Lin] {
  const scaled = v.times(pow2(-n));
  return [scaled.plus(pow2(-(n + 1))), scaled.plus(pow2(-(n + 2)))];
}

/**
 * Lemma A.7 as a network R² → R³: for x ∈ ℕ with LEN(x) ≤ n, on input
 * (φ^(i−1)(x/2^n + 2^−(n+1)), φ^(i−1)(x/2^n + 2^−(n+2))) it outputs
 * (φ^(j)(x/2^n + 2^−(n+1)), φ^(j)(x/2^n + 2^−(n+2)), BIN_{i:j}(x)). Width 5; 3(j − i + 1) ReLU
 * layers and a linear output. Needs 1 ≤ i ≤ j ≤ n.
 */
export function lemmaA7Network(n: number, i: number, j: number): ReluNetwork {
  if (!(
    Number.isInteger(n) &&
    Number.isInteger(i) &&
    Number.isInteger(j) &&
    1 <= i &&
    i <= j &&
    j <= n
  )) {
    throw new RangeError(`Lemma A.7 needs integers 1 <= i <= j <= n, got n=${n}, i=${i}, j=${j}`);
  }
  const bld = new NetworkBuilder(2);
  const [z1, z2] = bld.inputs();
  const track = new BitTrack("t", n, z1, z2);
  for (let p = i; p <= j; p++) {
    for (const phase of [0, 1, 2] as const) {
      const got = bld.step(track.emit(phase, true, p, true));
      track.absorb(phase, true, got, 1n << BigInt(j - p));
    }
  }
  const [f1, f2] = track.phi as [Lin, Lin];
  return bld.finish([f1, f2, track.acc]);
}
