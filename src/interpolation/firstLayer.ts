// The random first layer Φ(x) = σ(Wx + b) of Algorithms 1 and 2: sampling and evaluation.

import { Rng } from "../random/rng.js";
import type { BitMatrix, DenseLayerT, Kernels, Workspace } from "../kernels/types.js";
import { wordsPerRowFor } from "../kernels/types.js";

/** Activation σ of the hidden layers: threshold σ(t) = 1[t > 0], or ReLU σ(t) = max(t, 0). */
export type Activation = "threshold" | "relu";

/** First layer in the paper's layout: W is width × dim (row i is w_i), b has length width. */
export interface FirstLayer {
  readonly dim: number;
  readonly width: number;
  /** Row-major W (width × dim), float32. */
  readonly weights: Float32Array;
  /** Biases b (width), float32. */
  readonly bias: Float32Array;
}

/**
 * Draws hyperplanes (w_i, b_i) in the order w_1, b_1, w_2, b_2, ...: w_i ~ N(0, I_d) and
 * b_i ~ Unif[-λ, λ], both rounded to float32. Drawing hyperplane by hyperplane from one stream
 * means Algorithm 1 (which samples until a stopping rule holds) and Algorithm 2 (a fixed n) agree
 * on the first hyperplanes for the same seed.
 */
export class HyperplaneSampler {
  private readonly rng: Rng;
  private readonly weightRows: Float32Array[] = [];
  private readonly biases: number[] = [];

  constructor(
    readonly dim: number,
    readonly lambda: number,
    seed: number,
    private readonly kernels?: Kernels,
  ) {
    this.rng = new Rng(seed, 1);
  }

  /** Number of hyperplanes drawn so far. */
  get count(): number {
    return this.biases.length;
  }

  /** Draws hyperplanes until `count` have been drawn. */
  drawUntil(count: number): void {
    const sample = this.kernels?.sampleHyperplanes;
    const missing = count - this.biases.length;
    if (sample !== undefined && missing > 0) {
      const weights = new Float32Array(missing * this.dim);
      const bias = new Float32Array(missing);
      const state = new Float64Array(5);
      this.rng.saveState(state);
      sample.call(this.kernels, state, this.dim, missing, this.lambda, weights, bias);
      this.rng.loadState(state);
      for (let i = 0; i < missing; i++) {
        this.weightRows.push(weights.subarray(i * this.dim, (i + 1) * this.dim));
        this.biases.push(bias[i]);
      }
    }
    while (this.biases.length < count) {
      const w = new Float32Array(this.dim);
      this.rng.fillNormal(w);
      this.weightRows.push(w);
      this.biases.push(Math.fround(this.rng.uniformIn(-this.lambda, this.lambda)));
    }
  }

  /** The first `width` hyperplanes drawn, as a layer. */
  layer(width: number): FirstLayer {
    this.drawUntil(width);
    const weights = new Float32Array(width * this.dim);
    for (let i = 0; i < width; i++) weights.set(this.weightRows[i], i * this.dim);
    return { dim: this.dim, width, weights, bias: Float32Array.from(this.biases.slice(0, width)) };
  }
}

/** Draws a first layer of `width` hyperplanes (Algorithm 2, line 1). */
export function sampleFirstLayer(
  dim: number,
  width: number,
  lambda: number,
  seed: number,
  kernels?: Kernels,
): FirstLayer {
  return new HyperplaneSampler(dim, lambda, seed, kernels).layer(width);
}

const transposed = new WeakMap<FirstLayer, DenseLayerT>();

/** The layer in kernel layout (W transposed), cached per layer object. */
export function kernelLayout(layer: FirstLayer): DenseLayerT {
  let t = transposed.get(layer);
  if (t === undefined) {
    const { dim, width, weights } = layer;
    const weightsT = new Float32Array(dim * width);
    for (let i = 0; i < width; i++) {
      for (let j = 0; j < dim; j++) weightsT[j * width + i] = weights[i * dim + j];
    }
    t = { dim, width, weightsT, bias: layer.bias };
    transposed.set(layer, t);
  }
  return t;
}

/**
 * First-layer activations of `rows` points: `positive` is the bit matrix 1[z_i(x) > 0] (which is
 * Φ for the threshold activation); `values` holds the ReLU outputs (row-major rows × width) and is
 * present only for the ReLU activation.
 */
export interface Activations {
  readonly activation: Activation;
  readonly positive: BitMatrix;
  readonly values?: Float32Array;
}

const CHUNK_ROWS = 2048;

/**
 * Computes Φ for the rows of `features` (row-major, layer.dim columns) into arrays of `workspace`.
 * `onRows(done)` reports progress in rows.
 */
export function computeActivations(
  features: Float32Array,
  rows: number,
  layer: FirstLayer,
  activation: Activation,
  kernels: Kernels,
  workspace: Workspace,
  onRows?: (done: number) => void,
): Activations {
  const t = kernelLayout(layer);
  const wordsPerRow = wordsPerRowFor(layer.width);
  const positive: BitMatrix = {
    rows,
    bits: layer.width,
    wordsPerRow,
    data: workspace.u32(rows * wordsPerRow),
  };
  const values = activation === "relu" ? workspace.f32(rows * layer.width) : undefined;
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows - start);
    const chunk = features.subarray(start * layer.dim, (start + count) * layer.dim);
    if (values === undefined) {
      kernels.thresholdLayer(chunk, count, t, positive, start);
    } else {
      kernels.reluLayer(chunk, count, t, values, start);
      packPositive(values, layer.width, start, count, positive);
    }
    onRows?.(start + count);
  }
  return values === undefined ? { activation, positive } : { activation, positive, values };
}

/** Sets the bits of `positive` rows [start, start+count) to 1[value > 0]. */
function packPositive(
  values: Float32Array,
  width: number,
  start: number,
  count: number,
  positive: BitMatrix,
): void {
  const words = positive.wordsPerRow;
  for (let r = start; r < start + count; r++) {
    const base = r * words;
    positive.data.fill(0, base, base + words);
    for (let i = 0; i < width; i++) {
      if (values[r * width + i] > 0) positive.data[base + (i >>> 5)] |= 1 << (i & 31);
    }
  }
}
