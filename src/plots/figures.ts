// The figures of an experiment (as configured) or of any results file (inferred from which
// quantities vary), written as SVG and PNG with an HTML page.

import type { Dataset } from "../data/dataset.js";
import type { BoundaryData } from "../sweeps/boundary.js";
import type { ExperimentConfig, FigureAxis, FigureSpec } from "../sweeps/config.js";
import type { ResultRow } from "../sweeps/results.js";
import { asTable, type ResultsTable } from "../sweeps/resultsTable.js";
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

/**
 * Options that override every figure's own (from the command line): size, contour smoothing and
 * levels of heatmaps, and the range of the second-layer width (vmin/vmax of width figures).
 */
export interface FigureOverrides {
  readonly width?: number;
  readonly height?: number;
  readonly sigma?: number;
  readonly levels?: readonly number[];
  /** Range of the second-layer width in width heatmaps and slices. */
  readonly vmin?: number;
  readonly vmax?: number;
}

/** Everything a figure may need. */
export interface FigureInputs {
  /** The experiment (needed for dataset and boundary figures); absent for a bare results file. */
  readonly config?: ExperimentConfig;
  readonly quick: boolean;
  /** The results, aggregated (streamed from the files by readResultsTable)… */
  readonly table?: ResultsTable;
  /** …or as rows (aggregated once here); one of the two is needed for heatmaps and slices. */
  readonly rows?: readonly ResultRow[];
  /** Overrides of the figures' own options. */
  readonly overrides?: FigureOverrides;
  /** Where dataset and boundary figures get their data (see sweeps/figureData.ts). */
  readonly figureData?: FigureDataSource;
  /** Unused by the figures themselves: kept for callers of older versions. */
  readonly kernels?: Kernels;
  readonly dataPath?: string;
  /** Title prefix, e.g. "Two Moons". */
  readonly title: string;
}

/** Axes among n, λ, N that take more than one value in the results. */
function varyingAxes(table: ResultsTable): FigureAxis[] {
  const axes: FigureAxis[] = [];
  if (table.axisValues("n").length > 1) axes.push("n");
  if (table.axisValues("lambda").length > 1) axes.push("lambda");
  if (table.sizesKnown() && table.axisValues("size").length > 1) axes.push("size");
  return axes;
}

/** The table of the inputs (their rows aggregated when no table is given). */
export function inputTable(inputs: FigureInputs): ResultsTable {
  return inputs.table ?? asTable(inputs.rows ?? []);
}

/**
 * Figures for a results file without an experiment: heatmaps and slices over the two varying
 * quantities (n against λ or N), or curves over the one that varies.
 */
export function inferFigureSpecs(source: ResultsTable | readonly ResultRow[]): FigureSpec[] {
  const axes = varyingAxes(asTable(source));
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
  const { title } = inputs;
  switch (spec.kind) {
    case "heatmap":
      return heatmapFigure(inputTable(inputs), { ...effectiveSpec(spec, inputs.overrides), title });
    case "slices":
      return slicesFigure(inputTable(inputs), { ...effectiveSpec(spec, inputs.overrides), title });
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

type Drawn = Extract<FigureSpec, { kind: "heatmap" | "slices" }>;

/** A heatmap's or slices' spec with the overrides applied (vmin/vmax only to width figures). */
export function effectiveSpec<S extends Drawn>(spec: S, o: FigureOverrides | undefined): S {
  if (o === undefined) return spec;
  const pick = <K extends keyof FigureOverrides>(key: K, applies = true) =>
    o[key] !== undefined && applies ? { [key]: o[key] } : {};
  const range = spec.value === "width";
  const levels = spec.kind === "heatmap";
  return {
    ...spec,
    ...pick("width"),
    ...pick("height"),
    ...pick("sigma", levels),
    ...pick("levels", levels),
    ...pick("vmin", range),
    ...pick("vmax", range),
  };
}

/** The figure specs to draw: the experiment's, or inferred from the results. */
export function figureSpecs(inputs: FigureInputs): readonly FigureSpec[] {
  return inputs.config?.figures.length
    ? inputs.config.figures
    : inferFigureSpecs(inputTable(inputs));
}
