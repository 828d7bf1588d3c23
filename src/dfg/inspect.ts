// Inspecting a fitted model: which second-layer neurons fire where (a decision-function-like
// view of the network, used e.g. to draw activation regions and decision boundaries).

import { DataError } from "../data/dataset.js";
import type { Kernels } from "../backends/types.js";
import { computeActivations } from "./firstLayer.js";
import { maskedScores } from "./maskedScores.js";
import type { InterpolationModel } from "./model.js";

/**
 * Which neurons of subnetwork `subnetwork` fire at each of the rows of `features` (row-major,
 * the model's input dimension, in its input space): result[j][p] = 1 when neuron j fires at
 * point p (⟨u_j, Φ(x_p)⟩ < m_j), else 0. DataError for a bad subnetwork index or shape.
 */
export function neuronFiring(
  model: InterpolationModel,
  features: Float32Array,
  kernels: Kernels,
  subnetwork = 0,
): Uint8Array[] {
  const layer = model.subnetworks[subnetwork];
  if (layer === undefined) {
    throw new DataError(
      `subnetwork ${subnetwork} does not exist: the model has ${model.subnetworks.length}`,
    );
  }
  const dim = model.firstLayer.dim;
  if (features.length % dim !== 0) {
    throw new DataError(
      `${features.length} values are not a whole number of rows of dimension ${dim}`,
    );
  }
  const count = features.length / dim;
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

/**
 * For each subnetwork, the number of its neurons that fire at each row of `features` (> 0: the
 * subnetwork claims the point for its class).
 */
export function firingCounts(
  model: InterpolationModel,
  features: Float32Array,
  kernels: Kernels,
): Int32Array[] {
  return model.subnetworks.map((_, s) => {
    const maps = neuronFiring(model, features, kernels, s);
    const counts = new Int32Array(features.length / model.firstLayer.dim);
    for (const map of maps) for (let p = 0; p < counts.length; p++) counts[p] += map[p];
    return counts;
  });
}
