// Aggregating results rows: means with 95% confidence intervals, per parameter combination.

import { roundNoise } from "../util/round.js";
import type { FigureAxis, FigureValue } from "./config.js";
import { ExperimentError } from "./errors.js";
import type { ResultRow } from "./results.js";

/** Mean and 95% confidence interval of the runs at one parameter combination. */
export interface CellStats {
  readonly count: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** Fraction of runs that interpolate. */
  readonly interpolation: number;
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/** The 97.5% quantile of Student's t with `df` degrees of freedom (a series beyond 30). */
export function tQuantile975(df: number): number {
  if (df <= 30) return T975[Math.max(1, df) - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/**
 * 95% interval of a proportion k/m: the Wilson score interval (sensible at 0 and 1, unlike the
 * normal approximation).
 */
export function wilsonInterval(k: number, m: number): [number, number] {
  if (m === 0) return [0, 1];
  const z = 1.959964;
  const p = k / m;
  const denom = 1 + (z * z) / m;
  const centre = (p + (z * z) / (2 * m)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / m + (z * z) / (4 * m * m))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Mean with the t-interval mean ± t·s/√m (a single run: the interval is the point). */
export function meanInterval(values: readonly number[]): {
  mean: number;
  low: number;
  high: number;
} {
  const m = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / m;
  if (m < 2) return { mean, low: mean, high: mean };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (m - 1);
  const half = tQuantile975(m - 1) * Math.sqrt(variance / m);
  return { mean, low: mean - half, high: mean + half };
}

/** Running statistics of one cell: runs, interpolating runs, and the widths' mean and spread. */
export interface Accumulator {
  count: number;
  interpolating: number;
  /** Mean and sum of squared deviations of the second-layer widths (Welford). */
  mean: number;
  m2: number;
}

/** A new, empty accumulator. */
export function emptyAccumulator(): Accumulator {
  return { count: 0, interpolating: 0, mean: 0, m2: 0 };
}

/** Adds one run (its second-layer width and whether it interpolates) to `acc`. */
export function accumulate(acc: Accumulator, width: number, interpolated: boolean): void {
  acc.count++;
  if (interpolated) acc.interpolating++;
  const delta = width - acc.mean;
  acc.mean += delta / acc.count;
  acc.m2 += delta * (width - acc.mean);
}

/** Adds the runs of `b` to `acc` (Chan et al.'s pairwise update of mean and m2). */
export function mergeAccumulator(acc: Accumulator, b: Accumulator): void {
  if (b.count === 0) return;
  const count = acc.count + b.count;
  const delta = b.mean - acc.mean;
  acc.m2 += b.m2 + (delta * delta * acc.count * b.count) / count;
  acc.mean += (delta * b.count) / count;
  acc.count = count;
  acc.interpolating += b.interpolating;
}

/** Statistics of `value` from an accumulator (as cellStats on the same runs). */
export function accumulatorStats(acc: Accumulator, value: FigureValue): CellStats {
  const m = acc.count;
  const interpolation = acc.interpolating / m;
  if (value === "interpolation") {
    const [low, high] = wilsonInterval(acc.interpolating, m);
    return { count: m, mean: interpolation, low, high, interpolation };
  }
  if (m < 2) return { count: m, mean: acc.mean, low: acc.mean, high: acc.mean, interpolation };
  const half = tQuantile975(m - 1) * Math.sqrt(acc.m2 / (m - 1) / m);
  return { count: m, mean: acc.mean, low: acc.mean - half, high: acc.mean + half, interpolation };
}

/** The value of a swept quantity in a row; ExperimentError when N is unknown. */
export function axisValue(row: ResultRow, axis: FigureAxis): number {
  if (axis === "n") return row.n;
  if (axis === "lambda") return row.lambda;
  if (row.samples === undefined) throw unknownSamples(row.dataset);
  return row.samples;
}

/** The error of a size axis over rows whose N is not known. */
export function unknownSamples(dataset: string): ExperimentError {
  return new ExperimentError(
    `results row of data set "${dataset}" has no n_samples column and N cannot be derived from the data set's name`,
  );
}

/** Groups rows by the values of two axes; each group's statistics of `value`. */
export function aggregate(
  rows: readonly ResultRow[],
  value: FigureValue,
  a: FigureAxis,
  b: FigureAxis,
): Map<string, { a: number; b: number; stats: CellStats }> {
  const groups = new Map<string, { a: number; b: number; acc: Accumulator }>();
  for (const r of rows) {
    const va = round(axisValue(r, a));
    const vb = round(axisValue(r, b));
    const key = `${va}|${vb}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { a: va, b: vb, acc: emptyAccumulator() }));
    accumulate(g.acc, r.secondDimOut, r.interpolated);
  }
  const out = new Map<string, { a: number; b: number; stats: CellStats }>();
  for (const [key, g] of groups)
    out.set(key, { a: g.a, b: g.b, stats: accumulatorStats(g.acc, value) });
  return out;
}

/** Statistics of `value` over rows of one parameter combination. */
export function cellStats(rows: readonly ResultRow[], value: FigureValue): CellStats {
  const acc = emptyAccumulator();
  for (const r of rows) accumulate(acc, r.secondDimOut, r.interpolated);
  return accumulatorStats(acc, value);
}

/** Rounds away float noise so that 0.30000000000000004 and 0.3 group together. */
export function round(v: number): number {
  return roundNoise(v, 10);
}

/** Sorted distinct values of an axis in the rows. */
export function axisValues(rows: readonly ResultRow[], axis: FigureAxis): number[] {
  const values = new Set<number>();
  for (const r of rows) values.add(round(axisValue(r, axis)));
  return [...values].sort((x, y) => x - y);
}
