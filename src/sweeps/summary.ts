// Findings in words, computed from the results: what each figure is meant to show. Probability
// findings are read off the same smoothed surface the heatmap's contour is traced on, and are
// left out where the grid has too few runs per cell for a probability to mean anything.

import type { FigureAxis } from "./config.js";
import { asTable, type Panel, type ResultsSource, type ResultsTable } from "./resultsTable.js";
import { probabilitySurface, CONTOUR_LEVEL, DEFAULT_CONTOUR_SIGMA } from "../plots/heatmap.js";
import { formatShort } from "../util/round.js";

/** Fewest runs per cell for which interpolation probabilities are reported. */
export const MIN_RUNS_FOR_PROBABILITY = 5;

/** How the findings are computed. */
export interface SummaryOptions {
  /** σ (cells) of the smoothing of the n × λ probability surface (default 1, as the figure). */
  readonly sigma?: number;
  /** Fewest runs per cell for probability findings (default MIN_RUNS_FOR_PROBABILITY). */
  readonly minRuns?: number;
}

const fmt = (v: number, digits = 3): string => formatShort(v, digits);

function smoothingWords(sigma: number): string {
  return sigma === 0
    ? "unsmoothed"
    : `smoothed with σ = ${fmt(sigma)} cell${sigma === 1 ? "" : "s"}`;
}

/** Findings of the n × λ grid of one panel, from the surface its heatmap draws. */
function gridFindings(
  table: ResultsTable,
  panel: string | undefined,
  sigma: number,
  minRuns: number,
): string[] {
  const lines: string[] = [];
  const x: FigureAxis = "lambda";
  const y: FigureAxis = "n";
  const runs = table.runsPerCell(x, y, panel);
  if (runs.min < minRuns) {
    return [
      `Interpolation-probability findings omitted: ${runs.min === runs.max ? runs.min : `${runs.min}–${runs.max}`} ` +
        `run${runs.max === 1 ? "" : "s"} per cell (at least ${minRuns} are needed).`,
    ];
  }
  const surface = probabilitySurface(table, x, y, sigma, panel);
  const { xs, ys, raw, smoothed } = surface;
  const at = (i: number, j: number, v: Float64Array) => v[j * xs.length + i];
  const zero = xs.indexOf(0);
  if (zero >= 0) {
    let best = -Infinity;
    for (let j = 0; j < ys.length; j++) {
      const v = at(zero, j, raw);
      if (!Number.isNaN(v)) best = Math.max(best, v);
    }
    lines.push(
      `λ = 0: the highest interpolation probability over all n (up to ${fmt(ys[ys.length - 1])}) is ${fmt(best)}.`,
    );
  }
  const thresholds: { l: number; n: number }[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      if (at(i, j, smoothed) >= CONTOUR_LEVEL) {
        thresholds.push({ l: xs[i], n: ys[j] });
        break;
      }
    }
  }
  const words = smoothingWords(sigma);
  if (thresholds.length > 0) {
    const pick = thresholds.filter((_, i) => i % Math.ceil(thresholds.length / 8) === 0);
    lines.push(
      `99% contour (interpolation probability ${words}, as drawn): smallest n where it is ≥ 99%: ` +
        pick.map((t) => `λ = ${fmt(t.l)}: n = ${fmt(t.n)}`).join("; ") +
        ".",
    );
  } else {
    let top = -Infinity;
    for (const v of smoothed) if (!Number.isNaN(v)) top = Math.max(top, v);
    lines.push(
      `The interpolation probability ${words} reaches 99% nowhere in this grid (its largest value is ${fmt(top)}).`,
    );
  }
  const widths = table.aggregate("width", x, y, panel);
  const high: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      if (!(at(i, j, smoothed) >= CONTOUR_LEVEL)) continue;
      const cell = widths.get(`${xs[i]}|${ys[j]}`);
      if (cell !== undefined) high.push(cell.stats.mean);
    }
  }
  if (high.length > 0) {
    high.sort((a, b) => a - b);
    const n = table.maxSamples;
    lines.push(
      `Width plateau: inside the 99% contour (${high.length} cells) the mean second-layer ` +
        `width is ${fmt(high[0])}–${fmt(high[high.length - 1])} (median ${fmt(high[Math.floor(high.length / 2)])})` +
        (n > 0 ? ` for N = ${fmt(n)} points.` : "."),
    );
  }
  return lines;
}

/** Width against N, per first-layer width n, of one panel. */
function sizeFindings(table: ResultsTable, panel: string | undefined): string[] {
  const lines: string[] = [];
  const cells = [...table.aggregate("width", "size", "n", panel).values()];
  for (const n of table.axisValues("n", panel)) {
    const curve = cells.filter((c) => c.b === n).sort((a, b) => a.a - b.a);
    if (curve.length < 2) continue;
    const text = curve.map((c) => `${fmt(c.a)}: ${fmt(c.stats.mean)}`).join(", ");
    const first = curve[0];
    const mid = curve[Math.floor((curve.length - 1) / 2)];
    const last = curve[curve.length - 1];
    const early = (mid.stats.mean - first.stats.mean) / Math.max(1e-9, mid.a - first.a);
    const late = (last.stats.mean - mid.stats.mean) / Math.max(1e-9, last.a - mid.a);
    lines.push(
      `n = ${fmt(n)}: mean second-layer width by N: ${text}. Growth per 1000 points: ` +
        `${fmt(1000 * early)} in the first half of the N range, ${fmt(1000 * late)} in the second.`,
    );
  }
  return lines;
}

/**
 * Plain-text findings: interpolation at λ = 0, the 99% contour and the width plateau on the
 * smoothed surface, width against N, one neuron per point for the lines; per data set.
 */
export function summarize(source: ResultsSource, options: SummaryOptions = {}): string[] {
  const table = asTable(source);
  if (table.rows === 0) return ["no results"];
  const sigma = options.sigma ?? DEFAULT_CONTOUR_SIGMA;
  const minRuns = options.minRuns ?? MIN_RUNS_FOR_PROBABILITY;
  const lines: string[] = [
    `${table.rows.toLocaleString("en-US")} trials; ${fmt((100 * table.interpolating) / table.rows, 3)}% interpolate.`,
  ];
  const panels = table.panels();
  const many = panels.length > 1;
  for (const p of many ? panels : [undefined as Panel | undefined]) {
    const key = p?.key;
    const prefix = p && many ? `${p.label}: ` : "";
    const found: string[] = [];
    const varies = (axis: FigureAxis) => table.axisValues(axis, key).length > 1;
    if (varies("lambda") && varies("n")) found.push(...gridFindings(table, key, sigma, minRuns));
    if (table.sizesKnown(key) && varies("size")) found.push(...sizeFindings(table, key));
    for (const f of found) lines.push(prefix + f);
  }
  if (table.allLines) {
    lines.push(
      `Second-layer width = N⁻ = N/2 (one neuron per point of X⁻) in ${table.onePerPoint} of ${table.rows} runs ` +
        `(widths ${table.widthMin}–${table.widthMax}, mean ${fmt(table.widthSum / table.rows)}).`,
    );
  }
  return lines;
}
