// The work done off the main thread: fit a model to the page's points exactly like the CLI does
// (scale to radius 1, then fitModel) and evaluate it on a grid of the view (first firing
// second-layer neuron and predicted class per cell), using the library's own layers.

import {
  type Dataset,
  DataError,
  fitModel,
  type OnProgress,
  type InterpolationModel,
  type Kernels,
  makeDataset,
  predictRows,
  radius,
  scaleFeatures,
} from "../../src/browser.js";
import { computeActivations } from "../../src/dfg/firstLayer.js";
import { maskedScores } from "../../src/dfg/maskedScores.js";
import type { FitKnobs, FitPicture, GridSpec, PointsMessage } from "./protocol.js";

/** The CLI's largest Algorithm 1 width (memonet fit --max-width default). */
const MAX_WIDTH = 100_000;

/** The points as a Dataset, scaled to radius 1 like `memonet fit` (which records the scale). */
export function trainingSet(points: PointsMessage): { dataset: Dataset; scale: number } {
  const raw = makeDataset(points.name, points.features, 2, points.labels, points.classNames);
  const r = radius(raw);
  if (!(r > 0)) throw new DataError(`${raw.name}: every point is 0, cannot scale to radius 1`);
  const scale = 1 / r;
  return { dataset: scaleFeatures(raw, scale), scale };
}

/** Cell centres of the grid, row-major from the top row (y1) down, scaled by `scale`. */
export function gridFeatures(grid: GridSpec, scale: number): Float32Array {
  const out = new Float32Array(2 * grid.cols * grid.rows);
  const raw = new Float32Array(2);
  for (let r = 0; r < grid.rows; r++) {
    const y = grid.y1 - ((r + 0.5) * (grid.y1 - grid.y0)) / grid.rows;
    for (let c = 0; c < grid.cols; c++) {
      const x = grid.x0 + ((c + 0.5) * (grid.x1 - grid.x0)) / grid.cols;
      raw[0] = x;
      raw[1] = y;
      const at = 2 * (r * grid.cols + c);
      // The same float32 rounding as scaleFeatures: round the raw point, then the product.
      out[at] = raw[0] * scale;
      out[at + 1] = raw[1] * scale;
    }
  }
  return out;
}

/**
 * Per grid row: global index (subnetworks in order) of the first second-layer neuron that fires
 * (⟨u_j, Φ(x)⟩ < m_j), or −1.
 */
export function firingRegions(
  model: InterpolationModel,
  features: Float32Array,
  kernels: Kernels,
): Int32Array {
  const count = features.length / 2;
  const region = new Int32Array(count).fill(-1);
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
    let open = workspace.i32(count);
    for (let r = 0; r < count; r++) open[r] = r;
    let openCount = count;
    const hits = workspace.i32(count);
    const rest = workspace.i32(count);
    const mask = workspace.u32(model.wordsPerRow);
    let global = 0;
    for (const layer of model.subnetworks) {
      for (let j = 0; j < layer.width; j++, global++) {
        if (openCount === 0) continue;
        mask.set(layer.masks.subarray(j * model.wordsPerRow, (j + 1) * model.wordsPerRow));
        const found = scores.below(mask, open, openCount, layer.thresholds[j], hits);
        if (found === 0) continue;
        let h = 0;
        let kept = 0;
        for (let t = 0; t < openCount; t++) {
          const row = open[t];
          if (h < found && hits[h] === row) {
            region[row] = global;
            h++;
          } else {
            rest[kept++] = row;
          }
        }
        open.set(rest.subarray(0, kept));
        openCount = kept;
      }
    }
    open = rest;
  } finally {
    workspace.dispose();
  }
  return region;
}

/** Fits the page's points with `knobs` and evaluates the model on `grid`. */
export function fitPicture(
  points: PointsMessage,
  knobs: FitKnobs,
  grid: GridSpec,
  kernels: Kernels,
  onProgress?: OnProgress,
): FitPicture {
  const { dataset, scale } = trainingSet(points);
  const t0 = performance.now();
  const fitted = fitModel(
    dataset,
    { ...knobs, maxWidth: MAX_WIDTH },
    onProgress === undefined ? { kernels } : { kernels, onProgress },
  );
  const model: InterpolationModel = { ...fitted, preprocessing: { scale } };
  const t1 = performance.now();
  const features = gridFeatures(grid, scale);
  const region = firingRegions(model, features, kernels);
  // Binary models answer class 0 exactly where a neuron of its subnetwork fires (model.ts);
  // one-vs-rest models need the library's rule for cells where several or none fire.
  const decision =
    model.mode === "binary"
      ? Int32Array.from(region, (g) => (g >= 0 ? 0 : 1))
      : predictRows(model, features, features.length / 2, kernels);
  const t2 = performance.now();
  return {
    knobs,
    model,
    region,
    decision,
    fitMs: t1 - t0,
    gridMs: t2 - t1,
  };
}
