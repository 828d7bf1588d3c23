// The figures of an experiment (as configured) or of any results file (inferred from which
// quantities vary), written as SVG and PNG with an HTML page.

import type { ExperimentConfig, FigureAxis, FigureSpec } from "../experiments/config.js";
import { DatasetCache } from "../experiments/datasets.js";
import { planOf } from "../experiments/grid.js";
import type { ResultRow } from "../experiments/results.js";
import { axisValues } from "../experiments/stats.js";
import type { Kernels } from "../kernels/types.js";
import { boundaryFigure } from "./boundary.js";
import { imageGridFigure, scatterFigure } from "./datasetFigure.js";
import { heatmapFigure } from "./heatmap.js";
import type { Figure } from "./render.js";
import { slicesFigure } from "./slices.js";

/** Everything a figure may need. */
export interface FigureInputs {
  /** The experiment (needed for dataset and boundary figures); absent for a bare results file. */
  readonly config?: ExperimentConfig;
  readonly quick: boolean;
  readonly rows: readonly ResultRow[];
  readonly kernels: Kernels;
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

/** Builds one figure (fitting networks or loading data where it must). */
export async function buildFigure(
  spec: FigureSpec,
  inputs: FigureInputs,
  cache: DatasetCache,
): Promise<Figure> {
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
    case "dataset": {
      const config = requireConfig(inputs, spec.kind);
      const dataset = planOf(config, inputs.quick).dataset;
      if (dataset.kind === "moons" || dataset.kind === "lines") {
        const sizes = spec.sizes ?? [dataset.size ?? 1000];
        const sets = [];
        for (const s of sizes) sets.push(await cache.get(dataset, s));
        return scatterFigure(spec.name, title, sets);
      }
      return imageGridFigure(
        spec.name,
        title,
        await cache.get({ ...dataset, normalize: false }, undefined),
      );
    }
    case "boundary": {
      const config = requireConfig(inputs, spec.kind);
      const plan = planOf(config, inputs.quick);
      const ds = await cache.get(plan.dataset, plan.dataset.size);
      const panels = spec.n.flatMap((n) =>
        spec.lambda.map((lambda) => ({
          n,
          lambda,
          activation: "threshold" as const,
          restart: spec.restart,
        })),
      );
      return boundaryFigure(ds, panels, {
        name: spec.name,
        title,
        experiment: config.name,
        algorithm: config.algorithm,
        kernels: inputs.kernels,
      });
    }
  }
}

function requireConfig(inputs: FigureInputs, kind: string): ExperimentConfig {
  if (inputs.config === undefined) {
    throw new Error(`a ${kind} figure needs an experiment configuration`);
  }
  return inputs.config;
}

/** The figure specs to draw: the experiment's, or inferred from the rows. */
export function figureSpecs(inputs: FigureInputs): readonly FigureSpec[] {
  return inputs.config?.figures.length ? inputs.config.figures : inferFigureSpecs(inputs.rows);
}

/** A data-set cache for figures. */
export function figureCache(inputs: FigureInputs): DatasetCache {
  return new DatasetCache(inputs.dataPath === undefined ? {} : { dataPath: inputs.dataPath }, 4);
}
