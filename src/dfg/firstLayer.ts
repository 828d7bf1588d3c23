// The random first layer Φ(x) = σ(Wx + b) of Algorithms 1 and 2: sampling and evaluation.

import { Rng } from "../random/rng.js";
import {
  referenceKernels,
  wordsPerRowFor,
  type BitMatrix,
  type DenseLayerT,
  type Kernels,
  type Workspace,
} from "../ops/index.js";

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
  /** The hyperplanes drawn so far, in runs drawn together: W rows (row-major) and biases. */
  private readonly runs: { weights: Float32Array; bias: Float32Array }[] = [];
  private drawn = 0;

  constructor(
    readonly dim: number,
    readonly lambda: number,
    seed: number,
    private readonly kernels: Kernels = referenceKernels,
  ) {
    this.rng = new Rng(seed, 1);
  }

  /** Number of hyperplanes drawn so far. */
  get count(): number {
    return this.drawn;
  }

  /** Draws hyperplanes until `count` have been drawn. */
  drawUntil(count: number): void {
    const missing = count - this.drawn;
    if (missing <= 0) return;
    const weights = new Float32Array(missing * this.dim);
    const bias = new Float32Array(missing);
    const state = new Float64Array(5);
    this.rng.saveState(state);
    this.kernels.sampleHyperplanes(state, this.dim, missing, this.lambda, weights, bias);
    this.rng.loadState(state);
    this.runs.push({ weights, bias });
    this.drawn = count;
  }

  /**
   * The first `width` hyperplanes drawn, as a layer. Where one run of draws holds them all (always
   * for Algorithm 2), the layer views that run's arrays instead of copying them.
   */
  layer(width: number): FirstLayer {
    this.drawUntil(width);
    const { dim } = this;
    const first = this.runs[0];
    if (first !== undefined && first.bias.length >= width) {
      return {
        dim,
        width,
        weights: first.weights.subarray(0, width * dim),
        bias: first.bias.subarray(0, width),
      };
    }
    const weights = new Float32Array(width * dim);
    const bias = new Float32Array(width);
    let at = 0;
    for (const run of this.runs) {
      if (at >= width) break;
      const take = Math.min(run.bias.length, width - at);
      weights.set(run.weights.subarray(0, take * dim), at * dim);
      bias.set(run.bias.subarray(0, take), at);
      at += take;
    }
    return { dim, width, weights, bias };
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

const kernelLayouts = new WeakMap<FirstLayer, DenseLayerT>();

/** The layer as kernels read it (W^T computed on first access), cached per layer object. */
export function kernelLayout(layer: FirstLayer): DenseLayerT {
  let t = kernelLayouts.get(layer);
  if (t === undefined) {
    const { dim, width, weights, bias } = layer;
    let weightsT: Float32Array | undefined;
    t = {
      dim,
      width,
      weights,
      bias,
      get weightsT(): Float32Array {
        weightsT ??= transpose(weights, width, dim);
        return weightsT;
      },
    };
    kernelLayouts.set(layer, t);
  }
  return t;
}

/** The transpose of a rows × cols row-major matrix. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
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

const CHUNK_ROWS = 8192;

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
