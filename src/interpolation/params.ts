// Hyperparameters: defaults and validation at the door.

import type { FitParams } from "./model.js";

/** Thrown for an invalid option value; the message names the option. */
export class OptionError extends Error {
  override readonly name = "OptionError";
}

/** Defaults: Algorithm 2, n = 1000 (Algorithm 1: n_min = DEFAULT_N_MIN), λ = 1 (the data radius after normalization), threshold. */
export const DEFAULT_PARAMS: FitParams = {
  algorithm: 2,
  n: 1000,
  lambda: 1,
  activation: "threshold",
  seed: 0,
  maxWidth: 100_000,
};

/** Algorithm 1's default minimal width n_min (it grows the first layer as far as it needs). */
export const DEFAULT_N_MIN = 0;

/**
 * Merges `partial` into the defaults (n defaults to DEFAULT_N_MIN for Algorithm 1) and checks
 * every value; throws OptionError.
 */
export function resolveParams(partial: Partial<FitParams> = {}): FitParams {
  const nDefault = partial.algorithm === 1 ? { n: DEFAULT_N_MIN } : {};
  const p: FitParams = { ...DEFAULT_PARAMS, ...nDefault, ...partial };
  if (p.algorithm !== 1 && p.algorithm !== 2) {
    throw new OptionError(`algorithm must be 1 or 2, got ${String(p.algorithm)}`);
  }
  const minN = p.algorithm === 1 ? 0 : 1;
  if (!Number.isInteger(p.n) || p.n < minN) {
    throw new OptionError(
      p.algorithm === 1
        ? `n (the minimal first-layer width n_min) must be an integer >= 0, got ${p.n}`
        : `n (the first-layer width) must be an integer >= 1, got ${p.n}`,
    );
  }
  if (!Number.isFinite(p.lambda) || p.lambda < 0) {
    throw new OptionError(
      `lambda (the maximal bias) must be a finite number >= 0, got ${p.lambda}`,
    );
  }
  if (p.activation !== "threshold" && p.activation !== "relu") {
    throw new OptionError(
      `activation must be "threshold" or "relu", got ${JSON.stringify(p.activation)}`,
    );
  }
  if (!Number.isSafeInteger(p.seed) || p.seed < 0) {
    throw new OptionError(`seed must be a non-negative integer, got ${p.seed}`);
  }
  if (!Number.isInteger(p.maxWidth) || p.maxWidth < Math.max(1, p.n)) {
    throw new OptionError(`maxWidth must be an integer >= max(1, n), got ${p.maxWidth}`);
  }
  return p;
}
