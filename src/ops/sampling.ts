// The first-layer sampling op (see KernelSignatures.sampleHyperplanes).

import { checkInt, checkLength } from "./checks.js";
import type { Dispatch } from "./dispatch.js";

/** Draws `count` hyperplanes of dimension `dim`, continuing the Rng stream saved in `state`. */
export function sampleHyperplanes(
  d: Dispatch,
  state: Float64Array,
  dim: number,
  count: number,
  lambda: number,
  weights: Float32Array,
  bias: Float32Array,
): void {
  const { run, fail } = d.kernel("sampleHyperplanes");
  checkLength(fail, "state", state, 5);
  checkInt(fail, "dim", dim, 1, 2 ** 30);
  checkInt(fail, "count", count, 0, 2 ** 31 - 1);
  if (!(lambda >= 0 && Number.isFinite(lambda))) fail(`lambda = ${lambda} is not finite and >= 0`);
  checkLength(fail, "weights", weights, count * dim);
  checkLength(fail, "bias", bias, count);
  run(state, dim, count, lambda, weights, bias);
}
