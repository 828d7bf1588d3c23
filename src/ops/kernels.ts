// The ops bound to one backend choice: what algorithm code holds as `Kernels`. Each method is an
// op (validates its arguments once, then runs the resolved backend's kernel).

import type {
  BitMatrix,
  DenseLayerT,
  Kernels,
  SeparationResult,
  ValueMatrix,
  Workspace,
} from "../backends/types.js";
import type { BackendInstance, BackendName } from "../backends/registry.js";
import { Dispatch, InstanceDispatch, type BackendChoice } from "./dispatch.js";
import { coverage, reluCoverage } from "./coverage.js";
import { reluLayer, thresholdLayer } from "./firstLayer.js";
import { sampleHyperplanes } from "./sampling.js";
import {
  maskedAnyBelow,
  maskedBelow,
  maskedMin,
  maskedMinMany,
  reluAnyBelow,
  reluBelow,
  reluMinMany,
} from "./scores.js";
import { separation } from "./separation.js";

/** Every op, dispatched for one backend choice. */
export class BoundKernels implements Kernels {
  /** Which backend runs each kernel. */
  readonly dispatch: Dispatch;

  constructor(choice: BackendChoice, dispatch: Dispatch = new Dispatch(choice)) {
    this.dispatch = dispatch;
  }

  /** The name of the backend of highest priority in the choice (which runs most kernels). */
  get name(): string {
    return this.dispatch.primary().name;
  }

  workspace(): Workspace {
    return this.dispatch.primary().workspace();
  }

  thresholdLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: BitMatrix,
    outRowOffset: number,
  ): void {
    thresholdLayer(this.dispatch, x, rows, layer, out, outRowOffset);
  }

  reluLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: Float32Array,
    outRowOffset: number,
  ): void {
    reluLayer(this.dispatch, x, rows, layer, out, outRowOffset);
  }

  maskedMin(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    stopAt: number,
  ): number {
    return maskedMin(this.dispatch, bits, mask, rows, count, stopAt);
  }

  maskedMinMany(
    bits: BitMatrix,
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Int32Array,
  ): void {
    maskedMinMany(this.dispatch, bits, masks, maskCount, rows, count, stopAt, out);
  }

  maskedBelow(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number {
    return maskedBelow(this.dispatch, bits, mask, rows, count, bound, out);
  }

  maskedAnyBelow(
    bits: BitMatrix,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void {
    maskedAnyBelow(this.dispatch, bits, masks, thresholds, maskCount, rows, count, out);
  }

  separation(
    bits: BitMatrix,
    negativeRows: Int32Array,
    positiveRows: Int32Array,
    stopAtFirstFailure: boolean,
  ): SeparationResult {
    return separation(this.dispatch, bits, negativeRows, positiveRows, stopAtFirstFailure);
  }

  sampleHyperplanes(
    state: Float64Array,
    dim: number,
    count: number,
    lambda: number,
    weights: Float32Array,
    bias: Float32Array,
  ): void {
    sampleHyperplanes(this.dispatch, state, dim, count, lambda, weights, bias);
  }

  reluMinMany(
    values: ValueMatrix,
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Float64Array,
  ): void {
    reluMinMany(this.dispatch, values, masks, maskCount, rows, count, stopAt, out);
  }

  reluBelow(
    values: ValueMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number {
    return reluBelow(this.dispatch, values, mask, rows, count, bound, out);
  }

  reluAnyBelow(
    values: ValueMatrix,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void {
    reluAnyBelow(this.dispatch, values, masks, thresholds, maskCount, rows, count, out);
  }

  coverage(
    bits: BitMatrix,
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): void {
    coverage(this.dispatch, bits, masks, maskCount, bounds, rows, count, out);
  }

  reluCoverage(
    values: ValueMatrix,
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): void {
    reluCoverage(this.dispatch, values, masks, maskCount, bounds, rows, count, out);
  }
}

/**
 * The ops on one explicit instance of a registered backend (e.g. a native context running
 * another kernel table than the registered one); kernels it lacks run on the reference.
 */
export function kernelsOn(backend: BackendName, instance: BackendInstance): BoundKernels {
  return new BoundKernels(backend, new InstanceDispatch(backend, instance));
}
