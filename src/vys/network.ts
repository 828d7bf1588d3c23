// The exact network representation: a feed-forward ReLU network as a list of sparse layers whose
// weights and biases are exact dyadic rationals, and the metrics measured on it.

import { type Dyadic, ZERO, bitLength, fixedPointBits } from "./dyadic.js";

/**
 * One affine layer y = W·h + b in compressed sparse rows: the non-zero weights of output row i are
 * cols[rowStart[i] .. rowStart[i+1]) with values values[...] (columns ascending). ReLU follows
 * every layer of a network except the last.
 */
export interface SparseLayer {
  /** Number of inputs (neurons of the layer below, or the input dimension). */
  readonly inputs: number;
  /** Number of outputs (neurons of this layer). */
  readonly outputs: number;
  /** Row offsets into cols/values, length outputs + 1. */
  readonly rowStart: Int32Array;
  /** Input index of each non-zero weight. */
  readonly cols: Int32Array;
  /** Each non-zero weight (never zero). */
  readonly values: readonly Dyadic[];
  /** Bias of each output (ZERO where there is none). */
  readonly biases: readonly Dyadic[];
}

/** A named range of layers (inclusive), e.g. "stage III segment 2": for reports and diagnostics. */
export interface LayerSpan {
  readonly name: string;
  readonly first: number;
  readonly last: number;
}

/**
 * A ReLU network R^inputDim → R^outputDim: h⁰ = x, hˡ = σ(Wˡ hˡ⁻¹ + bˡ) for the hidden layers,
 * output = W^L h^(L−1) + b^L (no ReLU on the last layer).
 */
export interface ReluNetwork {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly layers: readonly SparseLayer[];
  /** Optional annotations: which layers implement which block of the construction. */
  readonly spans: readonly LayerSpan[];
}

/** Size of a network, measured on the network object (never from formulas). */
export interface NetworkMetrics {
  /** Number of weight layers L (the paper's depth). */
  readonly depth: number;
  /** Largest hidden layer (0 for a single-layer network). */
  readonly width: number;
  /** Non-zero weights (the paper's number of parameters, Sec. 2); biases are not included. */
  readonly parameters: number;
  /** Non-zero biases (reported separately). */
  readonly biases: number;
  /** Hidden neurons in total. */
  readonly neurons: number;
  /** Largest fixed-point bit count over all weights and biases (see fixedPointBits). */
  readonly bitComplexity: number;
  /** Largest fixed-point bit count over the weights only. */
  readonly weightBitComplexity: number;
  /** Largest fixed-point bit count over the biases only. */
  readonly biasBitComplexity: number;
  /** Largest number of mantissa bits LEN(m) of a weight or bias m·2^e (m odd). */
  readonly mantissaBits: number;
}

/** Depth, width, parameters, biases and bit complexity, counted on the network itself. */
export function networkMetrics(net: ReluNetwork): NetworkMetrics {
  let width = 0;
  let parameters = 0;
  let biases = 0;
  let neurons = 0;
  let weightBits = 0;
  let biasBits = 0;
  let mantissaBits = 0;
  const last = net.layers.length - 1;
  net.layers.forEach((layer, l) => {
    if (l < last) {
      width = Math.max(width, layer.outputs);
      neurons += layer.outputs;
    }
    for (const v of layer.values) {
      if (v.m === 0n) continue;
      parameters++;
      weightBits = Math.max(weightBits, fixedPointBits(v));
      mantissaBits = Math.max(mantissaBits, mantissaLength(v));
    }
    for (const b of layer.biases) {
      if (b.m === 0n) continue;
      biases++;
      biasBits = Math.max(biasBits, fixedPointBits(b));
      mantissaBits = Math.max(mantissaBits, mantissaLength(b));
    }
  });
  return {
    depth: net.layers.length,
    width,
    parameters,
    biases,
    neurons,
    bitComplexity: Math.max(weightBits, biasBits),
    weightBitComplexity: weightBits,
    biasBitComplexity: biasBits,
    mantissaBits,
  };
}

function mantissaLength(v: Dyadic): number {
  return bitLength(v.m);
}

/**
 * Checks the structure of a network (dimensions chain, indices in range, columns ascending, no
 * zero weights stored); throws Error naming the layer and field.
 */
export function checkNetworkStructure(net: ReluNetwork): void {
  if (net.layers.length === 0) throw new Error("network has no layers");
  let inputs = net.inputDim;
  net.layers.forEach((layer, l) => {
    const where = `layer ${l}`;
    if (layer.inputs !== inputs) {
      throw new Error(
        `${where}: has ${layer.inputs} inputs, the layer below has ${inputs} outputs`,
      );
    }
    if (layer.rowStart.length !== layer.outputs + 1 || layer.rowStart[0] !== 0) {
      throw new Error(`${where}: rowStart must have outputs + 1 entries starting at 0`);
    }
    if (layer.biases.length !== layer.outputs) {
      throw new Error(`${where}: ${layer.biases.length} biases for ${layer.outputs} outputs`);
    }
    const nnz = layer.rowStart[layer.outputs];
    if (layer.cols.length !== nnz || layer.values.length !== nnz) {
      throw new Error(
        `${where}: rowStart ends at ${nnz} but there are ${layer.cols.length} weights`,
      );
    }
    for (let i = 0; i < layer.outputs; i++) {
      const a = layer.rowStart[i];
      const b = layer.rowStart[i + 1];
      if (b < a) throw new Error(`${where}: rowStart decreases at row ${i}`);
      for (let k = a; k < b; k++) {
        const c = layer.cols[k];
        if (!(c >= 0 && c < layer.inputs)) {
          throw new Error(`${where}: row ${i} has column ${c}, outside 0..${layer.inputs - 1}`);
        }
        if (k > a && layer.cols[k - 1] >= c) {
          throw new Error(`${where}: row ${i}: columns must be strictly ascending`);
        }
        if (layer.values[k].m === 0n) throw new Error(`${where}: row ${i} stores a zero weight`);
      }
    }
    inputs = layer.outputs;
  });
  if (inputs !== net.outputDim) {
    throw new Error(`last layer has ${inputs} outputs, network declares ${net.outputDim}`);
  }
}

/** Builds a SparseLayer from per-row lists of (column, weight) and biases; zero weights dropped. */
export function sparseLayer(
  inputs: number,
  rows: readonly (readonly (readonly [number, Dyadic])[])[],
  biases: readonly Dyadic[],
): SparseLayer {
  const rowStart = new Int32Array(rows.length + 1);
  const cols: number[] = [];
  const values: Dyadic[] = [];
  rows.forEach((row, i) => {
    const sorted = [...row].filter(([, v]) => v.m !== 0n).sort((p, q) => p[0] - q[0]);
    for (const [c, v] of sorted) {
      cols.push(c);
      values.push(v);
    }
    rowStart[i + 1] = cols.length;
  });
  return {
    inputs,
    outputs: rows.length,
    rowStart,
    cols: Int32Array.from(cols),
    values,
    biases: biases.map((b) => (b.m === 0n ? ZERO : b)),
  };
}
