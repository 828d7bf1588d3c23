// Shared helpers for the tests (not a test file itself).

import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import type { FitParams } from "../src/dfg/model.js";
import type { Dataset } from "../src/data/dataset.js";
import type { Kernels } from "../src/backends/types.js";
import { referenceKernels } from "../src/ops/index.js";
import { makeDataset } from "../src/data/dataset.js";
import { Rng } from "../src/random/rng.js";

/** Fits with the given kernels (reference by default) and returns the estimator. */
export async function fitNet(
  ds: Dataset,
  params: Partial<FitParams>,
  kernels: Kernels = referenceKernels,
): Promise<InterpolatingNetwork> {
  return new InterpolatingNetwork(params, { kernels }).fit(ds);
}

/** A copy of `ds` with a fraction `zeros` of its features set to 0 (seeded): sparse data. */
export function sparsify(ds: Dataset, zeros: number, seed: number): Dataset {
  const rng = new Rng(seed, 5);
  const features = ds.features.map((v) => (rng.uniform() < zeros ? 0 : v));
  return makeDataset(`${ds.name} (sparse)`, features, ds.dim, ds.labels, ds.classNames);
}
