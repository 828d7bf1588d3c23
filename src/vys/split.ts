// How many points per interval (n) — equivalently how many intervals m = ⌈N/n⌉ — Stages II/III
// use. The paper fixes m = √(N log N) (log base 2, as everywhere in memonet); memonet also offers
// the n that minimizes the parameter count measured on the built network, since the constants
// differ a lot between the stages (Stage II costs a fixed number of weights per interval, Stage
// III a number per bit of the crafted integers).
//
// Search: the parameter count of F₃ ∘ F₂ depends only on (m, n, ρ, c) and is affine in (m, n)
// for m, n >= 2: P = α·m + β·n + γ (every interval block and every segment has the same shape).
// α, β, γ are measured on three small probe networks; the few best n under this model are then
// built at full size and measured, and the smallest measured count wins.

import { networkMetrics } from "./network.js";
import { type SubsetShape, subnetworkNetwork } from "./subnetwork.js";

/** "paper": m = ⌈√(N·log₂N)⌉ intervals; "optimal": fewest measured parameters. */
export type SplitPolicy = "paper" | "optimal";

/** The paper's split for N points: n = ⌈N/m⌉ with m = max(1, ⌈√(N·log₂N)⌉). */
export function paperPointsPerInterval(size: number): number {
  const m = Math.max(1, Math.ceil(Math.sqrt(size * Math.log2(Math.max(1, size)))));
  return Math.ceil(size / m);
}

/** Measured parameters of F₃ ∘ F₂ for `size` synthetic points split with n points per interval. */
export function measuredSubnetworkParameters(
  size: number,
  n: number,
  rho: number,
  c: number,
  chain: boolean,
): number {
  // The parameter count does not depend on the values, only on their bit lengths: use floors and
  // labels of the full lengths ρ and c.
  const floors = new Array<bigint>(size).fill(1n << BigInt(rho - 1));
  const labels = new Array<number>(size).fill(2 ** (c - 1));
  const shape: SubsetShape = { pointsPerInterval: n, rho, c };
  return networkMetrics(subnetworkNetwork({ floors, labels }, shape, chain)).parameters;
}

/** Coefficients of P(m, n) = α·m + β·n + γ, measured on probe networks. */
export interface ParameterModel {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
}

const modelCache = new Map<string, ParameterModel>();

/** The affine parameter model of F₃ ∘ F₂ for (ρ, c), from three probes (m, n) = (2,2), (3,2), (2,3). */
export function parameterModel(rho: number, c: number, chain: boolean): ParameterModel {
  const key = `${rho},${c},${chain}`;
  const cached = modelCache.get(key);
  if (cached) return cached;
  const p22 = measuredSubnetworkParameters(4, 2, rho, c, chain);
  const p32 = measuredSubnetworkParameters(6, 2, rho, c, chain);
  const p23 = measuredSubnetworkParameters(6, 3, rho, c, chain);
  const alpha = p32 - p22;
  const beta = p23 - p22;
  const model = { alpha, beta, gamma: p22 - 2 * alpha - 2 * beta };
  modelCache.set(key, model);
  return model;
}

/** Model prediction for N points with n per interval (valid for m, n >= 2). */
export function predictParameters(model: ParameterModel, size: number, n: number): number {
  return model.alpha * Math.ceil(size / n) + model.beta * n + model.gamma;
}

/** The n (2 <= n, m >= 2) minimizing the model, searched near the continuous optimum √(αN/β). */
export function modelOptimalPointsPerInterval(model: ParameterModel, size: number): number {
  const centre = Math.sqrt((model.alpha * size) / Math.max(1, model.beta));
  const lo = Math.max(2, Math.floor(centre / 1.5) - 2);
  const hi = Math.min(Math.ceil(size / 2), Math.ceil(centre * 1.5) + 2);
  let best = lo;
  for (let n = lo; n <= hi; n++) {
    if (predictParameters(model, size, n) < predictParameters(model, size, best)) best = n;
  }
  return best;
}

/**
 * The n minimizing the measured parameter count of F₃ ∘ F₂ for `size` points (ties: the smaller
 * n, i.e. fewer bits). Small sizes (<= 48) try every n; larger ones measure the model's best
 * candidates and the paper's n.
 */
export function optimalPointsPerInterval(
  size: number,
  rho: number,
  c: number,
  chain: boolean,
): { pointsPerInterval: number; parameters: number } {
  let candidates: number[];
  if (size <= 48) {
    candidates = Array.from({ length: size }, (_, i) => i + 1);
  } else {
    const model = parameterModel(rho, c, chain);
    const scored: [number, number][] = [];
    for (let n = 2; n <= Math.ceil(size / 2); n++)
      scored.push([predictParameters(model, size, n), n]);
    scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    candidates = [
      ...new Set([...scored.slice(0, 3).map((s) => s[1]), paperPointsPerInterval(size)]),
    ];
  }
  let best = { pointsPerInterval: 0, parameters: Infinity };
  for (const n of candidates.sort((a, b) => a - b)) {
    const p = measuredSubnetworkParameters(size, n, rho, c, chain);
    if (p < best.parameters) best = { pointsPerInterval: n, parameters: p };
  }
  return best;
}

/**
 * Estimated smallest N >= 64 from which Thm 3.1's network has fewer parameters than N, for data
 * like the data at hand: the first layer keeps its non-zeros, c stays, and ρ grows by
 * ⌈2·log₂(N/N₀)⌉ bits beyond the measured ρ₀ at N₀ points (the smallest gap of N projected
 * points shrinks like 1/N² at a fixed range). Uses the exact affine parameter model above.
 * null if not reached below 2^50.
 */
export function crossoverSize(
  firstLayer: number,
  rho0: number,
  c: number,
  size0: number,
  policy: SplitPolicy,
): number | null {
  const count = (N: number): number => {
    const rho = rho0 + Math.max(0, Math.ceil(2 * Math.log2(N / size0)));
    const model = parameterModel(rho, c, false);
    const n =
      policy === "paper" ? paperPointsPerInterval(N) : modelOptimalPointsPerInterval(model, N);
    return firstLayer + predictParameters(model, N, Math.max(2, n));
  };
  let lo = 64;
  if (count(lo) < lo) return lo;
  let hi = 128;
  while (count(hi) >= hi) {
    lo = hi;
    hi *= 2;
    if (hi > 2 ** 50) return null;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (count(mid) < mid) hi = mid;
    else lo = mid;
  }
  return hi;
}
