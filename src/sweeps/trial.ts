// One trial: fit a network with the trial's parameters and seed, score it, measure it.

import type { Dataset } from "../data/dataset.js";
import { fitModel } from "../dfg/fit.js";
import { modelStats } from "../dfg/model.js";
import { predictRows } from "../dfg/predict.js";
import type { Kernels } from "../backends/types.js";
import type { Trial } from "./grid.js";
import type { ResultRow } from "./results.js";

/** How the score is computed: by predict() on the training set, or from the construction. */
export type ScoreMode = "predict" | "construction";

/**
 * Runs one trial on `ds` (the trial's data): Algorithm `algorithm` with n, λ, activation and
 * seed of the trial. The row's times are wall-clock seconds of the fit and of the scoring.
 */
export function runTrial(
  ds: Dataset,
  trial: Trial,
  algorithm: 1 | 2,
  scoreMode: ScoreMode,
  kernels: Kernels,
): ResultRow {
  const model = fitModel(
    ds,
    { algorithm, n: trial.n, lambda: trial.lambda, activation: trial.activation, seed: trial.seed },
    { kernels },
  );
  let score = model.info.trainingAccuracy;
  let scoreTime = 0;
  if (scoreMode === "predict") {
    const t0 = performance.now();
    const predicted = predictRows(model, ds.features, ds.size, kernels);
    scoreTime = (performance.now() - t0) / 1000;
    let correct = 0;
    for (let i = 0; i < ds.size; i++) if (predicted[i] === ds.labels[i]) correct++;
    score = correct / ds.size;
  }
  const stats = modelStats(model);
  const n = stats.firstLayerWidth;
  return {
    activation: trial.activation,
    dataset: trial.dataset,
    lambda: trial.lambda,
    n: trial.n,
    restart: trial.restart,
    score,
    fitTime: model.info.fitSeconds,
    scoreTime,
    firstDimIn: stats.inputDim,
    firstDimOut: n,
    perClass: model.subnetworks.map((s) => ({
      classIndex: s.classIndex,
      dimIn: n,
      dimOut: s.width,
    })),
    secondDimIn: n * model.subnetworks.length,
    secondDimOut: stats.secondLayerWidth,
    interpolated: score === 1,
    samples: ds.size,
    seed: trial.seed,
  };
}
