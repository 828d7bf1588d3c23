// Heatmap of interpolation probability or second-layer width over two swept quantities, with
// the 99% interpolation-probability contour line (Figs. 5, 8, 10, 12 of the paper).

import type { TopLevelSpec } from "vega-lite";
import type { FigureAxis, FigureValue } from "../sweeps/config.js";
import type { ResultRow } from "../sweeps/results.js";
import { aggregate, axisValues } from "../sweeps/stats.js";
import { contourLines, gaussianSmooth, indexToValue } from "./contour.js";
import { axisTitle, valueTitle } from "./labels.js";
import type { Figure } from "./render.js";

/** What a heatmap shows. */
export interface HeatmapOptions {
  readonly name: string;
  readonly value: FigureValue;
  readonly x: FigureAxis;
  readonly y: FigureAxis;
  /** Figure title, e.g. "Two Moons". */
  readonly title: string;
  /** σ (in cells) of the Gaussian smoothing before the contour is traced; default 1, 0: none. */
  readonly sigma?: number;
}

/** Interpolation level of the contour line. */
export const CONTOUR_LEVEL = 0.99;

/**
 * Smoothing of the probabilities before the contour is traced: a Gaussian of σ = 1 cell, as the
 * paper's plotting code (scipy.ndimage.gaussian_filter(pivot, 1.0), reflecting at the edges).
 */
export const DEFAULT_CONTOUR_SIGMA = 1;
const CONTOUR_COLOR = "#8a2be2";

/** The 99% contour of the (smoothed) interpolation probability, as points of numbered lines. */
export function interpolationContour(
  rows: readonly ResultRow[],
  x: FigureAxis,
  y: FigureAxis,
  sigma = DEFAULT_CONTOUR_SIGMA,
): { x: number; y: number; xi: number; yi: number; line: number; order: number }[] {
  const xs = axisValues(rows, x);
  const ys = axisValues(rows, y);
  const cells = aggregate(rows, "interpolation", x, y);
  const values = new Float64Array(xs.length * ys.length).fill(NaN);
  for (const c of cells.values()) {
    values[ys.indexOf(c.b) * xs.length + xs.indexOf(c.a)] = c.stats.interpolation;
  }
  const smooth = gaussianSmooth({ width: xs.length, height: ys.length, values }, sigma);
  // Keep NaN holes as holes after smoothing.
  const holes = values.map((v, i) => (Number.isNaN(v) ? NaN : smooth.values[i]));
  const lines = contourLines({ ...smooth, values: holes }, CONTOUR_LEVEL);
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
  const span = Math.max(...values) - Math.min(...values);
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
  return sigma === 0 ? "not smoothed" : `Gaussian-smoothed, σ = ${Number(sigma.toFixed(2))} cells`;
}

/** Builds the heatmap figure from results rows. */
export function heatmapFigure(rows: readonly ResultRow[], o: HeatmapOptions): Figure {
  const xs = axisValues(rows, o.x);
  const ys = axisValues(rows, o.y);
  // Cells overlap by a hair so that no seams show between them.
  const cells = [...aggregate(rows, o.value, o.x, o.y).values()].map((c) => {
    const i = xs.indexOf(c.a);
    const j = ys.indexOf(c.b);
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
    };
  });
  const runs = cells.reduce((m, c) => Math.max(m, c.runs), 0);
  const sigma = o.sigma ?? DEFAULT_CONTOUR_SIGMA;
  const contour = interpolationContour(rows, o.x, o.y, sigma);
  const isProbability = o.value === "interpolation";
  const xEnc = indexAxis(o.x, xs, "x0");
  const yEnc = indexAxis(o.y, ys, "y0");
  const contourLayer = (stroke: string, width: number, dash?: number[]) => ({
    data: { values: contour },
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
  const spec = {
    title: {
      text: `${o.title}: ${valueTitle(o.value)}`,
      subtitle: [
        `${isProbability ? "fraction of runs that interpolate" : "mean second-layer width n̂"} ` +
          `(${runs} run${runs === 1 ? "" : "s"} per cell)`,
        contour.length > 0
          ? `dashed purple line: 99% interpolation-probability contour (${smoothingText(sigma)})`
          : "no 99% interpolation-probability contour in this range",
      ],
    },
    width: 420,
    height: 320,
    layer: [
      {
        data: { values: cells },
        mark: { type: "rect" as const },
        encoding: {
          x: xEnc,
          x2: { field: "x1" },
          y: yEnc,
          y2: { field: "y1" },
          color: {
            field: "mean",
            type: "quantitative" as const,
            title: isProbability ? ["interpolation", "probability"] : ["second-layer", "width n̂"],
            scale: isProbability
              ? { scheme: "viridis", domain: [0, 1] }
              : { scheme: "plasma", zero: true },
            legend: { gradientLength: 240 },
          },
          tooltip: [
            { field: "xv", title: axisTitle(o.x) },
            { field: "yv", title: axisTitle(o.y) },
            { field: "mean", title: valueTitle(o.value), format: ".3~f" },
            { field: "interpolation", title: "interpolation probability", format: ".3~f" },
            { field: "runs", title: "runs" },
          ],
        },
      },
      ...(contour.length > 0
        ? [contourLayer("white", 4), contourLayer(CONTOUR_COLOR, 2.2, [7, 4])]
        : []),
    ],
  };
  return {
    name: o.name,
    caption:
      `Heatmap of the ${valueTitle(o.value)} over ${axisTitle(o.x)} and ${axisTitle(o.y)}; ` +
      `dashed: the 99% interpolation-probability contour.`,
    spec: spec as unknown as TopLevelSpec,
  };
}
