// Monte-Carlo Gaussian mean width w(A) = E sup_{x ∈ A} |⟨g, x⟩|, g ~ N(0, I_d) (Sec. 1.1 of the
// paper): k seeded draws, the mean as the estimate, and a normal-approximation confidence
// interval from the draws' standard deviation.

import { Rng } from "../random/rng.js";

/** An estimate with its confidence interval (level `level`, e.g. 0.95). */
export interface WidthEstimate {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly sd: number;
  readonly draws: number;
}

const Z: Record<string, number> = {
  "0.9": 1.6448536269514722,
  "0.95": 1.959963984540054,
  "0.99": 2.5758293035489004,
};

/** The two-sided normal quantile for level 0.9, 0.95 or 0.99. */
export function normalQuantile(level: number): number {
  const z = Z[String(level)];
  if (z === undefined)
    throw new RangeError(`confidence level must be 0.9, 0.95 or 0.99, got ${level}`);
  return z;
}

/** Mean and confidence interval of the per-draw values. */
export function summarizeDraws(values: ArrayLike<number>, level = 0.95): WidthEstimate {
  const k = values.length;
  let sum = 0;
  for (let t = 0; t < k; t++) sum += values[t];
  const mean = k > 0 ? sum / k : NaN;
  let ss = 0;
  for (let t = 0; t < k; t++) ss += (values[t] - mean) ** 2;
  const sd = k > 1 ? Math.sqrt(ss / (k - 1)) : 0;
  const half = (normalQuantile(level) * sd) / Math.sqrt(Math.max(k, 1));
  return { estimate: mean, low: Math.max(0, mean - half), high: mean + half, sd, draws: k };
}

/** k Gaussian directions in R^dim (row t = g_t), from Rng(seed, stream). */
export function gaussianDraws(dim: number, draws: number, seed: number, stream = 0): Float64Array {
  const g = new Float64Array(dim * draws);
  new Rng(seed, 0x6d77, stream).fillNormal(g);
  return g;
}

/**
 * w(A) of a finite set A (rows of `points`, `dim` columns), centred at `center` if given (then
 * the width of A − center), by `draws` Monte-Carlo draws.
 */
export function meanWidthOfPoints(
  points: Float32Array | Float64Array,
  dim: number,
  draws: number,
  seed: number,
  options: { center?: ArrayLike<number>; level?: number } = {},
): WidthEstimate {
  const count = points.length / dim;
  const g = gaussianDraws(dim, draws, seed);
  const c = options.center;
  const values = new Float64Array(draws);
  for (let t = 0; t < draws; t++) {
    let sup = 0;
    for (let i = 0; i < count; i++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) {
        dot += g[t * dim + k] * (points[i * dim + k] - (c === undefined ? 0 : c[k]));
      }
      const a = Math.abs(dot);
      if (a > sup) sup = a;
    }
    values[t] = sup;
  }
  return summarizeDraws(values, options.level);
}
