// The classic explicit one-hidden-layer threshold construction (Baum-style), the worst-case
// baseline the papers' introductions cite: project every point onto one random direction that
// separates them all (the same stage I as the Vardi–Yehudai–Shamir construction, Lemma A.2),
// sort the projections, and place one threshold neuron h_j(x) = 1[ũᵀx − θ_j > 0] at each change
// of label along the line (θ_j the exact midpoint of the two neighbours). The output is the label
// of the segment the point falls in: F(x) = y_(1) + Σ_j (y_after_j − y_before_j)·h_j(x).
// At most N − 1 hidden neurons; exactly the number of label changes along the projection.
// Weights and thresholds are exact dyadic rationals, and evaluation is exact.

import { DataError, type Dataset } from "../data/dataset.js";
import {
  type Dyadic,
  add,
  bitLength,
  compare,
  decomposeNumber,
  dyadic,
  fixedPointBits,
  mulPow2,
} from "../vys/dyadic.js";
import { findStageOne } from "../vys/stageOne.js";

/** A fitted projection network (plain data). */
export interface ProjectionNetwork {
  readonly inputDim: number;
  /** ũ_k · 2^directionBits (integers): the shared direction of every hidden neuron. */
  readonly direction: readonly bigint[];
  readonly directionBits: number;
  /** θ_j in units of ũᵀx, strictly increasing (one per hidden neuron). */
  readonly thresholds: readonly Dyadic[];
  /** Label (class index) of the lowest segment, y_(1). */
  readonly baseLabel: number;
  /** Output weight of hidden neuron j: the change of label at θ_j (never 0). */
  readonly steps: Int32Array;
  readonly classes: number;
}

/** Size of a projection network, counted on the network. */
export interface ProjectionStats {
  readonly neurons: number;
  /** Non-zero weights and biases (hidden: nnz(ũ) + 1 each; output: one per neuron, + bias). */
  readonly parameters: number;
  /** Weight layers (1 hidden + output). */
  readonly depth: 2;
  /** Largest fixed-point bit count of a weight or bias. */
  readonly bitComplexity: number;
}

/** Options of the projection construction. */
export interface ProjectionOptions {
  /** Seed of the random directions (default 0). */
  readonly seed?: number;
}

/**
 * Builds the projection network for `ds` (class indices as labels). DataError if the data contain
 * duplicate points (no direction separates them) or are empty.
 */
export function fitProjection(ds: Dataset, options: ProjectionOptions = {}): ProjectionNetwork {
  if (ds.size === 0) throw new DataError(`${ds.name}: cannot fit an empty data set`);
  const stage = findStageOne(ds.features, ds.dim, { seed: options.seed ?? 0 });
  // stage.sorted[t] = s·(ũᵀx + b) for the t-th smallest point; back to units of ũᵀx.
  const unscale = (v: Dyadic): Dyadic => add(mulPow2(v, -stage.scaleLog2), dyadic(-stage.bias, 0));
  const thresholds: Dyadic[] = [];
  const steps: number[] = [];
  const order = stage.order;
  for (let t = 1; t < ds.size; t++) {
    const before = ds.labels[order[t - 1]];
    const after = ds.labels[order[t]];
    if (before === after) continue;
    const mid = mulPow2(add(stage.sorted[t - 1], stage.sorted[t]), -1);
    thresholds.push(unscale(mid));
    steps.push(after - before);
  }
  return {
    inputDim: ds.dim,
    direction: stage.direction,
    directionBits: stage.directionBits,
    thresholds,
    baseLabel: ds.labels[order[0]],
    steps: Int32Array.from(steps),
    classes: ds.classNames.length,
  };
}

/** Neurons, non-zero parameters, depth and bit complexity of the network. */
export function projectionStats(net: ProjectionNetwork): ProjectionStats {
  const nnz = net.direction.filter((a) => a !== 0n).length;
  const k = net.thresholds.length;
  let bits = 0;
  for (const a of net.direction) {
    if (a !== 0n) bits = Math.max(bits, fixedPointBits(dyadic(a, -net.directionBits)));
  }
  for (const theta of net.thresholds)
    if (theta.m !== 0n) bits = Math.max(bits, fixedPointBits(theta));
  for (const s of net.steps) bits = Math.max(bits, bitLength(BigInt(Math.abs(s))));
  const biasNonZero = (theta: Dyadic) => (theta.m !== 0n ? 1 : 0);
  const hiddenBiases = net.thresholds.reduce((sum, theta) => sum + biasNonZero(theta), 0);
  return {
    neurons: k,
    parameters: k * nnz + hiddenBiases + k + (net.baseLabel !== 0 ? 1 : 0),
    depth: 2,
    bitComplexity: bits,
  };
}

/**
 * The exact outputs F(x) (class indices, possibly outside 0..classes−1 for unseen points: then
 * clamped) of row-major float points, evaluated in exact integer arithmetic. Because every hidden
 * neuron shares ũ and the thresholds are strictly increasing, h_j(x) = 1 exactly for the j with
 * θ_j < ũᵀx, so Σ_j steps_j·h_j(x) is a prefix sum found by binary search.
 */
export function predictProjection(net: ProjectionNetwork, points: Float32Array): Int32Array {
  const dim = net.inputDim;
  if (points.length % dim !== 0) {
    throw new DataError(
      `${points.length} values are not a whole number of rows of dimension ${dim}`,
    );
  }
  checkIncreasing(net.thresholds);
  const prefix = new Int32Array(net.steps.length + 1);
  prefix[0] = net.baseLabel;
  for (let j = 0; j < net.steps.length; j++) prefix[j + 1] = prefix[j] + net.steps[j];
  const rows = points.length / dim;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const p = exactProjection(net, points, i * dim);
    // count of thresholds strictly below p
    let lo = 0;
    let hi = net.thresholds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(net.thresholds[mid], p) < 0) lo = mid + 1;
      else hi = mid;
    }
    out[i] = Math.min(net.classes - 1, Math.max(0, prefix[lo]));
  }
  return out;
}

/** Fraction of `ds`'s points whose exact output equals their label. */
export function scoreProjection(net: ProjectionNetwork, ds: Dataset): number {
  if (ds.dim !== net.inputDim) {
    throw new DataError(`${ds.name}: dimension ${ds.dim}, the network expects ${net.inputDim}`);
  }
  const predicted = predictProjection(net, ds.features);
  let correct = 0;
  for (let i = 0; i < ds.size; i++) if (predicted[i] === ds.labels[i]) correct++;
  return ds.size === 0 ? 0 : correct / ds.size;
}

/** ũᵀx exactly, for the point at points[offset .. offset + dim). */
function exactProjection(net: ProjectionNetwork, points: Float32Array, offset: number): Dyadic {
  let minExp = Infinity;
  for (let k = 0; k < net.inputDim; k++) {
    const v = points[offset + k];
    if (v !== 0 && net.direction[k] !== 0n) minExp = Math.min(minExp, decomposeNumber(v).e);
  }
  if (minExp === Infinity) return dyadic(0n, 0);
  let s = 0n;
  for (let k = 0; k < net.inputDim; k++) {
    const v = points[offset + k];
    const a = net.direction[k];
    if (v === 0 || a === 0n) continue;
    const { m, e } = decomposeNumber(v);
    s += a * (BigInt(m) << BigInt(e - minExp));
  }
  return dyadic(s, minExp - net.directionBits);
}

function checkIncreasing(thresholds: readonly Dyadic[]): void {
  for (let j = 1; j < thresholds.length; j++) {
    if (compare(thresholds[j - 1], thresholds[j]) >= 0) {
      throw new DataError(`projection network: thresholds ${j - 1} and ${j} are not increasing`);
    }
  }
}
