// Corollary 5 / Proposition 10 on 2-D data: the greedy mutual covering of `memonet analyze`
// (balls around the centers, coloured by class) beside the activation regions of a network built
// by Algorithm 2 (the existing decision-boundary figure).

import type { TopLevelSpec } from "vega-lite";
import type { Dataset } from "../data/dataset.js";
import { ExperimentError } from "../sweeps/errors.js";
import type { ProblemReport } from "../geometry/analyze.js";
import type { BoundaryData } from "../sweeps/boundary.js";
import { boundaryFigure } from "./boundary.js";
import { formatValue } from "./labels.js";
import type { Figure } from "./render.js";

/** Most points the figure draws (the network on the right is fitted on all of them). */
export const COVERING_FIGURE_MAX_POINTS = 20000;

const CLASS_COLOURS = ["#1f3fbf", "#d62728"];

/** The covering panel: data points and the balls B(c_ℓ, r_ℓ) of both classes. */
function coveringPanel(ds: Dataset, problem: ProblemReport, width: number) {
  const sides = [problem.negative, problem.positive];
  const names = sides.map((s, i) => `${i === 0 ? "X⁻" : "X⁺"} (class ${s.className}): M = ${s.m}`);
  const negClass = problem.negativeClass;
  const points = Array.from({ length: ds.size }, (_, i) => ({
    x: ds.features[2 * i],
    y: ds.features[2 * i + 1],
    cls: names[ds.labels[i] === negClass ? 0 : 1],
  }));
  const circles = sides.flatMap((side, s) =>
    side.centers.flatMap((row, l) =>
      Array.from({ length: 73 }, (_, k) => {
        const a = (2 * Math.PI * k) / 72;
        return {
          x: ds.features[2 * row] + side.radii[l] * Math.cos(a),
          y: ds.features[2 * row + 1] + side.radii[l] * Math.sin(a),
          ball: `${s}-${l}`,
          order: k,
          cls: names[s],
        };
      }),
    ),
  );
  const centers = sides.flatMap((side, s) =>
    side.centers.map((row) => ({
      x: ds.features[2 * row],
      y: ds.features[2 * row + 1],
      cls: names[s],
    })),
  );
  const color = {
    field: "cls",
    type: "nominal",
    title: "class",
    scale: { domain: names, range: CLASS_COLOURS },
  };
  // Equal scales on both axes, so that balls are drawn round.
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  const pad = 0.08 * Math.max(x1 - x0, y1 - y0, 1e-6);
  const height = Math.max(60, Math.round((width * (y1 - y0 + 2 * pad)) / (x1 - x0 + 2 * pad)));
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: [x0 - pad, x1 + pad], nice: false, zero: false },
    title: "x₁",
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: [y0 - pad, y1 + pad], nice: false, zero: false },
    title: "x₂",
  };
  return {
    title: {
      text: "greedy mutual covering (condition (1))",
      subtitle: `M⁻ = ${problem.negative.m}, M⁺ = ${problem.positive.m}, δ = ${formatValue(problem.delta)}`,
      fontSize: 13,
    },
    width,
    height,
    layer: [
      {
        data: { values: points },
        mark: {
          type: "point",
          filled: true,
          size: ds.size > 2000 ? 4 : 16,
          opacity: 0.7,
          clip: true,
        },
        encoding: { x, y, color },
      },
      {
        data: { values: circles },
        mark: { type: "line", strokeWidth: 1.2, clip: true },
        encoding: {
          x,
          y,
          color,
          detail: { field: "ball", type: "nominal" },
          order: { field: "order", type: "quantitative" },
        },
      },
      {
        data: { values: centers },
        mark: {
          type: "point",
          shape: "cross",
          clip: true,
          filled: true,
          size: 60,
          stroke: "black",
          strokeWidth: 0.5,
        },
        encoding: { x, y, fill: color },
      },
    ],
  };
}

/**
 * The figure for a binary 2-D data set and the analysis of its problem: covering on the left,
 * the activation regions of Algorithm 2's network (n, λ) on the right.
 */
export function coveringFigure(
  ds: Dataset,
  problem: ProblemReport,
  o: { n: number; lambda: number; boundary: BoundaryData; name?: string },
): Figure {
  if (ds.dim !== 2 || ds.classNames.length !== 2) {
    throw new ExperimentError(
      `the covering figure needs 2-D data with two classes; ${ds.name} has d = ${ds.dim} and ${ds.classNames.length} classes`,
    );
  }
  if (ds.size > COVERING_FIGURE_MAX_POINTS) {
    throw new ExperimentError(
      `the covering figure is drawn for at most ${COVERING_FIGURE_MAX_POINTS} points; ${ds.name} has ${ds.size}`,
    );
  }
  const name = o.name ?? "covering";
  const boundary = boundaryFigure(o.boundary, { name, title: ds.name });
  return {
    name,
    caption:
      `${ds.name}: greedy mutual covering (M⁻ = ${problem.negative.m}, M⁺ = ${problem.positive.m}) ` +
      `beside the activation regions of Algorithm 2 (n = ${o.n}, λ = ${o.lambda}).`,
    spec: {
      hconcat: [coveringPanel(ds, problem, 420), boundary.spec],
      spacing: 24,
      resolve: { scale: { color: "independent", shape: "independent" } },
    } as unknown as TopLevelSpec,
  };
}
