// Shared helpers for the tests (not a test file itself).

import { InterpolatingNetwork } from "../src/interpolation/estimator.js";
import type { FitParams } from "../src/interpolation/model.js";
import type { Dataset } from "../src/data/dataset.js";
import type { Kernels } from "../src/kernels/types.js";
import { referenceKernels } from "../src/kernels/reference.js";

/** Fits with the given kernels (reference by default) and returns the estimator. */
export async function fitNet(
  ds: Dataset,
  params: Partial<FitParams>,
  kernels: Kernels = referenceKernels,
): Promise<InterpolatingNetwork> {
  return new InterpolatingNetwork(params, { kernels }).fit(ds);
}
