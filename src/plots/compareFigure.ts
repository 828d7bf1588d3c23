// The comparison figure: non-zero parameters and build time of each method, one point per seed
// and a bar at the mean, both on log scales. Pure: rows in, a Vega-Lite specification out.

import type { TopLevelSpec } from "vega-lite";
import type { Figure } from "./render.js";

/** The fields of a comparison row the figure reads. */
export interface CompareFigureRow {
  readonly method: string;
  readonly seed: number;
  readonly parameters: number;
  readonly buildSeconds: number;
  readonly interpolates: boolean;
}

/** Parameters and build time per method (log scales), titled with the data set's name. */
export function compareFigure(rows: readonly CompareFigureRow[], dataName: string): Figure {
  const values = rows.map((r) => ({
    method: r.method,
    seed: r.seed,
    parameters: Math.max(1, r.parameters),
    seconds: Math.max(1e-4, r.buildSeconds),
    interpolates: r.interpolates ? "yes" : "no",
  }));
  const methods = [...new Set(rows.map((r) => r.method))];
  const panel = (field: "parameters" | "seconds", title: string) => ({
    width: 260,
    height: 24 * Math.max(1, methods.length),
    layer: [
      {
        mark: { type: "bar", color: "#9ecae1" },
        encoding: {
          y: { field: "method", type: "nominal", sort: methods, title: null },
          x: {
            aggregate: "mean",
            field,
            type: "quantitative",
            scale: { type: "log" },
            title,
          },
        },
      },
      {
        mark: { type: "point", filled: true, size: 40 },
        encoding: {
          y: { field: "method", type: "nominal", sort: methods },
          x: { field, type: "quantitative", scale: { type: "log" } },
          color: {
            field: "interpolates",
            type: "nominal",
            scale: { domain: ["yes", "no"], range: ["#08519c", "#cb181d"] },
            title: "interpolates",
          },
          tooltip: [
            { field: "method" },
            { field: "seed" },
            { field: "parameters", format: "," },
            { field: "seconds", format: ".3f" },
            { field: "interpolates" },
          ],
        },
      },
    ],
  });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Interpolating networks on ${dataName}`,
      subtitle: "one point per seed, bar at the mean",
    },
    data: { values },
    hconcat: [panel("parameters", "non-zero parameters"), panel("seconds", "build time (s)")],
  } as unknown as TopLevelSpec;
  return {
    name: "compare",
    caption: `Non-zero parameters and build time of each method on ${dataName}.`,
    spec,
  };
}
