// Evaluating a fitted network on new points.

import type { Kernels, Workspace } from "../ops/index.js";
import { computeActivations } from "./firstLayer.js";
import { maskedScores, type MaskedScores } from "./maskedScores.js";
import type { InterpolationModel } from "./model.js";
import type { SecondLayer } from "./secondLayer.js";

const CHUNK_ROWS = 4096;

/**
 * Relative margin of a subnetwork on one row: max over its neurons of (m_j − ⟨u_j, Φ(x)⟩) / m_j.
 * It is > 0 exactly when some neuron fires, and measures how close the nearest neuron is to
 * firing otherwise. −Infinity for a subnetwork without neurons.
 */
export function relativeMargin(
  layer: SecondLayer,
  masks: Uint32Array,
  wordsPerRow: number,
  scores: MaskedScores,
  row: number,
): number {
  // Exact ⟨u_j, Φ(x)⟩ of all neurons at once: the minimum over the single row, never stopping.
  const values = new Float64Array(layer.width);
  scores.minMany(masks, layer.width, Int32Array.of(row), 1, -Infinity, values);
  let best = -Infinity;
  for (let j = 0; j < layer.width; j++) {
    const m = layer.thresholds[j];
    const margin = (m - values[j]) / m;
    if (margin > best) best = margin;
  }
  return best;
}

/**
 * The one-vs-rest decision when the firing pattern is ambiguous (no class or several classes
 * fire): the class with the largest relative margin; ties go to the lowest class index.
 */
export function decideByMargin(
  model: InterpolationModel,
  masks: readonly Uint32Array[],
  scores: MaskedScores,
  row: number,
): number {
  let bestClass = 0;
  let best = -Infinity;
  model.subnetworks.forEach((layer, k) => {
    const margin = relativeMargin(layer, masks[k], model.wordsPerRow, scores, row);
    if (margin > best) {
      best = margin;
      bestClass = layer.classIndex;
    }
  });
  return bestClass;
}

/**
 * decideByMargin for many rows: every subnetwork's neurons in one mask array, so that a row costs
 * one kernel call over all neurons instead of one per class (3 000 classes: 3 000 × fewer calls).
 * Same decisions: the first neuron with the largest margin, in class order, names the class.
 * `alloc` gives the mask array (a workspace's, for kernels that need their own memory).
 */
export function marginDecider(
  model: InterpolationModel,
  masks: readonly Uint32Array[],
  alloc: (length: number) => Uint32Array = (n) => new Uint32Array(n),
): (scores: MaskedScores, row: number) => number {
  let total = 0;
  for (const layer of model.subnetworks) total += layer.width;
  const all = alloc(total * model.wordsPerRow);
  const thresholds = new Float64Array(total);
  const owner = new Int32Array(total);
  let at = 0;
  model.subnetworks.forEach((layer, k) => {
    all.set(masks[k].subarray(0, layer.width * model.wordsPerRow), at * model.wordsPerRow);
    thresholds.set(layer.thresholds.subarray(0, layer.width), at);
    owner.fill(layer.classIndex, at, at + layer.width);
    at += layer.width;
  });
  const values = new Float64Array(total);
  const row1 = new Int32Array(1);
  return (scores, row) => {
    if (total === 0) return model.subnetworks[0]?.classIndex ?? 0;
    row1[0] = row;
    scores.minMany(all, total, row1, 1, -Infinity, values);
    let best = -Infinity;
    let bestClass = model.subnetworks[0].classIndex;
    for (let j = 0; j < total; j++) {
      const m = thresholds[j];
      const margin = (m - values[j]) / m;
      if (margin > best) {
        best = margin;
        bestClass = owner[j];
      }
    }
    return bestClass;
  };
}

/**
 * Predicted class indices for `rows` points (row-major features of dimension model.firstLayer.dim).
 * Binary: class 0 (X⁻) if any neuron fires, else class 1. One-vs-rest: the class whose subnetwork
 * fires when exactly one does; otherwise decideByMargin.
 */
export function predictRows(
  model: InterpolationModel,
  features: Float32Array,
  rows: number,
  kernels: Kernels,
): Int32Array {
  const out = new Int32Array(rows);
  const workspace = kernels.workspace();
  try {
    const masks = model.subnetworks.map((s) => {
      const copy = workspace.u32(s.masks.length);
      copy.set(s.masks);
      return copy;
    });
    const dim = model.firstLayer.dim;
    const decide =
      model.mode === "binary" ? undefined : marginDecider(model, masks, (n) => workspace.u32(n));
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows - start);
      const chunk = features.subarray(start * dim, (start + count) * dim);
      const decided = predictChunk(model, masks, chunk, count, kernels, workspace, decide);
      out.set(decided, start);
    }
  } finally {
    workspace.dispose();
  }
  return out;
}

function predictChunk(
  model: InterpolationModel,
  masks: readonly Uint32Array[],
  chunk: Float32Array,
  count: number,
  kernels: Kernels,
  parent: Workspace,
  decide: ((scores: MaskedScores, row: number) => number) | undefined,
): Int32Array {
  const acts = computeActivations(
    chunk,
    count,
    model.firstLayer,
    model.activation,
    kernels,
    parent,
  );
  const scores = maskedScores(acts, kernels);
  const firedCount = new Int32Array(count);
  const firedClass = new Int32Array(count).fill(-1);
  const rows = parent.i32(count);
  for (let r = 0; r < count; r++) rows[r] = r;
  const fired = new Uint8Array(count);
  model.subnetworks.forEach((layer, k) => {
    scores.anyBelow(masks[k], layer.thresholds, layer.width, rows, count, fired);
    for (let r = 0; r < count; r++) {
      if (fired[r] === 1) {
        firedCount[r]++;
        firedClass[r] = layer.classIndex;
      }
    }
  });
  const decided = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    if (model.mode === "binary") {
      decided[r] = firedCount[r] > 0 ? 0 : 1;
    } else {
      decided[r] = firedCount[r] === 1 || decide === undefined ? firedClass[r] : decide(scores, r);
    }
  }
  return decided;
}
