// Network documents and data: the document of a memorize() result (output, class names and the
// preprocessing the data carry), the problem a stored network promises to solve on a data set
// (labels mapped by class name), and the verification of that promise.

import type { Dataset } from "../data/dataset.js";
import { VerificationError } from "../errors.js";
import { alignLabels } from "../validation.js";
import type { Preprocessing } from "../data/preprocessing.js";
import type { MemorizationResult } from "./memorize.js";
import type { OnProgress } from "../progress.js";
import { type NetworkDocument, storedOutput } from "./networkFile.js";
import { type MemorizationProblem, problemFromDataset } from "./problem.js";
import {
  checkFloat64,
  type Float64Check,
  type VerificationResult,
  type VerifyLimits,
  verifyNetwork,
} from "./verify.js";

export { VerificationError };

/**
 * The network document of `result`, built from `ds`: classification files keep the class names
 * (unless `epsilon`, regression), and the preprocessing `ds` carries is recorded (or `pre`).
 */
export function networkDocument(
  result: MemorizationResult,
  ds: Dataset,
  options: { readonly epsilon?: number; readonly preprocessing?: Preprocessing } = {},
): NetworkDocument {
  const preprocessing = options.preprocessing ?? ds.preprocessing;
  return {
    network: result.network,
    output: storedOutput(result.output, options.epsilon === undefined ? ds.classNames : undefined),
    ...(preprocessing === undefined ? {} : { preprocessing }),
    report: result.report,
  };
}

/** The problem a network file's output promises to solve on a data set (labels by class name). */
export function problemForNetwork(doc: NetworkDocument, ds: Dataset): MemorizationProblem {
  const out = doc.output;
  if (out.kind === "regression") return problemFromDataset(ds, { epsilon: out.epsilon });
  const names = out.classNames;
  if (names === undefined) return problemFromDataset(ds);
  const labels = alignLabels(ds, names, "the network");
  for (let i = 0; i < labels.length; i++) labels[i] += 1;
  return { name: ds.name, points: ds.features, dim: ds.dim, labels, classes: out.classes };
}

/** Exact verification and the float64 check of a network document on a problem. */
export interface DocumentVerification {
  readonly exact: VerificationResult;
  readonly float64: Float64Check;
}

/**
 * Verifies `doc` on `problem` exactly (with progress and resource limits, see VerifyOptions) and
 * in float64; ResourceLimitError beyond the limits.
 */
export function verifyDocument(
  doc: NetworkDocument,
  problem: MemorizationProblem,
  onProgress?: OnProgress,
  limits?: VerifyLimits,
): DocumentVerification {
  const exact = verifyNetwork(doc.network, problem, {
    ...(onProgress ? { onProgress } : {}),
    ...(limits ? { limits } : {}),
  });
  return { exact, float64: checkFloat64(doc.network, problem) };
}
