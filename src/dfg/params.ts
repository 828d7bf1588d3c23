// Hyperparameters: defaults and validation at the door.

import { OptionError } from "../errors.js";
import {
  FLOAT32_MAX,
  checkParam,
  integerAtLeast,
  atMost,
  numberAtLeast,
  strOptions,
} from "../validation.js";
import { SELECTION_STRATEGIES, type FitParams } from "./model.js";

export { OptionError };

/** Defaults: Algorithm 2, n = 1000 (Algorithm 1: n_min = DEFAULT_N_MIN), λ = 1 (the data radius after normalization), threshold. */
export const DEFAULT_PARAMS: FitParams = {
  algorithm: 2,
  n: 1000,
  lambda: 1,
  activation: "threshold",
  seed: 0,
  maxWidth: 100_000,
  selection: "random",
};

/** Largest first-layer width (and maxWidth) accepted: 2^27 hyperplanes. */
export const MAX_WIDTH = 2 ** 27;

/** The constraints of each hyperparameter (the CLI's option parsers derive from them too). */
export const PARAM_CONSTRAINTS = {
  algorithm: { test: (v: unknown): v is 1 | 2 => v === 1 || v === 2, text: "1 or 2" },
  /** n of Algorithm 1 (n_min) and of Algorithm 2 (the width). */
  nMin: [integerAtLeast(0), atMost(MAX_WIDTH, "at most 2^27")],
  n: [integerAtLeast(1), atMost(MAX_WIDTH, "at most 2^27")],
  lambda: [numberAtLeast(0), atMost(FLOAT32_MAX, "at most 3.4e38 (the float32 range)")],
  activation: strOptions(["threshold", "relu"] as const, '"threshold" or "relu"'),
  seed: integerAtLeast(0, "a non-negative integer"),
  maxWidth: [integerAtLeast(1), atMost(MAX_WIDTH, "at most 2^27")],
} as const;

/** Algorithm 1's default minimal width n_min (it grows the first layer as far as it needs). */
export const DEFAULT_N_MIN = 0;

/**
 * Merges `partial` into the defaults (n defaults to DEFAULT_N_MIN for Algorithm 1) and checks
 * every value; throws OptionError.
 */
export function resolveParams(partial: Partial<FitParams> = {}): FitParams {
  const nDefault = partial.algorithm === 1 ? { n: DEFAULT_N_MIN } : {};
  const p: FitParams = { ...DEFAULT_PARAMS, ...nDefault, ...partial };
  const c = PARAM_CONSTRAINTS;
  checkParam(p.algorithm, "algorithm", c.algorithm);
  if (p.algorithm === 1) checkParam(p.n, "n (the minimal first-layer width n_min)", c.nMin);
  else checkParam(p.n, "n (the first-layer width)", c.n);
  checkParam(p.lambda, "lambda (the maximal bias)", c.lambda);
  checkParam(p.activation, "activation", c.activation);
  checkParam(p.seed, "seed", c.seed);
  checkParam(p.maxWidth, "maxWidth", c.maxWidth);
  if (p.algorithm === 1 && p.maxWidth < Math.max(1, p.n)) {
    throw new OptionError(
      `maxWidth (Algorithm 1's cap) must be an integer >= max(1, n) = ${Math.max(1, p.n)}, got ${p.maxWidth}`,
    );
  }
  if (!SELECTION_STRATEGIES.includes(p.selection)) {
    throw new OptionError(
      `selection must be one of ${SELECTION_STRATEGIES.join(", ")}, got ${JSON.stringify(p.selection)}`,
    );
  }
  if (p.pruneFirst !== undefined && typeof p.pruneFirst !== "boolean") {
    throw new OptionError(`pruneFirst must be true or false, got ${JSON.stringify(p.pruneFirst)}`);
  }
  if (p.pruneFirst === true && p.activation !== "threshold") {
    throw new OptionError(`pruneFirst needs the threshold activation, got ${p.activation}`);
  }
  return p;
}
