// Decision boundary of a fitted network on 2-D data (Figs. 6, 7 and 14 of the paper): the
// activation region of each second-layer neuron coloured, its accepted candidate point starred,
// the network's decision boundary (the boundary of the union of the regions) dashed.

import type { TopLevelSpec } from "vega-lite";
import type { Dataset } from "../data/dataset.js";
import { trialKey, trialSeed } from "../experiments/grid.js";
import { ExperimentError } from "../experiments/errors.js";
import type { Activation } from "../interpolation/firstLayer.js";
import { computeActivations } from "../interpolation/firstLayer.js";
import { fitModel } from "../interpolation/fit.js";
import { maskedScores } from "../interpolation/maskedScores.js";
import type { InterpolationModel } from "../interpolation/model.js";
import type { Kernels } from "../kernels/types.js";
import { contourLines, gaussianSmooth, type Grid } from "./contour.js";
import { formatValue } from "./labels.js";
import { pngDataUrl } from "./rasterPng.js";
import type { Figure } from "./render.js";

/** The hyperparameters of one panel. */
export interface BoundaryPanel {
  readonly n: number;
  readonly lambda: number;
  readonly activation: Activation;
  readonly restart: number;
}

/** Options of the figure. */
export interface BoundaryOptions {
  readonly name: string;
  readonly title: string;
  /** Experiment name: the seed namespace, so that the panel's network is that of its trial. */
  readonly experiment: string;
  readonly algorithm: 1 | 2;
  readonly kernels: Kernels;
}

/** matplotlib's default colour cycle (tab10), as in the paper's figures. */
const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** A five-pointed star for Vega's custom symbol shapes (unit size). */
const STAR =
  "M0,-1L0.2245,-0.309L0.9511,-0.309L0.3633,0.118L0.5878,0.809L0,0.382L-0.5878,0.809L-0.3633,0.118L-0.9511,-0.309L-0.2245,-0.309Z";

interface Extent {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

function extentOf(ds: Dataset): Extent {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < ds.size; i++) {
    const x = ds.features[2 * i];
    const y = ds.features[2 * i + 1];
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  // Pad by 8%, and keep the aspect ratio within [0.3, 1/0.3] (the parallel lines are thin).
  let w = Math.max(x1 - x0, 1e-6);
  let h = Math.max(y1 - y0, 1e-6);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  w = Math.max(w, 0.3 * h) * 1.16;
  h = Math.max(h, 0.3 * w) * 1.16;
  return { x0: cx - w / 2, x1: cx + w / 2, y0: cy - h / 2, y1: cy + h / 2 };
}

/** Which neurons fire at each pixel centre: fires[j][p] for neuron j, pixel p (row 0 = bottom). */
function firingMaps(
  model: InterpolationModel,
  extent: Extent,
  cols: number,
  rows: number,
  kernels: Kernels,
): Uint8Array[] {
  const count = cols * rows;
  const features = new Float32Array(2 * count);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const p = r * cols + c;
      features[2 * p] = extent.x0 + ((c + 0.5) / cols) * (extent.x1 - extent.x0);
      features[2 * p + 1] = extent.y0 + ((r + 0.5) / rows) * (extent.y1 - extent.y0);
    }
  }
  const workspace = kernels.workspace();
  try {
    const acts = computeActivations(
      features,
      count,
      model.firstLayer,
      model.activation,
      kernels,
      workspace,
    );
    const scores = maskedScores(acts, kernels);
    const all = workspace.i32(count);
    for (let p = 0; p < count; p++) all[p] = p;
    const hits = workspace.i32(count);
    const layer = model.subnetworks[0];
    const masks = workspace.u32(layer.masks.length);
    masks.set(layer.masks);
    const maps: Uint8Array[] = [];
    for (let j = 0; j < layer.width; j++) {
      const mask = masks.subarray(j * model.wordsPerRow, (j + 1) * model.wordsPerRow);
      const h = scores.below(mask, all, count, layer.thresholds[j], hits);
      const map = new Uint8Array(count);
      for (let t = 0; t < h; t++) map[hits[t]] = 1;
      maps.push(map);
    }
    return maps;
  } finally {
    workspace.dispose();
  }
}

/** Legend labels of the two classes: X⁻ (label 0) and X⁺ (label 1). */
export function classLabels(ds: Dataset): [string, string] {
  return [`X⁻ (class ${ds.classNames[0]})`, `X⁺ (class ${ds.classNames[1]})`];
}

function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Blends the neurons' regions (alpha 0.4 each, drawn in order) into an RGBA raster. */
function regionRaster(maps: readonly Uint8Array[], cols: number, rows: number): string {
  const pixels = new Uint8Array(cols * rows * 4);
  const alpha = 0.4;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const p = r * cols + c;
      let a = 0;
      let rgb = [0, 0, 0];
      maps.forEach((map, j) => {
        if (map[p] === 0) return;
        const col = hexToRgb(PALETTE[j % PALETTE.length]);
        const out = alpha + a * (1 - alpha);
        rgb = rgb.map((v, k) => (col[k] * alpha + v * a * (1 - alpha)) / out);
        a = out;
      });
      const o = ((rows - 1 - r) * cols + c) * 4; // PNG rows run from the top
      pixels[o] = Math.round(rgb[0]);
      pixels[o + 1] = Math.round(rgb[1]);
      pixels[o + 2] = Math.round(rgb[2]);
      pixels[o + 3] = Math.round(255 * a);
    }
  }
  return pngDataUrl({ width: cols, height: rows, pixels });
}

/** Contour lines of a 0/1 pixel map (lightly smoothed, level 1/2), in data coordinates. */
function outline(map: Uint8Array, cols: number, rows: number, extent: Extent, id: string) {
  const grid: Grid = gaussianSmooth(
    { width: cols, height: rows, values: Float64Array.from(map) },
    1,
  );
  const dx = (extent.x1 - extent.x0) / cols;
  const dy = (extent.y1 - extent.y0) / rows;
  return contourLines(grid, 0.5).flatMap((line, l) =>
    line.map(([i, j], k) => ({
      x: extent.x0 + (i + 0.5) * dx,
      y: extent.y0 + (j + 0.5) * dy,
      line: `${id}-${l}`,
      order: k,
    })),
  );
}

/** One panel: the fitted network's regions, boundary, data and stars, as a layered unit spec. */
function panelSpec(
  ds: Dataset,
  panel: BoundaryPanel,
  o: BoundaryOptions,
  width: number,
  label: string | undefined,
): { spec: Record<string, unknown>; interpolates: boolean; neurons: number } {
  const seed = trialSeed(
    o.experiment,
    trialKey(ds.name, panel.n, panel.lambda, panel.activation, panel.restart),
  );
  const model = fitModel(
    ds,
    {
      algorithm: o.algorithm,
      n: panel.n,
      lambda: panel.lambda,
      activation: panel.activation,
      seed,
    },
    { kernels: o.kernels },
  );
  const extent = extentOf(ds);
  const height = Math.max(
    20,
    Math.round((width * (extent.y1 - extent.y0)) / (extent.x1 - extent.x0)),
  );
  // Regions are computed at twice the figure's resolution (sharp in the 2× PNG).
  const cols = 2 * width;
  const rows = 2 * height;
  const maps = firingMaps(model, extent, cols, rows, o.kernels);
  const union = new Uint8Array(cols * rows);
  for (const m of maps) m.forEach((v, p) => (union[p] |= v));
  const outlines = maps.flatMap((m, j) =>
    outline(m, cols, rows, extent, `n${j}`).map((pt) => ({
      ...pt,
      color: PALETTE[j % PALETTE.length],
    })),
  );
  const boundary = outline(union, cols, rows, extent, "union");
  const points = Array.from({ length: ds.size }, (_, i) => ({
    x: ds.features[2 * i],
    y: ds.features[2 * i + 1],
    cls: classLabels(ds)[ds.labels[i]],
  }));
  const layer = model.subnetworks[0];
  const stars = Array.from(layer.candidates, (row, j) => ({
    x: ds.features[2 * row],
    y: ds.features[2 * row + 1],
    color: PALETTE[j % PALETTE.length],
  }));
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: [extent.x0, extent.x1], nice: false, zero: false },
    title: label === undefined ? "x₁" : null,
    axis: label === undefined ? {} : { labels: false, ticks: false, grid: false },
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: [extent.y0, extent.y1], nice: false, zero: false },
    title: label === undefined ? "x₂" : null,
    axis: label === undefined ? {} : { labels: false, ticks: false, grid: false },
  };
  const interpolates = model.info.interpolates;
  const boundaryLayer =
    boundary.length === 0
      ? []
      : [
          {
            data: { values: boundary },
            mark: {
              type: "line",
              stroke: "black",
              strokeWidth: 1.6,
              strokeDash: [5, 3],
              clip: true,
            },
            encoding: {
              x,
              y,
              detail: { field: "line", type: "nominal" },
              order: { field: "order", type: "quantitative" },
            },
          },
        ];
  const many = ds.size > 2000;
  const spec = {
    ...(label === undefined
      ? {}
      : {
          title: {
            text: label,
            subtitle: `${layer.width} neuron${layer.width === 1 ? "" : "s"}, ${interpolates ? "interpolates" : "does not interpolate"}`,
            fontSize: 13,
          },
        }),
    width,
    height,
    ...(interpolates && label !== undefined
      ? { view: { stroke: "black", strokeWidth: 3, strokeDash: [8, 5] } }
      : {}),
    layer: [
      {
        data: {
          values: [
            {
              url: regionRaster(maps, cols, rows),
              x: extent.x0,
              x2: extent.x1,
              y: extent.y0,
              y2: extent.y1,
            },
          ],
        },
        mark: { type: "image", aspect: false },
        encoding: {
          url: { field: "url", type: "nominal" },
          x,
          x2: { field: "x2" },
          y,
          y2: { field: "y2" },
        },
      },
      {
        data: { values: outlines },
        mark: { type: "line", strokeWidth: 1.2, clip: true },
        encoding: {
          x,
          y,
          detail: { field: "line", type: "nominal" },
          order: { field: "order", type: "quantitative" },
          stroke: { field: "color", type: "nominal", scale: null },
        },
      },
      ...boundaryLayer,
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: many ? 6 : 30, opacity: 1 },
        encoding: {
          x,
          y,
          color: {
            field: "cls",
            type: "nominal",
            title: "data",
            scale: { domain: classLabels(ds), range: ["#1f3fbf", "#d62728"] },
            legend: label === undefined ? { orient: "right" } : null,
          },
          shape: {
            field: "cls",
            type: "nominal",
            title: "data",
            scale: { domain: classLabels(ds), range: ["triangle-up", "circle"] },
            legend: label === undefined ? { orient: "right" } : null,
          },
        },
      },
      {
        data: { values: stars },
        mark: {
          type: "point",
          shape: STAR,
          filled: true,
          size: label === undefined ? 260 : 140,
          stroke: "black",
          strokeWidth: 1,
          opacity: 1,
        },
        encoding: { x, y, fill: { field: "color", type: "nominal", scale: null } },
      },
    ],
  };
  return { spec, interpolates, neurons: layer.width };
}

/**
 * Fits the network of each panel (the seed of its trial in `experiment`) on `ds` (2-D, binary)
 * and draws its neurons' activation regions. Several panels form a grid: rows n, columns λ.
 */
export function boundaryFigure(
  ds: Dataset,
  panels: readonly BoundaryPanel[],
  o: BoundaryOptions,
): Figure {
  if (ds.dim !== 2 || ds.classNames.length !== 2) {
    throw new ExperimentError(
      `${o.name}: decision boundaries need 2-D data with two classes; ${ds.name} has d = ${ds.dim} and ${ds.classNames.length} classes`,
    );
  }
  const subtitle = [
    `coloured: where each second-layer neuron fires; ★: its accepted candidate point; ` +
      `dashed: the decision boundary`,
  ];
  if (panels.length === 1) {
    const p = panels[0];
    const single = panelSpec(ds, p, o, 480, undefined);
    return {
      name: o.name,
      caption:
        `Decision boundary for n = ${formatValue(p.n)}, λ = ${formatValue(p.lambda)}: ` +
        `${single.neurons} second-layer neurons; the network ${single.interpolates ? "interpolates" : "does not interpolate"}.`,
      spec: {
        ...single.spec,
        title: {
          text: `${o.title}: decision boundary, n = ${formatValue(p.n)}, λ = ${formatValue(p.lambda)}`,
          subtitle: [
            ...subtitle,
            `${single.neurons} neuron${single.neurons === 1 ? "" : "s"} in the second layer for ` +
              `${ds.size} points; the network ${single.interpolates ? "interpolates" : "does NOT interpolate"}`,
          ],
        },
      } as unknown as TopLevelSpec,
    };
  }
  const ns = [...new Set(panels.map((p) => p.n))].sort((a, b) => a - b);
  const lambdas = [...new Set(panels.map((p) => p.lambda))].sort((a, b) => a - b);
  const rows = ns.map((n) => ({
    hconcat: lambdas
      .map((lambda) => panels.find((p) => p.n === n && p.lambda === lambda))
      .filter((p): p is BoundaryPanel => p !== undefined)
      .map(
        (p) =>
          panelSpec(ds, p, o, 230, `n = ${formatValue(p.n)}, λ = ${formatValue(p.lambda)}`).spec,
      ),
  }));
  return {
    name: o.name,
    caption:
      `Decision boundaries for n ∈ {${ns.join(", ")}} (rows) and λ ∈ {${lambdas.join(", ")}} (columns); ` +
      `panels where the network interpolates have a thick dashed frame.`,
    spec: {
      title: {
        text: `${o.title}: decision boundaries`,
        subtitle: [
          ...subtitle,
          "blue ▲: X⁻ (the class the neurons detect), red ●: X⁺; thick dashed frame: the network interpolates",
        ],
      },
      vconcat: rows,
      spacing: 14,
    } as unknown as TopLevelSpec,
  };
}
