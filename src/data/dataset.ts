import { DataError } from "../errors.js";
import type { Preprocessing } from "./preprocessing.js";

/** A labelled data set held in memory: N points in R^d with integer class labels. */
export interface Dataset {
  /** Human-readable name, e.g. "mnist" or "moons(N=1000, noise=0.05)". */
  readonly name: string;
  /** Row-major features, shape (size, dim): point i is features[i*dim .. (i+1)*dim). */
  readonly features: Float32Array;
  /** Number of points N. */
  readonly size: number;
  /** Input dimension d. */
  readonly dim: number;
  /** Class index of each point, in 0 .. classNames.length-1. */
  readonly labels: Int32Array;
  /** Display name of each class; classNames[k] names label k. */
  readonly classNames: readonly string[];
  /**
   * The transform applied to the raw features so far (see preprocessing.ts); absent for raw
   * data. Fitting records it on the model, which then applies it to raw data in predict/score.
   */
  readonly preprocessing?: Preprocessing;
}

export { DataError };

/** Builds a Dataset after checking that the array lengths agree; throws DataError otherwise. */
export function makeDataset(
  name: string,
  features: Float32Array,
  dim: number,
  labels: Int32Array,
  classNames: readonly string[],
): Dataset {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new DataError(`${name}: dimension must be a positive integer, got ${dim}`);
  }
  if (features.length % dim !== 0) {
    throw new DataError(
      `${name}: ${features.length} feature values are not a whole number of rows of dimension ${dim}`,
    );
  }
  const size = features.length / dim;
  if (labels.length !== size) {
    throw new DataError(`${name}: ${size} feature rows but ${labels.length} labels`);
  }
  for (let i = 0; i < size; i++) {
    const label = labels[i];
    if (label < 0 || label >= classNames.length) {
      throw new DataError(
        `${name}: row ${i} has label index ${label}, outside 0..${classNames.length - 1}`,
      );
    }
  }
  return { name, features, size, dim, labels, classNames };
}
