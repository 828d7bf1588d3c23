// Reference first-layer sampling: the Rng stream itself (the specification native sampling follows).

import { Rng } from "../../random/rng.js";

/** See KernelSignatures.sampleHyperplanes. */
export function sampleHyperplanes(
  state: Float64Array,
  dim: number,
  count: number,
  lambda: number,
  weights: Float32Array,
  bias: Float32Array,
): void {
  const rng = new Rng(0);
  rng.loadState(state);
  for (let i = 0; i < count; i++) {
    rng.fillNormal(weights.subarray(i * dim, (i + 1) * dim));
    bias[i] = rng.uniformIn(-lambda, lambda);
  }
  rng.saveState(state);
}
