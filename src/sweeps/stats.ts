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

/** The value of a swept quantity in a row; ExperimentError when N is unknown. */
export function axisValue(row: ResultRow, axis: FigureAxis): number {
  if (axis === "n") return row.n;
  if (axis === "lambda") return row.lambda;
  if (row.samples === undefined) {
    throw new ExperimentError(
      `results row of data set "${row.dataset}" has no n_samples column and N cannot be derived from the data set's name`,
    );
  }
  return row.samples;
}

/** Groups rows by the values of two axes; each group's statistics of `value`. */
export function aggregate(
  rows: readonly ResultRow[],
  value: FigureValue,
  a: FigureAxis,
  b: FigureAxis,
): Map<string, { a: number; b: number; stats: CellStats }> {
  const groups = new Map<string, { a: number; b: number; rows: ResultRow[] }>();
  for (const r of rows) {
    const va = round(axisValue(r, a));
    const vb = round(axisValue(r, b));
    const key = `${va}|${vb}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { a: va, b: vb, rows: [] }));
    g.rows.push(r);
  }
  const out = new Map<string, { a: number; b: number; stats: CellStats }>();
  for (const [key, g] of groups) out.set(key, { a: g.a, b: g.b, stats: cellStats(g.rows, value) });
  return out;
}

/** Statistics of `value` over rows of one parameter combination. */
export function cellStats(rows: readonly ResultRow[], value: FigureValue): CellStats {
  const k = rows.filter((r) => r.interpolated).length;
  const interpolation = k / rows.length;
  if (value === "interpolation") {
    const [low, high] = wilsonInterval(k, rows.length);
    return { count: rows.length, mean: interpolation, low, high, interpolation };
  }
  return { count: rows.length, ...meanInterval(rows.map((r) => r.secondDimOut)), interpolation };
}

/** Rounds away float noise so that 0.30000000000000004 and 0.3 group together. */
export function round(v: number): number {
  return roundNoise(v, 10);
}

/** Sorted distinct values of an axis in the rows. */
export function axisValues(rows: readonly ResultRow[], axis: FigureAxis): number[] {
  return [...new Set(rows.map((r) => round(axisValue(r, axis))))].sort((x, y) => x - y);
}
