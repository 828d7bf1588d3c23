// Decision boundary of a fitted network on 2-D data (Figs. 6, 7 and 14 of the paper): the
// activation region of each second-layer neuron coloured, its accepted candidate point starred,
// the network's decision boundary (the boundary of the union of the regions) dashed.

import type { TopLevelSpec } from "vega-lite";
import type { BoundaryData, BoundaryPanelData, Extent } from "../sweeps/boundary.js";
import { contourLines, gaussianSmooth, type Grid } from "./contour.js";
import { formatValue } from "./labels.js";
import { pngDataUrl } from "./rasterPng.js";
import type { Figure } from "./render.js";

export type { BoundaryPanel } from "../sweeps/boundary.js";

/** Options of the figure. */
export interface BoundaryFigureOptions {
  readonly name: string;
  readonly title: string;
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

/** Legend labels of the two classes: X⁻ (label 0) and X⁺ (label 1). */
export function classLabels(ds: { readonly classNames: readonly string[] }): [string, string] {
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

/** One panel: the network's regions, boundary, data and stars, as a layered unit spec. */
function panelSpec(
  data: BoundaryData,
  p: BoundaryPanelData,
  label: string | undefined,
): Record<string, unknown> {
  const { extent, width, height, cols, rows, maps } = p;
  const union = new Uint8Array(cols * rows);
  for (const m of maps) m.forEach((v, q) => (union[q] |= v));
  const outlines = maps.flatMap((m, j) =>
    outline(m, cols, rows, extent, `n${j}`).map((pt) => ({
      ...pt,
      color: PALETTE[j % PALETTE.length],
    })),
  );
  const boundary = outline(union, cols, rows, extent, "union");
  const labels = classLabels(data);
  const points = data.points.map((pt) => ({ x: pt.x, y: pt.y, cls: labels[pt.label] }));
  const stars = p.candidates.map(([x, y], j) => ({ x, y, color: PALETTE[j % PALETTE.length] }));
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
  const interpolates = p.interpolates;
  const neurons = p.neurons;
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
  const many = data.size > 2000;
  const spec = {
    ...(label === undefined
      ? {}
      : {
          title: {
            text: label,
            subtitle: `${neurons} neuron${neurons === 1 ? "" : "s"}, ${interpolates ? "interpolates" : "does not interpolate"}`,
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
            scale: { domain: labels, range: ["#1f3fbf", "#d62728"] },
            legend: label === undefined ? { orient: "right" } : null,
          },
          shape: {
            field: "cls",
            type: "nominal",
            title: "data",
            scale: { domain: labels, range: ["triangle-up", "circle"] },
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
  return spec;
}

/**
 * Draws each panel's neurons' activation regions from boundary data (sweeps/boundary.ts).
 * Several panels form a grid: rows n, columns λ.
 */
export function boundaryFigure(data: BoundaryData, o: BoundaryFigureOptions): Figure {
  const subtitle = [
    `coloured: where each second-layer neuron fires; ★: its accepted candidate point; ` +
      `dashed: the decision boundary`,
  ];
  if (data.panels.length === 1) {
    const single = data.panels[0];
    const p = single.panel;
    return {
      name: o.name,
      caption:
        `Decision boundary for n = ${formatValue(p.n)}, λ = ${formatValue(p.lambda)}: ` +
        `${single.neurons} second-layer neurons; the network ${single.interpolates ? "interpolates" : "does not interpolate"}.`,
      spec: {
        ...panelSpec(data, single, undefined),
        title: {
          text: `${o.title}: decision boundary, n = ${formatValue(p.n)}, λ = ${formatValue(p.lambda)}`,
          subtitle: [
            ...subtitle,
            `${single.neurons} neuron${single.neurons === 1 ? "" : "s"} in the second layer for ` +
              `${data.size} points; the network ${single.interpolates ? "interpolates" : "does NOT interpolate"}`,
          ],
        },
      } as unknown as TopLevelSpec,
    };
  }
  const ns = [...new Set(data.panels.map((d) => d.panel.n))].sort((a, b) => a - b);
  const lambdas = [...new Set(data.panels.map((d) => d.panel.lambda))].sort((a, b) => a - b);
  const rows = ns.map((n) => ({
    hconcat: lambdas
      .map((lambda) => data.panels.find((d) => d.panel.n === n && d.panel.lambda === lambda))
      .filter((d): d is BoundaryPanelData => d !== undefined)
      .map((d) =>
        panelSpec(data, d, `n = ${formatValue(d.panel.n)}, λ = ${formatValue(d.panel.lambda)}`),
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
