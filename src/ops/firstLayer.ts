// First-layer ops: Φ(x) = σ(Wx + b) for chunks of rows.

import type { BitMatrix, DenseLayerT } from "../backends/types.js";
import { checkFirstLayer, checkLength } from "./checks.js";
import type { Dispatch } from "./dispatch.js";

/** Threshold activations of `rows` rows of x into out rows outRowOffset.. (see KernelSignatures). */
export function thresholdLayer(
  d: Dispatch,
  x: Float32Array,
  rows: number,
  layer: DenseLayerT,
  out: BitMatrix,
  outRowOffset: number,
): void {
  const { run, fail } = d.kernel("thresholdLayer");
  checkFirstLayer(fail, x, rows, layer, outRowOffset);
  if (
    !Number.isInteger(out.wordsPerRow) ||
    out.wordsPerRow % 16 !== 0 ||
    out.wordsPerRow * 32 < layer.width
  ) {
    fail(`out.wordsPerRow = ${out.wordsPerRow} cannot hold ${layer.width} bits`);
  }
  checkLength(fail, "out.data", out.data, (outRowOffset + rows) * out.wordsPerRow);
  run(x, rows, layer, out, outRowOffset);
}

/** ReLU activations of `rows` rows of x into out rows outRowOffset.. (see KernelSignatures). */
export function reluLayer(
  d: Dispatch,
  x: Float32Array,
  rows: number,
  layer: DenseLayerT,
  out: Float32Array,
  outRowOffset: number,
): void {
  const { run, fail } = d.kernel("reluLayer");
  checkFirstLayer(fail, x, rows, layer, outRowOffset);
  checkLength(fail, "out", out, (outRowOffset + rows) * layer.width);
  run(x, rows, layer, out, outRowOffset);
}
