// Heatmap of interpolation probability or second-layer width over two swept quantities, with
// the 99% interpolation-probability contour line (Figs. 5, 8, 10, 12 of the paper).

import type { TopLevelSpec } from "vega-lite";
import type { FigureAxis, FigureValue } from "../sweeps/config.js";
import {
  asTable,
  type Panel,
  type ResultsSource,
  type ResultsTable,
} from "../sweeps/resultsTable.js";
import { contourLines, gaussianSmooth, indexToValue } from "./contour.js";
import { axisTitle, valueTitle } from "./labels.js";
import type { Figure, FigureLook } from "./render.js";

/** What a heatmap shows, and how. */
export interface HeatmapOptions extends FigureLook {
  readonly name: string;
  readonly value: FigureValue;
  readonly x: FigureAxis;
  readonly y: FigureAxis;
  /** Figure title, e.g. "Two Moons". */
  readonly title: string;
  /** σ (in cells) of the Gaussian smoothing before the contours are traced; default 1, 0: none. */
  readonly sigma?: number;
  /** Iso-probability lines drawn besides the 99% contour, e.g. [0.5, 0.9]. */
  readonly levels?: readonly number[];
}

/** Interpolation level of the contour line. */
export const CONTOUR_LEVEL = 0.99;

/**
 * Smoothing of the probabilities before the contour is traced: a Gaussian of σ = 1 cell, as the
 * paper's plotting code (scipy.ndimage.gaussian_filter(pivot, 1.0), reflecting at the edges).
 */
export const DEFAULT_CONTOUR_SIGMA = 1;
const CONTOUR_COLOR = "#8a2be2";
const DEFAULT_SIZE = { width: 420, height: 320 };

/**
 * The interpolation probability over an x × y grid, raw and Gaussian-smoothed: the surface the
 * heatmap's contours are traced on, and the findings read. NaN: no runs in the cell.
 */
export interface ProbabilitySurface {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly sigma: number;
  /** values[j * xs.length + i] at x = xs[i], y = ys[j]. */
  readonly raw: Float64Array;
  readonly smoothed: Float64Array;
  /** Fewest runs of a cell with runs. */
  readonly minRuns: number;
}

/** The (smoothed) interpolation-probability surface of `panel` (or of all rows) over x × y. */
export function probabilitySurface(
  source: ResultsSource,
  x: FigureAxis,
  y: FigureAxis,
  sigma = DEFAULT_CONTOUR_SIGMA,
  panel?: string,
): ProbabilitySurface {
  const table = asTable(source);
  const xs = table.axisValues(x, panel);
  const ys = table.axisValues(y, panel);
  const xi = new Map(xs.map((v, i) => [v, i]));
  const yi = new Map(ys.map((v, j) => [v, j]));
  const raw = new Float64Array(xs.length * ys.length).fill(NaN);
  let minRuns = Infinity;
  for (const c of table.aggregate("interpolation", x, y, panel).values()) {
    raw[(yi.get(c.b) as number) * xs.length + (xi.get(c.a) as number)] = c.stats.interpolation;
    minRuns = Math.min(minRuns, c.stats.count);
  }
  const smooth = gaussianSmooth({ width: xs.length, height: ys.length, values: raw }, sigma);
  // Keep NaN holes as holes after smoothing.
  const smoothed = raw.map((v, i) => (Number.isNaN(v) ? NaN : smooth.values[i]));
  return { xs, ys, sigma, raw, smoothed, minRuns: minRuns === Infinity ? 0 : minRuns };
}

/** A contour of a surface at `level`, as points of numbered lines (in values and cell indices). */
export function surfaceContour(
  surface: ProbabilitySurface,
  level: number,
): { x: number; y: number; xi: number; yi: number; line: number; order: number }[] {
  const { xs, ys } = surface;
  const lines = contourLines(
    { width: xs.length, height: ys.length, values: surface.smoothed },
    level,
  );
  return lines.flatMap((line, l) =>
    line.map(([i, j], k) => ({
      x: indexToValue(xs, i),
      y: indexToValue(ys, j),
      xi: i,
      yi: j,
      line: l,
      order: k,
    })),
  );
}

/** The 99% contour (or `level`) of the (smoothed) interpolation probability, as points of numbered lines. */
export function interpolationContour(
  source: ResultsSource,
  x: FigureAxis,
  y: FigureAxis,
  sigma = DEFAULT_CONTOUR_SIGMA,
  level = CONTOUR_LEVEL,
  panel?: string,
): { x: number; y: number; xi: number; yi: number; line: number; order: number }[] {
  return surfaceContour(probabilitySurface(source, x, y, sigma, panel), level);
}

/** Tick label of a value on a heatmap axis: 1000000 → "1M", 300000 → "300k". */
function tickLabel(axis: FigureAxis, v: number): string {
  if (axis !== "size") return String(v);
  if (v >= 1e6 && v % 1e5 === 0) return `${v / 1e6}M`;
  if (v >= 1e4 && v % 100 === 0) return `${v / 1e3}k`;
  return v.toLocaleString("en-US");
}

/** Indices of at most ~12 cells whose values are multiples of a round step (all when few). */
export function tickIndices(values: readonly number[]): number[] {
  const all = values.map((_, i) => i);
  if (values.length <= 12) return all;
  const span =
    values.reduce((m, v) => Math.max(m, v), -Infinity) -
    values.reduce((m, v) => Math.min(m, v), Infinity);
  for (let exp = Math.floor(Math.log10(span / 12)) - 1; exp <= Math.ceil(Math.log10(span)); exp++) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * 10 ** exp;
      const picked = all.filter(
        (i) => Math.abs(values[i] / step - Math.round(values[i] / step)) < 1e-6,
      );
      if (picked.length >= 2 && picked.length <= 12) return picked;
    }
  }
  const every = Math.ceil(values.length / 12);
  return all.filter((i) => i % every === 0);
}

/**
 * A heatmap axis in cell-index space (one equal cell per value, as the paper's seaborn
 * heatmaps), labelled with the values; at most about 12 labels.
 */
function indexAxis(axis: FigureAxis, values: readonly number[], field: string) {
  const ticks = tickIndices(values);
  const labels = JSON.stringify(values.map((v) => tickLabel(axis, v)));
  return {
    field,
    type: "quantitative" as const,
    title: axisTitle(axis),
    scale: { domain: [-0.5, values.length - 0.5], nice: false, zero: false },
    axis: { values: ticks, labelExpr: `${labels}[datum.value]`, grid: false },
  };
}

function smoothingText(sigma: number): string {
  return sigma === 0
    ? "not smoothed"
    : `Gaussian-smoothed, σ = ${Number(sigma.toFixed(2))} cell${sigma === 1 ? "" : "s"}`;
}

function percent(level: number): string {
  return `${Number((100 * level).toPrecision(4))}%`;
}

/** The colour scale: probabilities on [0, 1], widths from 0; vmin/vmax fix it (clamped). */
function colorScale(o: HeatmapOptions) {
  if (o.value === "interpolation") {
    return { scheme: "viridis", domain: [o.vmin ?? 0, o.vmax ?? 1], clamp: true };
  }
  if (o.vmin === undefined && o.vmax === undefined) return { scheme: "plasma", zero: true };
  return { scheme: "plasma", domainMin: o.vmin ?? 0, ...defined("domainMax", o.vmax), clamp: true };
}

function defined<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}

/** One panel of a heatmap: its cells, its 99% contour and the extra iso-probability lines. */
function heatmapPanel(table: ResultsTable, o: HeatmapOptions, panel: Panel | undefined) {
  const key = panel?.key;
  const xs = table.axisValues(o.x, key);
  const ys = table.axisValues(o.y, key);
  const xi = new Map(xs.map((v, i) => [v, i]));
  const yi = new Map(ys.map((v, j) => [v, j]));
  // Cells overlap by a hair so that no seams show between them.
  const cells = [...table.aggregate(o.value, o.x, o.y, key).values()].map((c) => {
    const i = xi.get(c.a) as number;
    const j = yi.get(c.b) as number;
    return {
      x0: i - 0.502,
      x1: i + 0.502,
      y0: j - 0.502,
      y1: j + 0.502,
      xv: c.a,
      yv: c.b,
      mean: c.stats.mean,
      interpolation: c.stats.interpolation,
      runs: c.stats.count,
      ...(panel ? { panel: panel.label } : {}),
    };
  });
  const runs = cells.reduce((m, c) => Math.max(m, c.runs), 0);
  const sigma = o.sigma ?? DEFAULT_CONTOUR_SIGMA;
  const surface = probabilitySurface(table, o.x, o.y, sigma, key);
  const contour = surfaceContour(surface, CONTOUR_LEVEL);
  const levels = (o.levels ?? []).filter((l) => l !== CONTOUR_LEVEL);
  const isoLines = levels.flatMap((level) =>
    surfaceContour(surface, level).map((p) => ({
      ...p,
      level: percent(level),
      line: `${level}:${p.line}`,
    })),
  );
  const contourLayer = (
    values: readonly object[],
    stroke: string,
    width: number,
    dash?: number[],
  ) => ({
    data: { values },
    mark: {
      type: "line" as const,
      stroke,
      strokeWidth: width,
      ...(dash ? { strokeDash: dash } : {}),
      clip: true,
    },
    encoding: {
      x: { field: "xi", type: "quantitative" as const },
      y: { field: "yi", type: "quantitative" as const },
      detail: { field: "line", type: "nominal" as const },
      order: { field: "order", type: "quantitative" as const },
    },
  });
  const isoLayer = {
    ...contourLayer(isoLines, "white", 1.1),
    mark: { type: "line" as const, stroke: "white", strokeWidth: 1.1, opacity: 0.85, clip: true },
  };
  const layer = [
    {
      data: { values: cells },
      mark: { type: "rect" as const },
      encoding: {
        x: indexAxis(o.x, xs, "x0"),
        x2: { field: "x1" },
        y: indexAxis(o.y, ys, "y0"),
        y2: { field: "y1" },
        color: {
          field: "mean",
          type: "quantitative" as const,
          title:
            o.value === "interpolation"
              ? ["interpolation", "probability"]
              : ["second-layer", "width n̂"],
          scale: colorScale(o),
          legend: { gradientLength: Math.min(240, o.height ?? DEFAULT_SIZE.height) },
        },
        tooltip: [
          ...(panel ? [{ field: "panel", title: "data" }] : []),
          { field: "xv", title: axisTitle(o.x) },
          { field: "yv", title: axisTitle(o.y) },
          { field: "mean", title: valueTitle(o.value), format: ".3~f" },
          { field: "interpolation", title: "interpolation probability", format: ".3~f" },
          { field: "runs", title: "runs" },
        ],
      },
    },
    ...(isoLines.length > 0 ? [isoLayer] : []),
    ...(contour.length > 0
      ? [contourLayer(contour, "white", 4), contourLayer(contour, CONTOUR_COLOR, 2.2, [7, 4])]
      : []),
  ];
  return {
    layer,
    runs,
    hasContour: contour.length > 0,
    levels: levels.filter((l) => isoLines.some((p) => p.level === percent(l))),
  };
}

/** Builds the heatmap figure from results (one panel per data-set family). */
export function heatmapFigure(source: ResultsSource, o: HeatmapOptions): Figure {
  const table = asTable(source);
  const all = table.panels();
  const panels = all.length > 1 ? all : [undefined];
  const parts = panels.map((p) => ({ panel: p, ...heatmapPanel(table, o, p) }));
  const runs = parts.reduce((m, p) => Math.max(m, p.runs), 0);
  const sigma = o.sigma ?? DEFAULT_CONTOUR_SIGMA;
  const isProbability = o.value === "interpolation";
  const anyContour = parts.some((p) => p.hasContour);
  const drawnLevels = [...new Set(parts.flatMap((p) => p.levels))].sort((a, b) => a - b);
  const size = { width: o.width ?? DEFAULT_SIZE.width, height: o.height ?? DEFAULT_SIZE.height };
  const title = {
    text: `${o.title}: ${valueTitle(o.value)}`,
    subtitle: [
      `${isProbability ? "fraction of runs that interpolate" : "mean second-layer width n̂"} ` +
        `(${runs} run${runs === 1 ? "" : "s"} per cell)`,
      anyContour
        ? `dashed purple line: 99% interpolation-probability contour (${smoothingText(sigma)})`
        : "no 99% interpolation-probability contour in this range",
      ...(drawnLevels.length > 0
        ? [`thin white lines: ${drawnLevels.map(percent).join(", ")} iso-probability contours`]
        : []),
      ...(!isProbability && (o.vmin !== undefined || o.vmax !== undefined)
        ? [
            `colour scale fixed to ${o.vmin ?? 0}–${o.vmax ?? "max"}` +
              (o.vmax !== undefined ? `; wider cells show as ${o.vmax}` : ""),
          ]
        : []),
    ],
  };
  const spec =
    parts.length === 1
      ? { title, ...size, layer: parts[0].layer }
      : {
          title,
          columns: 2,
          concat: parts.map((p) => ({ title: p.panel?.label ?? "", ...size, layer: p.layer })),
          resolve: { scale: { color: "shared" } },
        };
  return {
    name: o.name,
    caption:
      `Heatmap of the ${valueTitle(o.value)} over ${axisTitle(o.x)} and ${axisTitle(o.y)}` +
      (parts.length > 1
        ? `, one panel per data set (${parts.map((p) => p.panel?.label).join("; ")})`
        : "") +
      `; dashed: the 99% interpolation-probability contour` +
      (drawnLevels.length > 0
        ? `; thin: the ${drawnLevels.map(percent).join(", ")} contours.`
        : "."),
    spec: spec as unknown as TopLevelSpec,
  };
}
