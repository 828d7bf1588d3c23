// Stage I (Lemmas A.2, A.3): project the points onto a line so that they stay apart.
//
// A direction u ~ N(0, I_d)/‖·‖ is drawn (seeded) and quantized to ũ (each coordinate truncated
// to q = ⌈log₂(d·N²·√π)⌉ fraction bits, as in the proof of Lemma A.2). The projections ũᵀx_i are
// computed exactly (BigInt), sorted, and their smallest consecutive gap g is checked to be > 0.
// Of `tries` random directions the one needing the fewest bits (smallest range/g, estimated in
// float64) is kept; a direction whose exact check fails is replaced by a fresh draw.
//
// The network is F₁(x) = s·σ(ũᵀx + b). memonet chooses s from the data's actual gap, s = 2^k the
// smallest power of two (and >= 2) with s·g >= 2, instead of the paper's worst-case
// 2N²δ⁻¹√(πd); and b = 1 − ⌊min_i ũᵀx_i⌋ for every data set (the paper shifts only negative
// projections), so that the projected points x_i = F₁(x_i) satisfy 2 <= x_1 < x_2 < ... with
// consecutive gaps >= 2, and span as few bits as the data allow.

import { DataError } from "../data/dataset.js";
import { Rng } from "../random/rng.js";
import { Lin, NetworkBuilder } from "./builder.js";
import {
  type Dyadic,
  add,
  bitLength,
  decomposeNumber,
  dyadic,
  floor,
  fromInteger,
  mulPow2,
} from "./dyadic.js";

/** Result of stage I: the quantized direction, the affine map, and the projected points. */
export interface StageOne {
  /** Fraction bits q of the quantized direction ũ. */
  readonly directionBits: number;
  /** ũ_k · 2^q (integers), one per input coordinate. */
  readonly direction: readonly bigint[];
  /** Non-zero coordinates of ũ (first-layer parameters). */
  readonly directionNonZeros: number;
  /** Integer shift b. */
  readonly bias: bigint;
  /** s = 2^scaleLog2. */
  readonly scaleLog2: number;
  /** Smallest gap between consecutive sorted projections ũᵀx_i (exact), null for N = 1. */
  readonly minGap: Dyadic | null;
  /** Largest projected point max_i x_i. */
  readonly maxProjected: Dyadic;
  /** Rows sorted by projected value. */
  readonly order: Int32Array;
  /** Projected points x_i in sorted order (x_{order[t]} = sorted[t]). */
  readonly sorted: readonly Dyadic[];
  /** ⌊x_i⌋ in sorted order. */
  readonly floors: readonly bigint[];
  /** Number of directions drawn. */
  readonly draws: number;
}

/** Options of stage I. */
export interface StageOneOptions {
  /** Seed of the random directions (default 0). */
  readonly seed?: number;
  /** Directions compared (default 4). */
  readonly tries?: number;
  /** Give up after this many draws (default 64). */
  readonly maxDraws?: number;
}

/** q = ⌈log₂(d·N²·√π)⌉ (>= 1), the number of fraction bits Lemma A.2 keeps of each coordinate. */
export function directionBitsFor(dim: number, size: number): number {
  return Math.max(1, Math.ceil(Math.log2(dim) + 2 * Math.log2(size) + 0.5 * Math.log2(Math.PI)));
}

/**
 * Finds and verifies a separating direction for N points (row-major `points`, N·dim values);
 * DataError if none of `maxDraws` random directions separates them (duplicate points).
 */
export function findStageOne(
  points: ArrayLike<number>,
  dim: number,
  options: StageOneOptions = {},
): StageOne {
  const size = Math.floor(points.length / dim);
  const q = directionBitsFor(dim, size);
  const rng = new Rng(options.seed ?? 0, 0x5714e1);
  const tries = Math.max(1, options.tries ?? 4);
  const maxDraws = Math.max(tries, options.maxDraws ?? 64);
  const input = exactInputs(points, dim, size);
  let draws = 0;
  const draw = (): bigint[] => {
    draws++;
    const u = new Float64Array(dim);
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      u[k] = rng.normal();
      norm += u[k] * u[k];
    }
    norm = Math.sqrt(norm);
    return Array.from(u, (v) => BigInt(Math.trunc((v / norm) * 2 ** q)));
  };
  let pool = Array.from({ length: tries }, draw);
  for (;;) {
    const scores = new Map(pool.map((a) => [a, floatScore(points, dim, size, a)]));
    pool.sort((a, b) => (scores.get(a) as number) - (scores.get(b) as number));
    for (const direction of pool) {
      const result = exactStageOne(input, direction, q, draws);
      if (result) return result;
    }
    if (draws >= maxDraws) {
      throw new DataError(
        `no direction among ${draws} random ones separates the ${size} points; are some points duplicates?`,
      );
    }
    pool = [draw()];
  }
}

/** Range / smallest gap of the float64 projections (Infinity if two coincide): fewer bits is better. */
function floatScore(
  points: ArrayLike<number>,
  dim: number,
  size: number,
  a: readonly bigint[],
): number {
  const u = a.map((v) => Number(v));
  const p = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const v = points[i * dim + k];
      if (v !== 0) s += u[k] * v;
    }
    p[i] = s;
  }
  p.sort();
  let gap = Infinity;
  for (let i = 1; i < size; i++) gap = Math.min(gap, p[i] - p[i - 1]);
  if (size < 2) return 0;
  return gap > 0 ? (p[size - 1] - p[0]) / gap : Infinity;
}

/** The points and the common power of two their coordinates are integer multiples of. */
interface ExactInputs {
  readonly points: ArrayLike<number>;
  readonly size: number;
  readonly dim: number;
  /** Every coordinate is an integer multiple of 2^exponent. */
  readonly exponent: number;
}

function exactInputs(points: ArrayLike<number>, dim: number, size: number): ExactInputs {
  let exponent = Infinity;
  for (let i = 0; i < size * dim; i++) {
    const v = points[i];
    if (v !== 0) exponent = Math.min(exponent, decomposeNumber(v).e);
  }
  return { points, size, dim, exponent: exponent === Infinity ? 0 : exponent };
}

/** Exact projections, sort and gap check for one quantized direction; null if two coincide. */
function exactStageOne(
  input: ExactInputs,
  direction: readonly bigint[],
  q: number,
  draws: number,
): StageOne | null {
  const { size } = input;
  // ũᵀx_i = P_i · 2^(exponent − q)
  const P: bigint[] = new Array<bigint>(size);
  const { points, dim, exponent } = input;
  for (let i = 0; i < size; i++) {
    let s = 0n;
    for (let k = 0; k < dim; k++) {
      const v = points[i * dim + k];
      const a = direction[k];
      if (v === 0 || a === 0n) continue;
      const { m, e } = decomposeNumber(v);
      s += a * (BigInt(m) << BigInt(e - exponent));
    }
    P[i] = s;
  }
  const order = Int32Array.from({ length: size }, (_, i) => i).sort((a, b) =>
    P[a] < P[b] ? -1 : P[a] > P[b] ? 1 : a - b,
  );
  let gap: bigint | null = null;
  for (let t = 1; t < size; t++) {
    const g = P[order[t]] - P[order[t - 1]];
    if (g === 0n) return null;
    if (gap === null || g < gap) gap = g;
  }
  const unit = input.exponent - q; // ũᵀx_i = P_i · 2^unit
  // s = 2^k >= 2 with s · gap · 2^unit >= 2, where gap >= 2^(len−1).
  const k = gap === null ? 1 : Math.max(1, 2 - bitLength(gap) - unit);
  const low = floor(dyadic(P[order[0]], unit));
  const bias = 1n - low;
  const biasD = fromInteger(bias);
  const sorted: Dyadic[] = [];
  const floors: bigint[] = [];
  for (let t = 0; t < size; t++) {
    const x = mulPow2(add(dyadic(P[order[t]], unit), biasD), k);
    sorted.push(x);
    floors.push(floor(x));
  }
  return {
    directionBits: q,
    direction,
    directionNonZeros: direction.filter((v) => v !== 0n).length,
    bias,
    scaleLog2: k,
    minGap: gap === null ? null : dyadic(gap, unit),
    maxProjected: sorted[size - 1],
    order,
    sorted,
    floors,
    draws,
  };
}

/**
 * Emits the Lemma A.2 network on the builder's inputs: one ReLU neuron h = σ(ũᵀx + b); returns
 * the projected point s·h as an expression (folded into the next layer).
 */
export function emitStageOne(bld: NetworkBuilder, stage: StageOne): Lin {
  return bld.span("stage I (Lemma A.2)", () => {
    const inputs = bld.inputs();
    const parts: Lin[] = [Lin.constant(fromInteger(stage.bias))];
    stage.direction.forEach((a, k) => {
      if (a !== 0n) parts.push(inputs[k].times(dyadic(a, -stage.directionBits)));
    });
    const [h] = bld.layer([Lin.sum(parts)]);
    return h.times(dyadic(1n, stage.scaleLog2));
  });
}
