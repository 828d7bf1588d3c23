// The figures of an experiment (as configured) or of any results file (inferred from which
// quantities vary), written as SVG and PNG with an HTML page.

import type { Dataset } from "../data/dataset.js";
import type { BoundaryData } from "../sweeps/boundary.js";
import type { ExperimentConfig, FigureAxis, FigureSpec } from "../sweeps/config.js";
import type { ResultRow } from "../sweeps/results.js";
import { axisValues } from "../sweeps/stats.js";
import type { Kernels } from "../backends/types.js";
import { boundaryFigure } from "./boundary.js";
import { imageGridFigure, scatterFigure } from "./datasetFigure.js";
import { heatmapFigure } from "./heatmap.js";
import type { Figure } from "./render.js";
import { slicesFigure } from "./slices.js";

/**
 * The data a figure draws besides the results rows, made on the experiments side
 * (sweeps/figureData.ts): the data sets of a dataset figure, the sampled networks of a
 * boundary figure.
 */
export type FigureData =
  | { readonly kind: "scatter"; readonly sets: readonly Dataset[] }
  | { readonly kind: "images"; readonly dataset: Dataset }
  | { readonly kind: "boundary"; readonly data: BoundaryData };

/** Makes the data of a dataset or boundary figure. */
export type FigureDataSource = (spec: FigureSpec) => Promise<FigureData>;

/** Everything a figure may need. */
export interface FigureInputs {
  /** The experiment (needed for dataset and boundary figures); absent for a bare results file. */
  readonly config?: ExperimentConfig;
  readonly quick: boolean;
  readonly rows: readonly ResultRow[];
  /** Where dataset and boundary figures get their data (see sweeps/figureData.ts). */
  readonly figureData?: FigureDataSource;
  /** Unused by the figures themselves: kept for callers of older versions. */
  readonly kernels?: Kernels;
  readonly dataPath?: string;
  /** Title prefix, e.g. "Two Moons". */
  readonly title: string;
}

/** Axes among n, λ, N that take more than one value in the rows. */
function varyingAxes(rows: readonly ResultRow[]): FigureAxis[] {
  const axes: FigureAxis[] = [];
  if (axisValues(rows, "n").length > 1) axes.push("n");
  if (axisValues(rows, "lambda").length > 1) axes.push("lambda");
  if (rows.every((r) => r.samples !== undefined) && axisValues(rows, "size").length > 1)
    axes.push("size");
  return axes;
}

/**
 * Figures for a results file without an experiment: heatmaps and slices over the two varying
 * quantities (n against λ or N), or curves over the one that varies.
 */
export function inferFigureSpecs(rows: readonly ResultRow[]): FigureSpec[] {
  const axes = varyingAxes(rows);
  const values = ["interpolation", "width"] as const;
  if (axes.length >= 2) {
    const y: FigureAxis = axes.includes("n") ? "n" : axes[0];
    const x = axes.find((a) => a !== y) as FigureAxis;
    return values.flatMap((value) => [
      { kind: "heatmap" as const, name: `heatmap-${value}`, value, x, y },
      { kind: "slices" as const, name: `slices-${value}-${x}`, value, x, series: y },
      { kind: "slices" as const, name: `slices-${value}-${y}`, value, x: y, series: x },
    ]);
  }
  const x: FigureAxis = axes[0] ?? "n";
  const series: FigureAxis = x === "n" ? "lambda" : "n";
  return values.map((value) => ({
    kind: "slices" as const,
    name: `slices-${value}-${x}`,
    value,
    x,
    series,
  }));
}

/** Builds one figure from the rows or from the data `figureData` makes for it. */
export async function buildFigure(spec: FigureSpec, inputs: FigureInputs): Promise<Figure> {
  const { rows, title } = inputs;
  switch (spec.kind) {
    case "heatmap":
      return heatmapFigure(rows, {
        name: spec.name,
        value: spec.value,
        x: spec.x,
        y: spec.y,
        title,
        ...(spec.sigma === undefined ? {} : { sigma: spec.sigma }),
      });
    case "slices":
      return slicesFigure(rows, {
        name: spec.name,
        value: spec.value,
        x: spec.x,
        series: spec.series,
        title,
        ...(spec.at === undefined ? {} : { at: spec.at }),
      });
    case "dataset":
    case "boundary": {
      if (inputs.figureData === undefined || inputs.config === undefined) {
        throw new Error(`a ${spec.kind} figure needs an experiment configuration`);
      }
      const data = await inputs.figureData(spec);
      if (data.kind === "scatter") return scatterFigure(spec.name, title, data.sets);
      if (data.kind === "images") return imageGridFigure(spec.name, title, data.dataset);
      return boundaryFigure(data.data, { name: spec.name, title });
    }
  }
}

/** The figure specs to draw: the experiment's, or inferred from the rows. */
export function figureSpecs(inputs: FigureInputs): readonly FigureSpec[] {
  return inputs.config?.figures.length ? inputs.config.figures : inferFigureSpecs(inputs.rows);
}
