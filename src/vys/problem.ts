// What to memorize, validated once at the door: points in R^d (float32 or float64, each an exact
// dyadic rational) with integer labels 1..C (Thm 3.1) or real targets memorized to within ε/2
// (Remark 3.3). Problems with the data raise DataError naming the row.

import { checkFeatures } from "../validation.js";
import { DataError, type Dataset } from "../data/dataset.js";
import { type Dyadic, ZERO, compare, fromNumber, mulPow2, sub } from "./dyadic.js";
import { findDuplicateRows } from "./geometry.js";

/** Input of `memorize` and `verifyNetwork`. Give labels + classes, or targets + epsilon. */
export interface MemorizationProblem {
  /** Row-major points, N rows of `dim` coordinates. */
  readonly points: Float32Array | Float64Array;
  /** Dimension d >= 1. */
  readonly dim: number;
  /** Classification: label y_i ∈ {1, ..., classes} of each point (integers). */
  readonly labels?: ArrayLike<number>;
  /** Number of classes C. */
  readonly classes?: number;
  /** Regression (Remark 3.3): real target of each point. */
  readonly targets?: ArrayLike<number>;
  /** Regression: interval length ε > 0; the network's output is within ε/2 of every target. */
  readonly epsilon?: number;
  /** Name for messages. */
  readonly name?: string;
}

/** A validated problem with the integer labels the construction encodes. */
export interface PreparedProblem {
  readonly name: string;
  readonly points: Float32Array | Float64Array;
  readonly dim: number;
  readonly size: number;
  /** Encoded label of each point, 1..classes. */
  readonly labels: Int32Array;
  /** C: the number of classes (regression: of ε-intervals). */
  readonly classes: number;
  /** Regression only: the targets and the output map k ↦ offset + ε·k. */
  readonly regression?: {
    readonly epsilon: Dyadic;
    readonly offset: Dyadic;
    readonly targets: readonly Dyadic[];
  };
}

/**
 * Checks a problem and computes the encoded labels. DataError (naming the row) for NaN/Infinity,
 * labels that are not integers in 1..C, a missing or extra field, bad ε, or duplicate points
 * (δ = 0, which the construction cannot separate).
 */
export function prepareProblem(p: MemorizationProblem): PreparedProblem {
  const name = p.name ?? "data";
  if (!Number.isInteger(p.dim) || p.dim < 1) {
    throw new DataError(`${name}: dimension must be a positive integer, got ${p.dim}`);
  }
  if (p.points.length === 0 || p.points.length % p.dim !== 0) {
    throw new DataError(
      `${name}: ${p.points.length} coordinates are not a positive whole number of rows of dimension ${p.dim}`,
    );
  }
  const size = p.points.length / p.dim;
  checkFeatures(p.points, p.dim, name, "coordinate");
  const regression = p.epsilon !== undefined || p.targets !== undefined;
  let prepared: PreparedProblem;
  if (regression) {
    if (p.labels !== undefined || p.classes !== undefined) {
      throw new DataError(`${name}: give either labels and classes, or targets and epsilon`);
    }
    prepared = prepareRegression(p, name, size);
  } else {
    prepared = prepareClassification(p, name, size);
  }
  const duplicates = findDuplicateRows({ points: p.points, dim: p.dim, count: size }, 4);
  if (duplicates.length > 0) {
    const list = duplicates.map(([a, b]) => `${a} and ${b}`).join(", ");
    throw new DataError(
      `${name}: duplicate points (separation δ = 0): rows ${list} (0-based) are identical; ` +
        `the construction needs distinct points — remove the duplicates`,
    );
  }
  return prepared;
}

function prepareClassification(
  p: MemorizationProblem,
  name: string,
  size: number,
): PreparedProblem {
  const { labels, classes } = p;
  if (labels === undefined || classes === undefined) {
    throw new DataError(`${name}: labels and classes are required (or targets and epsilon)`);
  }
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new DataError(
      `${name}: the number of classes C must be a positive integer, got ${classes}`,
    );
  }
  if (labels.length !== size) {
    throw new DataError(`${name}: ${size} points but ${labels.length} labels`);
  }
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const y = labels[i];
    if (!Number.isInteger(y)) {
      throw new DataError(
        `${name}: row ${i} (0-based) has label ${y}, not an integer; ` +
          `real-valued labels need an epsilon (Remark 3.3)`,
      );
    }
    if (y < 1 || y > classes) {
      throw new DataError(`${name}: row ${i} (0-based) has label ${y}, outside 1..${classes}`);
    }
    out[i] = y;
  }
  return { name, points: p.points, dim: p.dim, size, labels: out, classes };
}

function prepareRegression(p: MemorizationProblem, name: string, size: number): PreparedProblem {
  const { targets, epsilon } = p;
  if (targets === undefined || epsilon === undefined) {
    throw new DataError(`${name}: regression needs both targets and epsilon`);
  }
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new DataError(`${name}: epsilon must be a finite number > 0, got ${epsilon}`);
  }
  if (targets.length !== size) {
    throw new DataError(`${name}: ${size} points but ${targets.length} targets`);
  }
  const t: Dyadic[] = [];
  for (let i = 0; i < size; i++) {
    const v = targets[i];
    if (!Number.isFinite(v)) {
      throw new DataError(`${name}: row ${i} (0-based) has target ${v}, expected a finite number`);
    }
    t.push(fromNumber(v));
  }
  const eps = fromNumber(epsilon);
  let low = t[0];
  for (const v of t) if (compare(v, low) < 0) low = v;
  // Class k covers [low + (k−1)ε, low + kε); the network outputs its centre low + (k − ½)ε.
  const labels = new Int32Array(size);
  let classes = 1;
  for (let i = 0; i < size; i++) {
    const k = floorDiv(sub(t[i], low), eps) + 1n;
    // Labels are int32 (an interval index beyond it would wrap around silently).
    if (k > 2n ** 31n - 1n) {
      throw new DataError(
        `${name}: targets span more than 2^31 − 1 intervals of length epsilon = ${epsilon}; use a larger epsilon`,
      );
    }
    labels[i] = Number(k);
    if (labels[i] > classes) classes = labels[i];
  }
  const offset = sub(low, mulPow2(eps, -1));
  return {
    name,
    points: p.points,
    dim: p.dim,
    size,
    labels,
    classes,
    regression: { epsilon: eps, offset, targets: t },
  };
}

/** ⌊a / b⌋ for dyadics a >= 0, b > 0. */
function floorDiv(a: Dyadic, b: Dyadic): bigint {
  if (a.m === ZERO.m) return 0n;
  const s = a.e - b.e;
  return s >= 0 ? (a.m << BigInt(s)) / b.m : a.m / (b.m << BigInt(-s));
}

/**
 * The problem of a Dataset. Classification (no epsilon): class index k becomes label k + 1, C =
 * the number of class names. Regression (epsilon given): each point's target is its class name
 * read as a number (e.g. the label column of a CSV file); DataError naming the row otherwise.
 */
export function problemFromDataset(
  ds: Dataset,
  options: { epsilon?: number } = {},
): MemorizationProblem {
  if (options.epsilon === undefined) {
    return {
      name: ds.name,
      points: ds.features,
      dim: ds.dim,
      labels: Int32Array.from(ds.labels, (k) => k + 1),
      classes: ds.classNames.length,
    };
  }
  const values = ds.classNames.map((s) => (s.trim() === "" ? NaN : Number(s)));
  const targets = new Float64Array(ds.size);
  for (let i = 0; i < ds.size; i++) {
    const v = values[ds.labels[i]];
    if (!Number.isFinite(v)) {
      throw new DataError(
        `${ds.name}: row ${i} (0-based) has label "${ds.classNames[ds.labels[i]]}", not a number; ` +
          `with epsilon the labels are real-valued targets`,
      );
    }
    targets[i] = v;
  }
  return { name: ds.name, points: ds.features, dim: ds.dim, targets, epsilon: options.epsilon };
}
