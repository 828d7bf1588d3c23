// Reference first-layer kernels: pre-activations in the rounding of types.ts, then threshold or ReLU.

import type { BitMatrix, DenseLayerT } from "../types.js";

/** Pre-activations z(x_r) of one row into `z` (length width), in the rounding of types.ts. */
export function preActivations(
  x: Float32Array,
  r: number,
  layer: DenseLayerT,
  z: Float32Array,
): void {
  const { dim, width, weightsT, bias } = layer;
  z.fill(0);
  const xBase = r * dim;
  for (let j = 0; j < dim; j++) {
    const xj = x[xBase + j];
    if (xj === 0) continue;
    const wBase = j * width;
    for (let i = 0; i < width; i++) {
      z[i] = z[i] + Math.fround(xj * weightsT[wBase + i]);
    }
  }
  for (let i = 0; i < width; i++) z[i] = z[i] + bias[i];
}

/** Threshold first layer (see KernelSignatures.thresholdLayer). */
export function thresholdLayer(
  x: Float32Array,
  rows: number,
  layer: DenseLayerT,
  out: BitMatrix,
  outRowOffset: number,
): void {
  const z = new Float32Array(layer.width);
  const words = out.wordsPerRow;
  for (let r = 0; r < rows; r++) {
    preActivations(x, r, layer, z);
    const base = (outRowOffset + r) * words;
    out.data.fill(0, base, base + words);
    for (let i = 0; i < layer.width; i++) {
      if (z[i] > 0) out.data[base + (i >>> 5)] |= 1 << (i & 31);
    }
  }
}

/** ReLU first layer (see KernelSignatures.reluLayer). */
export function reluLayer(
  x: Float32Array,
  rows: number,
  layer: DenseLayerT,
  out: Float32Array,
  outRowOffset: number,
): void {
  const z = new Float32Array(layer.width);
  for (let r = 0; r < rows; r++) {
    preActivations(x, r, layer, z);
    const base = (outRowOffset + r) * layer.width;
    for (let i = 0; i < layer.width; i++) out[base + i] = z[i] > 0 ? z[i] : 0;
  }
}
