// The learned 3-layer network and its statistics.

import { popcount32 } from "../backends/bits.js";
import type { Activation, FirstLayer } from "./firstLayer.js";
import type { SecondLayer } from "./secondLayer.js";
import type { Preprocessing } from "../data/preprocessing.js";
import type { DataSpec } from "../data/spec.js";

/** Second-layer selection: the paper's random order, greedy set cover, each optionally pruned. */
export type SelectionStrategy = "random" | "greedy" | "greedy+prune" | "random+prune";

/** Every selection strategy, in the order the CLI lists them. */
export const SELECTION_STRATEGIES: readonly SelectionStrategy[] = [
  "random",
  "greedy",
  "greedy+prune",
  "random+prune",
];

/**
 * How classes are read off the subnetworks. "binary": one subnetwork for class 0 (X⁻); the
 * network outputs class 0 when at least one of its neurons fires, class 1 otherwise
 * (F(x) = sign(−⟨1, Φ̂(Φ(x))⟩), sign(0) = +1). "one-vs-rest": one subnetwork per class k
 * (X⁻ = class k, X⁺ = the rest, Sec. 4.4); see predict.ts for the rule when none or several fire.
 */
export type OutputMode = "binary" | "one-vs-rest";

/** The hyperparameters a model was fitted with. */
export interface FitParams {
  /** 1: Algorithm 1 (first layer grows until all pairs are separated); 2: Algorithm 2. */
  readonly algorithm: 1 | 2;
  /** First-layer width n (Algorithm 2), or the minimal width n_min (Algorithm 1). */
  readonly n: number;
  /** Maximal bias λ >= 0: b_i ~ Unif[−λ, λ]. */
  readonly lambda: number;
  readonly activation: Activation;
  /** Seed of all random choices (non-negative integer). */
  readonly seed: number;
  /** Algorithm 1 only: give up (with an error) beyond this many hyperplanes. */
  readonly maxWidth: number;
  /** How second-layer neurons are chosen (see selection.ts); "random" is the paper's. */
  readonly selection: SelectionStrategy;
  /** Also prune the first layer after the second is built (threshold only; see pruneFirst.ts). */
  readonly pruneFirst?: boolean;
}

/** Facts about the fit itself (not needed to predict). */
export interface FitInfo {
  readonly trainingSize: number;
  /** max ‖x‖₂ over the training points. */
  readonly radius: number;
  /** True when every training point is classified correctly. */
  readonly interpolates: boolean;
  readonly trainingAccuracy: number;
  /** Per subnetwork: X⁻ points left undetected (the universe U at the end). */
  readonly uncovered: readonly number[];
  /** Per subnetwork: candidates drawn (accepted and rejected). */
  readonly candidatesTried: readonly number[];
  readonly fitSeconds: number;
  readonly firstLayerSeconds: number;
  readonly secondLayerSeconds: number;
  /** Kernel backend that did the work. */
  readonly backend: string;
  /** With pruneFirst: the first-layer width before pruning (firstLayer.width is after). */
  readonly unprunedFirstLayerWidth?: number;
}

/**
 * How raw input features were transformed before fitting: x ↦ (x / pixelMax) · scale (defined
 * in data/preprocessing.ts; the estimator records it and applies it to raw data).
 */
export type { Preprocessing } from "../data/preprocessing.js";

/** A fitted interpolation network. Plain data: serializable with modelFile.ts. */
export interface InterpolationModel {
  readonly activation: Activation;
  readonly mode: OutputMode;
  readonly classNames: readonly string[];
  readonly firstLayer: FirstLayer;
  /** Words per bit-packed mask row: wordsPerRowFor(firstLayer.width). */
  readonly wordsPerRow: number;
  /** One subnetwork ("binary": just class 0's) or one per class ("one-vs-rest"). */
  readonly subnetworks: readonly SecondLayer[];
  readonly params: FitParams;
  readonly info: FitInfo;
  readonly preprocessing?: Preprocessing;
  /**
   * The data the model was fitted on, where the caller recorded it (`memonet fit` does): lets
   * `memonet eval` warn when its data overlap the training data.
   */
  readonly training?: DataSpec;
}

/** Size statistics of a model. */
export interface ModelStats {
  readonly inputDim: number;
  readonly firstLayerWidth: number;
  /** Second-layer width per subnetwork, in the order of model.subnetworks. */
  readonly secondLayerWidths: readonly number[];
  readonly secondLayerWidth: number;
  /**
   * Weights and biases of the dense network: first layer n·d + n, second layer n̂·n + n̂, output
   * layer n̂ (each second-layer neuron feeds its class output with weight 1; no output bias).
   */
  readonly parameters: number;
  /** The same count without zero weights (mask bits u_ij = 0 and zero first-layer weights). */
  readonly nonzeroParameters: number;
}

/** Computes the size statistics of a model from its arrays. */
export function modelStats(model: InterpolationModel): ModelStats {
  const { dim, width, weights, bias } = model.firstLayer;
  const widths = model.subnetworks.map((s) => s.width);
  const secondWidth = widths.reduce((a, b) => a + b, 0);
  let nonzero = 0;
  for (const w of weights) if (w !== 0) nonzero++;
  for (const b of bias) if (b !== 0) nonzero++;
  for (const s of model.subnetworks) {
    for (const word of s.masks) nonzero += popcount32(word);
    for (const m of s.thresholds) if (m !== 0) nonzero++;
    nonzero += s.width;
  }
  return {
    inputDim: dim,
    firstLayerWidth: width,
    secondLayerWidths: widths,
    secondLayerWidth: secondWidth,
    parameters: width * dim + width + secondWidth * width + secondWidth + secondWidth,
    nonzeroParameters: nonzero,
  };
}
