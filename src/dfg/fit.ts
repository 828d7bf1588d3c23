// Fitting: Algorithm 1 or 2 on a labelled data set, binary or one-vs-rest (Sec. 2, 4, 4.4).

import type { Dataset } from "../data/dataset.js";
import { DataError } from "../data/dataset.js";
import { checkDisjointClasses, checkFinite, classCounts, radius } from "../data/preprocess.js";
import type { Kernels, Workspace } from "../backends/types.js";
import { wordsPerRowFor } from "../backends/types.js";
import {
  computeActivations,
  HyperplaneSampler,
  type Activations,
  type FirstLayer,
} from "./firstLayer.js";
import { maskedScores } from "./maskedScores.js";
import type { FitParams, InterpolationModel, OutputMode } from "./model.js";
import { OptionError, resolveParams } from "./params.js";
import { marginDecider } from "./predict.js";
import { pruneFirstLayer, selectColumns } from "./pruneFirst.js";
import type { SelectionResult } from "./secondLayer.js";
import { selectByStrategy } from "./selection.js";
import { checkSeparation } from "./separation.js";
import type { OnProgress } from "../progress.js";

export interface FitOptions {
  readonly kernels: Kernels;
  /**
   * Progress: phase "first layer" (points done; Algorithm 1 repeats it per width tried, detail
   * "Algorithm 1: n = …", with a "separation check" between), then "second layer" (X⁻ points
   * covered, summed over the class subnetworks; detail "class k of K").
   */
  readonly onProgress?: OnProgress;
}

/** The binary problems to solve: which class is X⁻ of each subnetwork. */
function outputMode(ds: Dataset): OutputMode {
  return ds.classNames.length === 2 ? "binary" : "one-vs-rest";
}

/** Row lists of X⁻ = class k and X⁺ = all other classes. */
function splitRows(labels: Int32Array, k: number, workspace: Workspace): [Int32Array, Int32Array] {
  let negCount = 0;
  for (const l of labels) if (l === k) negCount++;
  const neg = workspace.i32(negCount);
  const pos = workspace.i32(labels.length - negCount);
  let a = 0;
  let b = 0;
  labels.forEach((l, r) => {
    if (l === k) neg[a++] = r;
    else pos[b++] = r;
  });
  return [neg, pos];
}

/**
 * Checks that a data set can be interpolated: points, >= 2 classes each with points, finite
 * features, and no identical points with different labels (DataError naming the rows).
 */
function checkTrainingSet(ds: Dataset): void {
  if (ds.size === 0) throw new DataError(`${ds.name}: the data set has no points`);
  if (ds.classNames.length < 2) {
    throw new DataError(`${ds.name}: need at least 2 classes, got ${ds.classNames.length}`);
  }
  classCounts(ds).forEach((c, k) => {
    if (c === 0) {
      throw new DataError(`${ds.name}: class ${JSON.stringify(ds.classNames[k])} has no points`);
    }
  });
  checkFinite(ds);
  checkDisjointClasses(ds);
}

/**
 * Builds the first layer: Algorithm 2 draws exactly n hyperplanes; Algorithm 1 draws until every
 * pair of points from different classes (in the direction each subnetwork needs) is separated and
 * n >= n_min, then keeps exactly the first such number of hyperplanes.
 */
function buildFirstLayer(
  ds: Dataset,
  params: FitParams,
  problems: readonly number[],
  options: FitOptions,
): { layer: FirstLayer; acts: Activations; workspace: Workspace } {
  const sampler = new HyperplaneSampler(ds.dim, params.lambda, params.seed, options.kernels);
  const firstLayerFor = (width: number) => {
    const layer = sampler.layer(width);
    const workspace = options.kernels.workspace();
    const acts = computeActivations(
      ds.features,
      ds.size,
      layer,
      params.activation,
      options.kernels,
      workspace,
      (done) =>
        options.onProgress?.({
          phase: "first layer",
          done,
          total: ds.size,
          unit: "points",
          ...(params.algorithm === 1 ? { detail: `Algorithm 1: n = ${width}` } : {}),
        }),
    );
    return { layer, acts, workspace };
  };
  if (params.algorithm === 2) return firstLayerFor(params.n);

  let width = Math.max(params.n, 32);
  for (;;) {
    const built = firstLayerFor(width);
    options.onProgress?.({
      phase: "separation check",
      done: 0,
      total: 0,
      unit: "pairs",
      detail: `n = ${width}`,
    });
    let required = 0;
    let failure: string | undefined;
    for (const k of problems) {
      const [neg, pos] = splitRows(ds.labels, k, built.workspace);
      const check = checkSeparation(
        built.acts.positive,
        neg,
        pos,
        width < params.maxWidth,
        options.kernels,
      );
      if (!check.separated) {
        failure =
          `${check.unseparatedPairs} pair(s) of points are not separated by any of ${width} ` +
          `hyperplanes, e.g. rows ${check.example[0]} and ${check.example[1]}`;
        break;
      }
      required = Math.max(required, check.requiredWidth);
    }
    if (failure === undefined) {
      const finalWidth = Math.max(params.n, required);
      if (finalWidth === width) return built;
      built.workspace.dispose();
      return firstLayerFor(finalWidth);
    }
    built.workspace.dispose();
    if (width >= params.maxWidth) {
      throw new OptionError(
        `Algorithm 1 gave up: ${failure}. Hyperplanes with maximal bias λ = ${params.lambda} ` +
          `below the data radius may never separate points on a ray from the origin; use ` +
          `λ >= R (R = ${radius(ds).toPrecision(6)}) or raise maxWidth (${params.maxWidth})`,
      );
    }
    width = Math.min(width * 2, params.maxWidth);
  }
}

/**
 * Fits a 3-layer interpolation network to `ds` (binary when it has 2 classes, class 0 = X⁻;
 * one-vs-rest otherwise). Throws OptionError for bad hyperparameters and DataError for data
 * that cannot be interpolated (no points, a single class, an empty class).
 */
export function fitModel(
  ds: Dataset,
  partialParams: Partial<FitParams>,
  options: FitOptions,
): InterpolationModel {
  const params = resolveParams(partialParams);
  checkTrainingSet(ds);
  // The radius is reported with the model; like the checks, it is not a step of the algorithms
  // and stays outside the fit time.
  const dataRadius = radius(ds);
  const t0 = performance.now();
  const mode = outputMode(ds);
  const problems = mode === "binary" ? [0] : ds.classNames.map((_, k) => k);

  const { layer, acts, workspace } = buildFirstLayer(ds, params, problems, options);
  try {
    const t1 = performance.now();
    const wordsPerRow = wordsPerRowFor(layer.width);
    const scores = maskedScores(acts, options.kernels);
    const counts = classCounts(ds);
    const negatives = problems.reduce((sum, k) => sum + counts[k], 0);
    let coveredBefore = 0;
    const results: SelectionResult[] = problems.map((k, index) => {
      const [neg, pos] = splitRows(ds.labels, k, workspace);
      const offset = coveredBefore;
      coveredBefore += neg.length;
      return selectByStrategy(params.selection, {
        classIndex: k,
        negativeRows: neg,
        positiveRows: pos,
        wordsPerRow,
        scores,
        workspace,
        seed: params.seed,
        onProgress: (covered, total) =>
          options.onProgress?.({
            phase: "second layer",
            // covered of total within this subnetwork, as X⁻ points of all subnetworks.
            done: offset + Math.round((covered / Math.max(1, total)) * neg.length),
            total: negatives,
            unit: "points covered",
            ...(problems.length > 1 ? { detail: `class ${index + 1} of ${problems.length}` } : {}),
          }),
      });
    });
    let finalLayer = layer;
    let finalWords = wordsPerRow;
    let subnetworks = results.map((r) => r.layer);
    let finalScores = scores;
    if (params.pruneFirst === true) {
      const pruned = pruneFirstLayer(layer, subnetworks, acts.positive, (k) => {
        const [, pos] = splitRows(ds.labels, k, workspace);
        return pos;
      });
      finalLayer = pruned.firstLayer;
      finalWords = pruned.wordsPerRow;
      subnetworks = pruned.subnetworks;
      const data = selectColumns(acts.positive.data, ds.size, wordsPerRow, pruned.kept, finalWords);
      finalScores = maskedScores(
        {
          activation: "threshold",
          positive: { rows: ds.size, bits: finalLayer.width, wordsPerRow: finalWords, data },
        },
        options.kernels,
      );
    }
    const t2 = performance.now();

    const partial: InterpolationModel = {
      activation: params.activation,
      mode,
      classNames: [...ds.classNames],
      firstLayer: finalLayer,
      wordsPerRow: finalWords,
      subnetworks,
      params,
      info: {
        ...(params.pruneFirst === true ? { unprunedFirstLayerWidth: layer.width } : {}),
        trainingSize: ds.size,
        radius: dataRadius,
        interpolates: false,
        trainingAccuracy: 0,
        uncovered: results.map((r) => r.uncovered.length),
        candidatesTried: results.map((r) => r.candidatesTried),
        fitSeconds: 0,
        firstLayerSeconds: (t1 - t0) / 1000,
        secondLayerSeconds: (t2 - t1) / 1000,
        backend: options.kernels.name,
      },
    };
    // Training accuracy from the construction: a subnetwork never fires on its X⁺ (m is the
    // minimum over X⁺ and the test is strict), and fires on exactly the covered X⁻ points. So
    // covered points are right; an uncovered point fires nowhere and gets the fallback rule.
    let wrong = 0;
    const masks = partial.subnetworks.map((s) => s.masks);
    const decide =
      mode === "binary" ? undefined : marginDecider(partial, masks, (n) => workspace.u32(n));
    for (const r of results) {
      for (const row of r.uncovered) {
        const predicted = decide === undefined ? 1 : decide(finalScores, row);
        if (predicted !== ds.labels[row]) wrong++;
      }
    }
    const fitSeconds = (performance.now() - t0) / 1000;
    return {
      ...partial,
      info: {
        ...partial.info,
        interpolates: wrong === 0,
        trainingAccuracy: (ds.size - wrong) / ds.size,
        fitSeconds,
      },
    };
  } finally {
    workspace.dispose();
  }
}
