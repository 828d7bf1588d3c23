// The small interface between the algorithms and the hot loops: the data types the kernels read
// and write, and the signature of every kernel. The reference backend implements every kernel
// (it is the specification); fast backends register the kernels they speed up (registry.ts), and
// the ops (src/ops/) validate arguments once and dispatch to them. All must agree bit for bit.

import { coverWordsFor, wordsPerRowFor } from "./bits.js";

export { coverWordsFor, wordsPerRowFor };

/**
 * Threshold activations of N points, bit-packed: row r holds the n bits of Φ(x_r).
 * Neuron i of row r is bit (i & 31) of word data[r * wordsPerRow + (i >>> 5)] (LSB first).
 * wordsPerRow is a multiple of 16 (rows are 64-byte aligned blocks); padding bits are 0.
 */
export interface BitMatrix {
  readonly rows: number;
  /** Number of meaningful bits per row (the first-layer width n). */
  readonly bits: number;
  readonly wordsPerRow: number;
  readonly data: Uint32Array;
}

/**
 * ReLU first-layer outputs of `rows` points: row r holds the `width` values max(z_i(x_r), 0) at
 * data[r * width + i]. Masks over them are bit-packed with wordsPerRowFor(width) words per mask.
 */
export interface ValueMatrix {
  readonly rows: number;
  readonly width: number;
  readonly data: Float32Array;
}

/**
 * A first layer as the kernels read it: W in the paper's layout, its transpose W^T, and b.
 * Backends read whichever layout suits them; W^T may be computed on first access, so a backend
 * that never reads it never pays for it.
 */
export interface DenseLayerT {
  readonly dim: number;
  readonly width: number;
  /** W: entry (i, j) = W[i][j] at index i * dim + j. */
  readonly weights: Float32Array;
  /** W^T: entry (j, i) = W[i][j] at index j * width + i. */
  readonly weightsT: Float32Array;
  readonly bias: Float32Array;
}

/**
 * Arrays that a backend's kernels can read and write in place. Fast backends hand out views of
 * their own memory (e.g. WebAssembly linear memory) so that large matrices are never copied per
 * call. All arrays are zero-filled. Release with dispose() when the fit is done.
 */
export interface Workspace {
  u32(length: number): Uint32Array;
  i32(length: number): Int32Array;
  f32(length: number): Float32Array;
  dispose(): void;
}

/** What the separation kernel reports (see KernelSignatures.separation). */
export interface SeparationResult {
  readonly maxFirst: number;
  readonly unseparated: number;
  readonly exampleNegative: number;
  readonly examplePositive: number;
}

/**
 * Every kernel, by name. Floating-point kernels must reproduce the reference rounding exactly:
 * pre-activation z_i(x) = fl32(... fl32(fl32(0 + fl32(x_0 W_i0)) + fl32(x_1 W_i1)) ... ) + b_i
 * accumulated in float32 over j = 0..d-1 in increasing order, no fused multiply-add;
 * terms with x_j = 0 may be skipped (adding ±0 changes nothing), then fl32(z + b_i).
 * ReLU scores ⟨u, Φ(x)⟩ are float64 sums over the masked neurons in increasing neuron order
 * (mask bits at or beyond the width are ignored).
 */
export interface KernelSignatures {
  /**
   * Threshold first layer: for rows r in [0, rows) of `x` (row-major, layer.dim columns) sets bit i
   * of out row (outRowOffset + r) to 1 iff z_i(x_r) > 0, and clears it otherwise.
   */
  thresholdLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: BitMatrix,
    outRowOffset: number,
  ): void;
  /** ReLU first layer: out[(outRowOffset + r) * width + i] = max(z_i(x_r), 0). */
  reluLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: Float32Array,
    outRowOffset: number,
  ): void;
  /**
   * min over k < count of popcount(mask AND bits[rows[k]]). May stop as soon as the running
   * minimum is <= stopAt and return that running minimum; otherwise returns the exact minimum.
   * Returns 2^31-1 when count is 0.
   */
  maskedMin(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    stopAt: number,
  ): number;
  /**
   * The minima of maskedMin for `maskCount` masks at once (mask q is
   * masks[q*wordsPerRow .. (q+1)*wordsPerRow)), written to out[q]; per mask the same early-stop
   * rule as maskedMin. One pass over the rows serves all masks, which is what makes it fast.
   */
  maskedMinMany(
    bits: BitMatrix,
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Int32Array,
  ): void;
  /**
   * Writes to out[0..] (in order) those rows[k], k < count, with popcount(mask AND bits[rows[k]]) <
   * bound, and returns how many there are (results beyond out.length are dropped).
   */
  maskedBelow(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number;
  /**
   * Prediction: out[t] = 1 if some mask q < maskCount has
   * popcount(mask_q AND bits[rows[t]]) < thresholds[q], else 0, for t < count.
   */
  maskedAnyBelow(
    bits: BitMatrix,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void;
  /**
   * Algorithm 1: over pairs (negativeRows[a], positiveRows[b]), the lowest bit index i set in the
   * positive row and clear in the negative one (among the first bits.bits). Returns the maximum of
   * that index over the pairs that have one (−1 if none), how many pairs have none, and the first
   * such pair in (a, b) order as list indices (−1, −1 if none). With stopAtFirstFailure it may
   * return as soon as a pair without one is found; then only `unseparated > 0` is meaningful.
   */
  separation(
    bits: BitMatrix,
    negativeRows: Int32Array,
    positiveRows: Int32Array,
    stopAtFirstFailure: boolean,
  ): SeparationResult;
  /**
   * First-layer sampling: continues the Rng stream whose state (see Rng.saveState) is in `state`
   * (updated in place) — for each of `count` hyperplanes, `dim` normal deviates rounded to
   * float32 into weights, then fround(uniformIn(−λ, λ)) into bias.
   */
  sampleHyperplanes(
    state: Float64Array,
    dim: number,
    count: number,
    lambda: number,
    weights: Float32Array,
    bias: Float32Array,
  ): void;
  /**
   * ReLU scoring, the float counterpart of maskedMinMany: out[q] = min over k < count of
   * ⟨mask_q, values[rows[k]]⟩ (Infinity when count is 0), with the same early-stop rule.
   */
  reluMinMany(
    values: ValueMatrix,
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Float64Array,
  ): void;
  /** ReLU counterpart of maskedBelow: the rows with ⟨mask, values[row]⟩ < bound, in order. */
  reluBelow(
    values: ValueMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number;
  /**
   * Covers of second-layer neurons, as bit sets: for masks q < maskCount and list indices
   * t < count, bit t of out row q (row q is the coverWordsFor(count) words at
   * out[q * coverWordsFor(count) ..], LSB first) is 1 iff popcount(mask_q AND bits[rows[t]]) <
   * bounds[q]. Every word of the maskCount rows is written (bits at or beyond count are 0).
   */
  coverage(
    bits: BitMatrix,
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): void;
  /** ReLU counterpart of coverage: bit t of row q is 1 iff ⟨mask_q, values[rows[t]]⟩ < bounds[q]. */
  reluCoverage(
    values: ValueMatrix,
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): void;
  /** ReLU counterpart of maskedAnyBelow. */
  reluAnyBelow(
    values: ValueMatrix,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void;
}

/** The name of a kernel. */
export type KernelName = keyof KernelSignatures;

/** The names of all kernels (every one is implemented by the reference backend). */
export const KERNEL_NAMES: readonly KernelName[] = [
  "thresholdLayer",
  "reluLayer",
  "maskedMin",
  "maskedMinMany",
  "maskedBelow",
  "maskedAnyBelow",
  "separation",
  "sampleHyperplanes",
  "reluMinMany",
  "reluBelow",
  "reluAnyBelow",
  "coverage",
  "reluCoverage",
];

/**
 * What algorithm code holds: every kernel as an op (arguments validated once, then dispatched to
 * the chosen backend's kernel, or the reference's), the name of the backend and its workspaces.
 */
export interface Kernels extends KernelSignatures {
  readonly name: string;
  workspace(): Workspace;
}
