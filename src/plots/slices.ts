// Slices of a heatmap: one curve per value of a series quantity, with 95% confidence bands and
// markers where the interpolation probability is >= 99% (Figs. 5, 8–13 of the paper; with
// x = N this is the second-layer width versus the number of samples, Fig. 9).

import type { TopLevelSpec } from "vega-lite";
import type { FigureAxis, FigureValue } from "../sweeps/config.js";
import type { ResultRow } from "../sweeps/results.js";
import { aggregate, axisValues } from "../sweeps/stats.js";
import { CONTOUR_LEVEL } from "./heatmap.js";
import {
  axisFormat,
  axisSymbol,
  axisTitle,
  formatValue,
  seriesTitle,
  valueTitle,
} from "./labels.js";
import type { Figure } from "./render.js";

/** What a slices figure shows. */
export interface SlicesOptions {
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

/** Builds the slices figure from results rows. */
export function slicesFigure(rows: readonly ResultRow[], o: SlicesOptions): Figure {
  const present = axisValues(rows, o.series);
  const series =
    o.at !== undefined
      ? nearestValues(present, o.at)
      : present.length <= 8
        ? present
        : nearestValues(
            present,
            [0, 1, 2, 3, 4, 5, 6, 7].map(
              (k) => present[Math.round((k * (present.length - 1)) / 7)],
            ),
          );
  const symbol = axisSymbol(o.series);
  const points = [...aggregate(rows, o.value, o.x, o.series).values()]
    .filter((c) => series.includes(c.b))
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
    }))
    .sort((a, b) => a.seriesValue - b.seriesValue || a.x - b.x);
  const runs = points.reduce((m, p) => Math.max(m, p.runs), 0);
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
  const spec = {
    title: {
      text: `${o.title}: ${valueTitle(o.value)} vs ${axisTitle(o.x).replace(/^width of first layer/, "first-layer width")}`,
      subtitle: [
        `${isProbability ? "fraction of runs that interpolate" : "mean over runs"} ` +
          `(${runs} run${runs === 1 ? "" : "s"} per point), shaded: 95% confidence interval` +
          (isProbability ? " (Wilson)" : " (Student t)"),
        ...(isProbability ? [] : ["● marks points where the interpolation probability is ≥ 99%"]),
      ],
    },
    width: 420,
    height: 260,
    data: { values: points },
    layer: [
      {
        mark: { type: "area" as const, opacity: 0.18 },
        encoding: {
          x,
          y: {
            field: "low",
            type: "quantitative" as const,
            title: yTitle,
            scale: isProbability ? { domain: [0, 1] } : { zero: true },
          },
          y2: { field: "high" },
          color,
          detail: { field: "series" },
        },
      },
      {
        mark: { type: "line" as const, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative" as const },
          color,
          tooltip: [
            { field: "series", title: seriesTitle(o.series) },
            { field: "x", title: axisTitle(o.x) },
            { field: "mean", title: valueTitle(o.value), format: ".4~f" },
            { field: "low", title: "95% CI low", format: ".4~f" },
            { field: "high", title: "95% CI high", format: ".4~f" },
            { field: "interpolation", title: "interpolation probability", format: ".3~f" },
            { field: "runs", title: "runs" },
          ],
        },
      },
      ...(isProbability
        ? []
        : [
            {
              transform: [{ filter: "datum.marked" }],
              mark: { type: "point" as const, filled: true, size: 45, opacity: 1 },
              encoding: { x, y: { field: "mean", type: "quantitative" as const }, color },
            },
          ]),
    ],
  };
  return {
    name: o.name,
    caption:
      `${valueTitle(o.value)} versus ${axisTitle(o.x)} for ${series.map((v) => `${symbol} = ${formatValue(v)}`).join(", ")}, ` +
      `with 95% confidence intervals` +
      (isProbability ? "." : "; markers where the interpolation probability is ≥ 99%."),
    spec: spec as unknown as TopLevelSpec,
  };
}
