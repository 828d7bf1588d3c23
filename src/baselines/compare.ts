// compareMethods: every construction, the classic projection baseline and an SGD-trained MLP on
// the same data, one row per method and seed, in the same units (neurons, non-zero parameters,
// depth, weight precision, build time, training and test accuracy, whether interpolation is
// guaranteed by the construction).

import type { Dataset } from "../data/dataset.js";
import { InterpolatingNetwork } from "../dfg/estimator.js";
import { modelStats } from "../dfg/model.js";
import { OptionError } from "../errors.js";
import type { OnProgress } from "../progress.js";
import { alignLabels, atMost, checkParam, integerAtLeast } from "../validation.js";
import type { Kernels } from "../backends/types.js";
import { toNumber } from "../vys/dyadic.js";
import { compileExact, ExactRunner, inputExponentsOf } from "../vys/exactEval.js";
import { memorize } from "../vys/memorize.js";
import type { ReluNetwork } from "../vys/network.js";
import { problemFromDataset } from "../vys/problem.js";
import { verifyNetwork } from "../vys/verify.js";
import { fitProjection, projectionStats, scoreProjection } from "./projection.js";
import { mlpParameters, predictMlp, searchSgdWidth, type SgdOptions } from "./sgd.js";

/** The methods, in table order. */
export const COMPARE_METHODS = ["dfg", "dfg1", "vys", "projection", "sgd"] as const;
export type CompareMethod = (typeof COMPARE_METHODS)[number];

/** What each method is, for tables and help texts. */
export const METHOD_DESCRIPTIONS: Readonly<Record<CompareMethod, string>> = {
  dfg: "Dirksen–Finke–Genzel Algorithm 2 (first layer of width n)",
  dfg1: "Dirksen–Finke–Genzel Algorithm 1 (first layer grown until every pair is separated)",
  vys: "Vardi–Yehudai–Shamir (Thm 3.1; 5.1 with depth, 6.2 with bits), exactly verified",
  projection: "one hidden threshold layer at the label changes along a random projection",
  sgd: "2-hidden-layer ReLU MLP trained with Adam, smallest width reaching 100 % training accuracy",
};

/** Options of compareMethods. */
export interface CompareOptions {
  /** Methods to run (default: all). */
  readonly methods?: readonly CompareMethod[];
  /** Number of seeds per method (default 1): firstSeed, firstSeed + 1, … */
  readonly seeds?: number;
  /** The first seed (default 0); lets long runs be split over processes, one seed each. */
  readonly firstSeed?: number;
  /** dfg: first-layer width n (default 1000). */
  readonly n?: number;
  /** dfg1: the minimal first-layer width n_min (default 0). */
  readonly nMin?: number;
  /** dfg, dfg1: maximal bias λ (default 1). */
  readonly lambda?: number;
  /** vys: Thm 5.1's depth parameter L. */
  readonly depth?: number;
  /** vys: Thm 6.2's bit parameter B. */
  readonly bits?: number;
  /** sgd: options of the width search (its seed is the row's seed). */
  readonly sgd?: Omit<SgdOptions, "seed">;
  /** dfg kernels (default: auto). */
  readonly kernels?: Kernels;
  /**
   * Progress: phase "builds", `done` of methods × seeds finished, detail "<method>, seed k"
   * naming the build that starts.
   */
  readonly onProgress?: OnProgress;
}

/** One row of the comparison. */
export interface CompareRow {
  readonly method: CompareMethod;
  readonly seed: number;
  /** Hidden neurons. */
  readonly neurons: number;
  /** Non-zero weights and biases. */
  readonly parameters: number;
  /** Weight layers. */
  readonly depth: number;
  /** "float32", or "<k> bits" (largest fixed-point bit count of an exact weight or bias). */
  readonly precision: string;
  readonly buildSeconds: number;
  readonly trainingAccuracy: number;
  /** Accuracy on the test data, null without test data. */
  readonly testAccuracy: number | null;
  readonly interpolates: boolean;
  /** Whether the construction guarantees interpolation (rather than it being checked). */
  readonly guaranteed: boolean;
  /** Method-specific facts (e.g. sgd's width and epochs, dfg's widths). */
  readonly details: string;
}

/**
 * Runs each method on `train` for every seed and evaluates on `test` (if given, same
 * preprocessing). OptionError for unknown methods or bad options, DataError for data a method
 * cannot use (e.g. duplicate points for vys/projection). sgd needs tfjs's backend started first
 * (useTfjsWasm in Node).
 */
export async function compareMethods(
  train: Dataset,
  test: Dataset | null,
  options: CompareOptions = {},
): Promise<CompareRow[]> {
  const methods = options.methods ?? COMPARE_METHODS;
  for (const m of methods) {
    if (!(COMPARE_METHODS as readonly string[]).includes(m)) {
      throw new OptionError(
        `unknown method ${JSON.stringify(m)}; the methods are ${COMPARE_METHODS.join(", ")}`,
      );
    }
  }
  const seeds = checkParam(options.seeds ?? 1, "seeds", [integerAtLeast(1), atMost(1000)]);
  const firstSeed = checkParam(options.firstSeed ?? 0, "firstSeed", [integerAtLeast(0)]);
  if (test !== null && test.dim !== train.dim) {
    throw new OptionError(
      `the test data have dimension ${test.dim}, the training data ${train.dim}`,
    );
  }
  const aligned =
    test === null
      ? null
      : {
          ...test,
          classNames: train.classNames,
          labels: alignLabels(test, train.classNames, "the training data"),
        };
  const rows: CompareRow[] = [];
  const total = methods.length * seeds;
  for (const method of methods) {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const detail = `${method}, seed ${seed}`;
      options.onProgress?.({ phase: "builds", done: rows.length, total, unit: "builds", detail });
      rows.push(await runMethod(method, seed, train, aligned, options));
    }
  }
  options.onProgress?.({ phase: "builds", done: total, total, unit: "builds" });
  return rows;
}

async function runMethod(
  method: CompareMethod,
  seed: number,
  train: Dataset,
  test: Dataset | null,
  o: CompareOptions,
): Promise<CompareRow> {
  switch (method) {
    case "dfg":
    case "dfg1":
      return runDfg(method, seed, train, test, o);
    case "vys":
      return runVys(seed, train, test, o);
    case "projection":
      return runProjection(seed, train, test);
    case "sgd":
      return runSgd(seed, train, test, o);
  }
}

async function runDfg(
  method: "dfg" | "dfg1",
  seed: number,
  train: Dataset,
  test: Dataset | null,
  o: CompareOptions,
): Promise<CompareRow> {
  const algorithm = method === "dfg" ? 2 : 1;
  const net = new InterpolatingNetwork(
    {
      algorithm,
      n: algorithm === 2 ? (o.n ?? 1000) : (o.nMin ?? 0),
      ...(o.lambda !== undefined ? { lambda: o.lambda } : {}),
      seed,
    },
    o.kernels ? { kernels: o.kernels } : {},
  );
  await net.fit(train);
  const s = modelStats(net.model);
  const info = net.model.info;
  return {
    method,
    seed,
    neurons: s.firstLayerWidth + s.secondLayerWidth,
    parameters: s.nonzeroParameters,
    depth: 3,
    precision: "float32",
    buildSeconds: info.fitSeconds,
    trainingAccuracy: info.trainingAccuracy,
    testAccuracy: test === null ? null : await net.score(test),
    interpolates: info.interpolates,
    guaranteed: algorithm === 1,
    details: `n = ${s.firstLayerWidth}, n̂ = ${s.secondLayerWidth}, λ = ${net.params.lambda}`,
  };
}

function runVys(seed: number, train: Dataset, test: Dataset | null, o: CompareOptions): CompareRow {
  const t0 = performance.now();
  const problem = problemFromDataset(train);
  const { network, report } = memorize(problem, {
    seed,
    ...(o.depth !== undefined ? { depth: o.depth } : {}),
    ...(o.bits !== undefined ? { bits: o.bits } : {}),
    compareSplits: false,
    crossover: false,
  });
  const verification = verifyNetwork(network, problem);
  const seconds = (performance.now() - t0) / 1000;
  const m = report.network;
  return {
    method: "vys",
    seed,
    neurons: m.neurons,
    parameters: m.parameters + m.biases,
    depth: m.depth,
    precision: `${m.bitComplexity} bits`,
    buildSeconds: seconds,
    trainingAccuracy: verification.correct / verification.points,
    testAccuracy: test === null ? null : scoreReluClassifier(network, test),
    interpolates: verification.ok,
    guaranteed: true,
    details: `Thm ${report.theorem}${report.budget === null ? "" : ` (budget ${report.budget})`}, width ${m.width}, build + exact verification`,
  };
}

function runProjection(seed: number, train: Dataset, test: Dataset | null): CompareRow {
  const t0 = performance.now();
  const net = fitProjection(train, { seed });
  const trainingAccuracy = scoreProjection(net, train);
  const seconds = (performance.now() - t0) / 1000;
  const s = projectionStats(net);
  return {
    method: "projection",
    seed,
    neurons: s.neurons,
    parameters: s.parameters,
    depth: s.depth,
    precision: `${s.bitComplexity} bits`,
    buildSeconds: seconds,
    trainingAccuracy,
    testAccuracy: test === null ? null : scoreProjection(net, test),
    interpolates: trainingAccuracy === 1,
    guaranteed: true,
    details: `${s.neurons} label changes along the projection, build + exact verification`,
  };
}

async function runSgd(
  seed: number,
  train: Dataset,
  test: Dataset | null,
  o: CompareOptions,
): Promise<CompareRow> {
  const r = await searchSgdWidth(train, { ...o.sgd, seed });
  let testAccuracy: number | null = null;
  if (test !== null) {
    const predicted = predictMlp(r.network, test.features);
    let correct = 0;
    for (let i = 0; i < test.size; i++) if (predicted[i] === test.labels[i]) correct++;
    testAccuracy = correct / test.size;
  }
  const tried = r.attempts.map((a) => `${a.width}${a.reached ? "✓" : "✗"}`).join(" ");
  const final = r.attempts.filter((a) => a.width === r.width).at(-1);
  const perEpoch =
    final === undefined
      ? ""
      : `, ${((final.seconds / final.epochs) * 1000).toFixed(0)} ms per epoch at that width`;
  return {
    method: "sgd",
    seed,
    neurons: 2 * r.width,
    parameters: mlpParameters(train.dim, r.width, train.classNames.length),
    depth: 3,
    precision: "float32",
    buildSeconds: r.seconds,
    trainingAccuracy: r.trainingAccuracy,
    testAccuracy,
    interpolates: r.reached,
    guaranteed: false,
    details:
      `width ${r.width}${r.reached ? "" : " (budget ran out: no width reached 100 %)"}, ` +
      `${r.epochs} epochs${perEpoch}; widths tried ${tried}; time of the whole search`,
  };
}

/**
 * Accuracy of a Vardi–Yehudai–Shamir classifier (output = class 1..C) on unseen points: the exact
 * output rounded to the nearest class, clamped to 1..C.
 */
function scoreReluClassifier(net: ReluNetwork, ds: Dataset): number {
  const program = compileExact(net, inputExponentsOf(ds.features, ds.dim));
  const runner = new ExactRunner(program);
  const classes = ds.classNames.length;
  let correct = 0;
  for (let i = 0; i < ds.size; i++) {
    const out = runner.evaluate(ds.features, i * ds.dim)[0];
    const value = toNumber(out);
    const k = Math.min(classes, Math.max(1, Math.round(value)));
    if (k === ds.labels[i] + 1) correct++;
  }
  return ds.size === 0 ? 0 : correct / ds.size;
}
