// Pictures of the data: a scatter plot of 2-D data (Figs. 5a, 8a) or one sample image per class
// of an image data set (Figs. 10a, 12a).

import type { TopLevelSpec } from "vega-lite";
import type { Dataset } from "../data/dataset.js";
import { classLabels } from "./boundary.js";
import { formatValue } from "./labels.js";
import { pngDataUrl } from "./rasterPng.js";
import type { Figure } from "./render.js";

/** Scatter plots of 2-D data sets side by side (one per size), X⁻ blue triangles, X⁺ red dots. */
export function scatterFigure(name: string, title: string, sets: readonly Dataset[]): Figure {
  const panel = (ds: Dataset, single: boolean) => {
    const step = Math.max(1, Math.ceil(ds.size / 20000)); // at most 20 000 marks per panel
    const values: { x: number; y: number; cls: string }[] = [];
    for (let i = 0; i < ds.size; i += step) {
      values.push({
        x: ds.features[2 * i],
        y: ds.features[2 * i + 1],
        cls: classLabels(ds)[ds.labels[i]],
      });
    }
    const small = ds.size > 2000;
    const e = extent(values);
    const width = single ? 420 : 230;
    const height = Math.round(Math.min(1.2, Math.max(0.3, (e.y1 - e.y0) / (e.x1 - e.x0))) * width);
    return {
      ...(single ? {} : { title: { text: `N = ${formatValue(ds.size)}`, fontSize: 13 } }),
      width,
      height,
      data: { values },
      mark: { type: "point", filled: true, size: small ? 4 : 16, opacity: small ? 0.6 : 0.9 },
      encoding: {
        x: {
          field: "x",
          type: "quantitative",
          title: "x₁",
          scale: { domain: [e.x0, e.x1], nice: false, zero: false },
        },
        y: {
          field: "y",
          type: "quantitative",
          title: "x₂",
          scale: { domain: [e.y0, e.y1], nice: false, zero: false },
        },
        color: {
          field: "cls",
          type: "nominal",
          title: "data",
          scale: { domain: classLabels(ds), range: ["#1f3fbf", "#d62728"] },
        },
        shape: {
          field: "cls",
          type: "nominal",
          title: "data",
          scale: { domain: classLabels(ds), range: ["triangle-up", "circle"] },
        },
      },
    };
  };
  const first = sets[0];
  const d = first.dim;
  const subtitle = `d = ${d}, radius R = 1; N⁻ = ${countClass(first, 0)}, N⁺ = ${countClass(first, 1)}${sets.length > 1 ? " (first panel)" : ""}`;
  const spec =
    sets.length === 1
      ? {
          title: { text: `${title}: the data (N = ${formatValue(first.size)})`, subtitle },
          ...panel(first, true),
        }
      : {
          title: { text: `${title}: samples of the data`, subtitle },
          hconcat: sets.map((s) => panel(s, false)),
        };
  return {
    name,
    caption: `The data: ${sets.map((s) => `N = ${formatValue(s.size)}`).join(", ")} points; X⁻ blue triangles, X⁺ red dots.`,
    spec: spec as unknown as TopLevelSpec,
  };
}

/** Bounds of the points, padded by 5%. */
function extent(values: readonly { x: number; y: number }[]) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const v of values) {
    x0 = Math.min(x0, v.x);
    x1 = Math.max(x1, v.x);
    y0 = Math.min(y0, v.y);
    y1 = Math.max(y1, v.y);
  }
  const px = Math.max(x1 - x0, 1e-6) * 0.05;
  const py = Math.max(y1 - y0, 1e-6) * 0.05;
  return { x0: x0 - px, x1: x1 + px, y0: y0 - py, y1: y1 + py };
}

function countClass(ds: Dataset, k: number): number {
  let c = 0;
  for (let i = 0; i < ds.size; i++) if (ds.labels[i] === k) c++;
  return c;
}

/** One image per class: grey-scale for d = 784 (28×28), RGB planes for d = 3072 (32×32×3). */
function sampleImage(ds: Dataset, row: number, max: number): string {
  const colour = ds.dim === 3072;
  const side = colour ? 32 : Math.round(Math.sqrt(ds.dim));
  const zoom = 3;
  const w = side * zoom;
  const pixels = new Uint8Array(w * w * 4);
  const base = row * ds.dim;
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const p = Math.floor(y / zoom) * side + Math.floor(x / zoom);
      const o = (y * w + x) * 4;
      for (let c = 0; c < 3; c++) {
        const v = colour ? ds.features[base + c * 1024 + p] : ds.features[base + p];
        pixels[o + c] = Math.round(255 * Math.min(1, Math.max(0, v / max)));
      }
      pixels[o + 3] = 255;
    }
  }
  return pngDataUrl({ width: w, height: w, pixels });
}

/** A grid of the first image of each class (2 rows), titled with the class names. */
export function imageGridFigure(name: string, title: string, ds: Dataset): Figure {
  let max = 0;
  for (const v of ds.features) if (v > max) max = v;
  const cells = ds.classNames.map((cls, k) => {
    const row = ds.labels.indexOf(k);
    return {
      title: { text: cls, fontSize: 12 },
      width: 84,
      height: 84,
      view: { stroke: null },
      data: { values: [{ url: row < 0 ? "" : sampleImage(ds, row, max || 1) }] },
      mark: { type: "image", width: 84, height: 84 },
      encoding: { url: { field: "url", type: "nominal" }, x: { value: 42 }, y: { value: 42 } },
    };
  });
  const perRow = cells.length <= 5 ? cells.length : Math.ceil(cells.length / 2);
  const spec = {
    title: {
      text: `${title}: one sample image per class`,
      subtitle: `${formatValue(ds.size)} images, d = ${ds.dim}; pixels in [0, 1], scaled to radius R = 1 for fitting`,
    },
    vconcat: [
      { hconcat: cells.slice(0, perRow) },
      ...(cells.length > perRow ? [{ hconcat: cells.slice(perRow) }] : []),
    ],
    spacing: 6,
  };
  return {
    name,
    caption: `One sample image of each of the ${ds.classNames.length} classes (${formatValue(ds.size)} images, d = ${ds.dim}).`,
    spec: spec as unknown as TopLevelSpec,
  };
}
