// Slices of a heatmap: one curve per value of a series quantity, with 95% confidence bands and
// markers where the interpolation probability is >= 99% (Figs. 5, 8–13 of the paper; with
// x = N this is the second-layer width versus the number of samples, Fig. 9).

import type { TopLevelSpec } from "vega-lite";
import type { FigureAxis, FigureValue } from "../sweeps/config.js";
import {
  asTable,
  type Panel,
  type ResultsSource,
  type ResultsTable,
} from "../sweeps/resultsTable.js";
import { CONTOUR_LEVEL } from "./heatmap.js";
import {
  axisFormat,
  axisSymbol,
  axisTitle,
  formatValue,
  seriesTitle,
  valueTitle,
} from "./labels.js";
import type { Figure, FigureLook } from "./render.js";

const DEFAULT_SIZE = { width: 420, height: 260 };

/** What a slices figure shows, and how. */
export interface SlicesOptions extends FigureLook {
  readonly name: string;
  readonly value: FigureValue;
  readonly x: FigureAxis;
  readonly series: FigureAxis;
  /** Series values wanted (the nearest present ones are drawn); absent: all (at most 8). */
  readonly at?: readonly number[];
  readonly title: string;
}

/** The present values nearest to the wanted ones (each once), in increasing order. */
export function nearestValues(present: readonly number[], wanted: readonly number[]): number[] {
  const chosen = new Set<number>();
  for (const w of wanted) {
    let best = present[0];
    for (const p of present) if (Math.abs(p - w) < Math.abs(best - w)) best = p;
    if (best !== undefined) chosen.add(best);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The series values a panel draws: `at` (nearest present), else all (at most 8). */
function seriesValues(present: readonly number[], at: readonly number[] | undefined): number[] {
  if (at !== undefined) return nearestValues(present, at);
  if (present.length <= 8) return [...present];
  return nearestValues(
    present,
    [0, 1, 2, 3, 4, 5, 6, 7].map((k) => present[Math.round((k * (present.length - 1)) / 7)]),
  );
}

/** The points of one panel: a mean with its interval per (x, series value). */
function slicePoints(table: ResultsTable, o: SlicesOptions, panel: Panel | undefined) {
  const series = seriesValues(table.axisValues(o.series, panel?.key), o.at);
  const wanted = new Set(series);
  const symbol = axisSymbol(o.series);
  const points = [...table.aggregate(o.value, o.x, o.series, panel?.key).values()]
    .filter((c) => wanted.has(c.b))
    .map((c) => ({
      x: c.a,
      seriesValue: c.b,
      series: `${symbol} = ${formatValue(c.b)}`,
      mean: c.stats.mean,
      low: c.stats.low,
      high: c.stats.high,
      runs: c.stats.count,
      interpolation: c.stats.interpolation,
      marked: c.stats.interpolation >= CONTOUR_LEVEL,
      ...(panel ? { panel: panel.label } : {}),
    }))
    .sort((a, b) => a.seriesValue - b.seriesValue || a.x - b.x);
  return { series, points };
}

/** Builds the slices figure from results (one panel per data-set family). */
export function slicesFigure(source: ResultsSource, o: SlicesOptions): Figure {
  const table = asTable(source);
  const all = table.panels();
  const panels = all.length > 1 ? all : [undefined];
  const parts = panels.map((p) => ({ panel: p, ...slicePoints(table, o, p) }));
  const series = [...new Set(parts.flatMap((p) => p.series))].sort((a, b) => a - b);
  const symbol = axisSymbol(o.series);
  const runs = parts.reduce((m, p) => p.points.reduce((k, q) => Math.max(k, q.runs), m), 0);
  const isProbability = o.value === "interpolation";
  const x = {
    field: "x",
    type: "quantitative" as const,
    title: axisTitle(o.x),
    scale: { zero: false, nice: false },
    axis: { format: axisFormat(o.x) },
  };
  const color = {
    field: "series",
    type: "nominal" as const,
    title: seriesTitle(o.series),
    sort: { field: "seriesValue", order: "ascending" as const },
    scale: { scheme: "category10" },
    legend: { symbolType: "stroke", symbolStrokeWidth: 3, symbolOpacity: 1, symbolSize: 300 },
  };
  const yTitle = isProbability ? "interpolation probability" : "second-layer width n̂";
  const yScale = isProbability
    ? { domain: [o.vmin ?? 0, o.vmax ?? 1] }
    : o.vmin === undefined && o.vmax === undefined
      ? { zero: true }
      : { domainMin: o.vmin ?? 0, ...(o.vmax === undefined ? {} : { domainMax: o.vmax }) };
  const clipped = o.vmin !== undefined || o.vmax !== undefined;
  const tooltip = [
    ...(panels[0] ? [{ field: "panel", title: "data" }] : []),
    { field: "series", title: seriesTitle(o.series) },
    { field: "x", title: axisTitle(o.x) },
    { field: "mean", title: valueTitle(o.value), format: ".4~f" },
    { field: "low", title: "95% CI low", format: ".4~f" },
    { field: "high", title: "95% CI high", format: ".4~f" },
    { field: "interpolation", title: "interpolation probability", format: ".3~f" },
    { field: "runs", title: "runs" },
  ];
  const layers = [
    {
      mark: { type: "area" as const, opacity: 0.18, clip: clipped },
      encoding: {
        x,
        y: { field: "low", type: "quantitative" as const, title: yTitle, scale: yScale },
        y2: { field: "high" },
        color,
        detail: { field: "series" },
      },
    },
    {
      mark: { type: "line" as const, strokeWidth: 2, clip: clipped },
      encoding: { x, y: { field: "mean", type: "quantitative" as const }, color },
    },
    // Every mean as a small point: the target of the tooltips (and the markers of Fig. 9).
    {
      mark: { type: "point" as const, filled: true, size: 14, opacity: 0.55, clip: clipped },
      encoding: { x, y: { field: "mean", type: "quantitative" as const }, color, tooltip },
    },
    ...(isProbability
      ? []
      : [
          {
            transform: [{ filter: "datum.marked" }],
            mark: { type: "point" as const, filled: true, size: 45, opacity: 1, clip: clipped },
            encoding: { x, y: { field: "mean", type: "quantitative" as const }, color, tooltip },
          },
        ]),
  ];
  const size = { width: o.width ?? DEFAULT_SIZE.width, height: o.height ?? DEFAULT_SIZE.height };
  const title = {
    text: `${o.title}: ${valueTitle(o.value)} vs ${axisTitle(o.x).replace(/^width of first layer/, "first-layer width")}`,
    subtitle: [
      `${isProbability ? "fraction of runs that interpolate" : "mean over runs"} ` +
        `(${runs} run${runs === 1 ? "" : "s"} per point), shaded: 95% confidence interval` +
        (isProbability ? " (Wilson)" : " (Student t)"),
      ...(isProbability ? [] : ["● marks points where the interpolation probability is ≥ 99%"]),
    ],
  };
  const spec =
    parts.length === 1
      ? { title, ...size, data: { values: parts[0].points }, layer: layers }
      : {
          title,
          columns: 2,
          concat: parts.map((p) => ({
            title: p.panel?.label ?? "",
            ...size,
            data: { values: p.points },
            layer: layers,
          })),
          resolve: { scale: { color: "shared", y: "shared" } },
        };
  return {
    name: o.name,
    caption:
      `${valueTitle(o.value)} versus ${axisTitle(o.x)} for ${series.map((v) => `${symbol} = ${formatValue(v)}`).join(", ")}, ` +
      (parts.length > 1
        ? `one panel per data set (${parts.map((p) => p.panel?.label).join("; ")}), `
        : "") +
      `with 95% confidence intervals` +
      (isProbability ? "." : "; markers where the interpolation probability is ≥ 99%."),
    spec: spec as unknown as TopLevelSpec,
  };
}
