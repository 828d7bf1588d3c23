// memorize(): the Vardi–Yehudai–Shamir constructions end to end — validate the data, measure r
// and δ, find the stage I projection, build the network of Thm 3.1, 5.1 or 6.2 (theorems.ts) for
// the chosen interval split (and the other one, to report both), and report everything measured
// beside the theorem's bounds.

import { OptionError } from "../errors.js";
import type { OnProgress } from "../progress.js";
import { checkParam, integerAtLeast, interval, strOptions } from "../validation.js";
import { bitLength, toNumber } from "./dyadic.js";
import {
  type TheoremBounds,
  bitLimitedLowerBound,
  depthLimitedLowerBound,
  paperRangeR,
  theorem31Bounds,
  theorem51Bounds,
  theorem62Bounds,
} from "./bounds.js";
import { closestPair, pointRadius } from "./geometry.js";
import { type NetworkMetrics, type ReluNetwork, networkMetrics } from "./network.js";
import { type MemorizationProblem, prepareProblem } from "./problem.js";
import { type SplitPolicy, crossoverSize } from "./split.js";
import { findStageOne } from "./stageOne.js";
import { type Plan, type SplitSummary, type Subset, buildWithPolicy } from "./theorems.js";

/** Options of memorize. At most one of depth and bits. */
export interface MemorizeOptions {
  /** Thm 5.1: the depth parameter L ∈ {1, ..., ⌊√N⌋} (subsets of L² points side by side). */
  readonly depth?: number;
  /** Thm 6.2: the bit parameter B ∈ {1, ..., ⌊√N⌋} (subsets of B² points chained). */
  readonly bits?: number;
  /** Points per interval: the paper's m = √(N log N) intervals (default) or the fewest parameters. */
  readonly split?: SplitPolicy;
  /** Seed of the stage I directions (default 0). */
  readonly seed?: number;
  /** Random directions compared in stage I (default 4). */
  readonly directionTries?: number;
  /** Also build the other split and report both (default true). */
  readonly compareSplits?: boolean;
  /** Estimate from which N the construction has fewer parameters than N (default true). */
  readonly crossover?: boolean;
  /**
   * Progress: phase "memorize", in steps (r and δ, stage I, the network, the other split, the
   * crossover estimate), detail naming the step that starts.
   */
  readonly onProgress?: OnProgress;
}

/** What the network's output means. */
export type OutputSpec =
  | { readonly kind: "classification"; readonly classes: number }
  | { readonly kind: "regression"; readonly epsilon: number; readonly classes: number };

export type { SplitSummary };

/** Everything measured about a built network, beside the theorem's bounds. */
export interface MemorizationReport {
  readonly theorem: "3.1" | "5.1" | "6.2";
  /** L (Thm 5.1) or B (Thm 6.2). */
  readonly budget: number | null;
  readonly data: {
    readonly name: string;
    readonly size: number;
    readonly dim: number;
    /** C: classes (regression: ε-intervals). */
    readonly classes: number;
    readonly radius: number;
    /** δ; null for a single point. */
    readonly separation: number | null;
    readonly closestPair: readonly [number, number] | null;
    readonly epsilon: number | null;
  };
  readonly stageOne: {
    readonly directionBits: number;
    readonly directionDraws: number;
    readonly directionNonZeros: number;
    readonly scaleLog2: number;
    readonly bias: string;
    /** Smallest gap of the projections ũᵀx_i (before scaling); null for N = 1. */
    readonly minGap: number | null;
    /** δ/(N²√(πd)): the gap Lemma A.2 guarantees (Eq. 2) for the paper's direction. */
    readonly paperGap: number | null;
    /** Whether this direction also meets that guarantee (so the paper's scale would work). */
    readonly meetsPaperGap: boolean | null;
    /** R measured: the largest projected point max_i F₁(x_i). */
    readonly projectedMax: number;
    readonly log2ProjectedMax: number;
    /** The paper's worst-case R = 10·r·N²·δ⁻¹·√(πd). */
    readonly paperR: number;
    readonly log2PaperR: number;
    /** ρ: bits per projected floor; c: bits per label. */
    readonly rho: number;
    readonly c: number;
  };
  readonly split: SplitSummary & { readonly subsets: number; readonly subsetSize: number };
  /** Both splits measured (null unless compareSplits). */
  readonly splits: { readonly paper: SplitSummary; readonly optimal: SplitSummary } | null;
  readonly network: NetworkMetrics;
  readonly bounds: TheoremBounds & {
    readonly depthRatio: number;
    readonly parameterRatio: number;
    readonly bitRatio: number | null;
  };
  readonly lowerBounds: {
    /** √N (Sec. 4). */
    readonly vc: number;
    /** Thm 5.1: N/(depth·lg N); Thm 6.2: N/(bits + lg N); null for Thm 3.1. */
    readonly budget: number | null;
  };
  readonly parametersPerSqrtN: number;
  /** Smallest N for which Thm 3.1's network has fewer parameters than N (see crossover()). */
  readonly crossover: { readonly paper: number | null; readonly optimal: number | null } | null;
  readonly seconds: {
    readonly geometry: number;
    readonly stageOne: number;
    readonly build: number;
    readonly total: number;
  };
}

/** A built network with its report. */
export interface MemorizationResult {
  readonly network: ReluNetwork;
  readonly output: OutputSpec;
  readonly report: MemorizationReport;
}

/**
 * Builds the Vardi–Yehudai–Shamir network memorizing `problem` (Thm 3.1, or 5.1 with `depth`, or
 * 6.2 with `bits`) and measures it. DataError for bad data (see prepareProblem), OptionError for
 * bad options. The result is not verified: call verifyNetwork.
 */
export function memorize(
  problem: MemorizationProblem,
  options: MemorizeOptions = {},
): MemorizationResult {
  const t0 = performance.now();
  const prep = prepareProblem(problem);
  const N = prep.size;
  const theorem = checkOptions(options, N);
  const budget = options.depth ?? options.bits ?? null;
  const steps = [
    "r and δ (closest pair)",
    "stage I projection",
    `Thm ${theorem} network`,
    ...((options.compareSplits ?? true) ? ["the other interval split"] : []),
    ...((options.crossover ?? true) ? ["crossover estimate"] : []),
  ];
  let step = 0;
  const next = () =>
    options.onProgress?.({
      phase: "memorize",
      done: step,
      total: steps.length,
      unit: "steps",
      ...(step < steps.length ? { detail: steps[step++] } : {}),
    });
  next();
  const pointSet = { points: prep.points, dim: prep.dim, count: N };
  const radius = pointRadius(pointSet);
  const pair = closestPair(pointSet, options.seed ?? 0);
  const t1 = performance.now();
  next();
  const stage = findStageOne(prep.points, prep.dim, {
    seed: options.seed ?? 0,
    tries: options.directionTries ?? 4,
  });
  const t2 = performance.now();
  const rho = bitLength(stage.floors[N - 1]);
  const c = bitLength(BigInt(prep.classes));
  const labelsSorted = Int32Array.from(stage.order, (row) => prep.labels[row]);
  const subsetSize = theorem === "3.1" ? N : (budget as number) ** 2;
  const subsets: Subset[] = [];
  for (let s = 0; s < N; s += subsetSize)
    subsets.push({ start: s, end: Math.min(N, s + subsetSize) });
  const plan: Plan = { theorem, stage, prep, labelsSorted, subsets, rho, c };

  const policy = options.split ?? "paper";
  next();
  const chosen = buildWithPolicy(plan, policy);
  const t3 = performance.now();
  let splits: MemorizationReport["splits"] = null;
  if (options.compareSplits ?? true) {
    next();
    const other = buildWithPolicy(plan, policy === "paper" ? "optimal" : "paper");
    splits =
      policy === "paper"
        ? { paper: chosen.summary, optimal: other.summary }
        : { paper: other.summary, optimal: chosen.summary };
  }
  const metrics = networkMetrics(chosen.network);
  const boundInputs = {
    size: N,
    dim: prep.dim,
    classes: prep.classes,
    radius,
    separation: pair.distance,
  };
  const bounds =
    theorem === "3.1"
      ? theorem31Bounds(boundInputs)
      : theorem === "5.1"
        ? theorem51Bounds(boundInputs, budget as number)
        : theorem62Bounds(boundInputs, budget as number);
  const paperGap = Number.isFinite(pair.distance)
    ? pair.distance / (N * N * Math.sqrt(Math.PI * prep.dim))
    : null;
  const minGap = stage.minGap === null ? null : toNumber(stage.minGap);
  const projectedMax = toNumber(stage.maxProjected);
  const paperR = paperRangeR(boundInputs);
  if (options.crossover ?? true) next();
  const crossover =
    (options.crossover ?? true)
      ? {
          paper: crossoverSize(stage.directionNonZeros, rho, c, N, "paper"),
          optimal: crossoverSize(stage.directionNonZeros, rho, c, N, "optimal"),
        }
      : null;
  const report: MemorizationReport = {
    theorem,
    budget,
    data: {
      name: prep.name,
      size: N,
      dim: prep.dim,
      classes: prep.classes,
      radius,
      separation: Number.isFinite(pair.distance) ? pair.distance : null,
      closestPair: pair.i >= 0 ? [pair.i, pair.j] : null,
      epsilon: prep.regression ? toNumber(prep.regression.epsilon) : null,
    },
    stageOne: {
      directionBits: stage.directionBits,
      directionDraws: stage.draws,
      directionNonZeros: stage.directionNonZeros,
      scaleLog2: stage.scaleLog2,
      bias: stage.bias.toString(),
      minGap,
      paperGap,
      meetsPaperGap: minGap === null || paperGap === null ? null : minGap >= paperGap,
      projectedMax,
      log2ProjectedMax: Math.log2(projectedMax),
      paperR,
      log2PaperR: Math.log2(paperR),
      rho,
      c,
    },
    split: { ...chosen.summary, subsets: subsets.length, subsetSize: Math.min(subsetSize, N) },
    splits,
    network: metrics,
    bounds: {
      ...bounds,
      depthRatio: metrics.depth / bounds.depth,
      parameterRatio: metrics.parameters / bounds.parameters,
      bitRatio: bounds.bitComplexity === null ? null : metrics.bitComplexity / bounds.bitComplexity,
    },
    lowerBounds: {
      vc: Math.sqrt(N),
      budget:
        theorem === "5.1"
          ? depthLimitedLowerBound(N, metrics.depth)
          : theorem === "6.2"
            ? bitLimitedLowerBound(N, metrics.bitComplexity)
            : null,
    },
    parametersPerSqrtN: metrics.parameters / Math.sqrt(N),
    crossover,
    seconds: {
      geometry: (t1 - t0) / 1000,
      stageOne: (t2 - t1) / 1000,
      build: (t3 - t2) / 1000,
      total: (performance.now() - t0) / 1000,
    },
  };
  next();
  const output: OutputSpec = prep.regression
    ? { kind: "regression", epsilon: toNumber(prep.regression.epsilon), classes: prep.classes }
    : { kind: "classification", classes: prep.classes };
  return { network: chosen.network, output, report };
}

const SPLIT = strOptions(["paper", "optimal"] as const, '"paper" or "optimal"');

function checkOptions(o: MemorizeOptions, N: number): "3.1" | "5.1" | "6.2" {
  if (o.depth !== undefined && o.bits !== undefined) {
    throw new OptionError("give at most one of depth (Thm 5.1) and bits (Thm 6.2)");
  }
  const max = Math.floor(Math.sqrt(N));
  for (const [key, value, thm] of [
    ["depth L", o.depth, "5.1"],
    ["bits B", o.bits, "6.2"],
  ] as const) {
    if (value === undefined) continue;
    const range = interval(
      "integer",
      1,
      max,
      "both",
      `an integer in 1..⌊√N⌋ = 1..${max} (Thm ${thm} needs ${key[key.length - 1]} ∈ [√N])`,
    );
    checkParam(value, key, range);
  }
  if (o.split !== undefined) checkParam(o.split, "split", SPLIT);
  if (o.seed !== undefined) checkParam(o.seed, "seed", integerAtLeast(0, "a non-negative integer"));
  if (o.directionTries !== undefined) {
    checkParam(o.directionTries, "directionTries", integerAtLeast(1, "a positive integer"));
  }
  return o.depth !== undefined ? "5.1" : o.bits !== undefined ? "6.2" : "3.1";
}
