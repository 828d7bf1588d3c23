// Float64 evaluation of a ReluNetwork (weights rounded to the nearest float64), and a trace that
// finds the first layer where float64 arithmetic departs from the exact values: it shows where
// finite precision breaks the construction.

import { type Dyadic, toNumber } from "./dyadic.js";
import type { ReluNetwork } from "./network.js";
import { traceExact } from "./exactEval.js";

/**
 * A network with float64 weights, flattened for fast evaluation: values live in slots (slot 0 is
 * the constant 0, inputs are slots 1..inputDim); neurons that copy a hidden neuron share its slot.
 */
export interface FloatProgram {
  readonly inputDim: number;
  readonly slots: number;
  readonly sumSlot: Int32Array;
  readonly sumRelu: Uint8Array;
  readonly termStart: Int32Array;
  readonly termSlot: Int32Array;
  readonly termWeight: Float64Array;
  readonly bias: Float64Array;
  /** Slot of every neuron of every layer. */
  readonly layerSlots: readonly Int32Array[];
}

/** Rounds every weight and bias to the nearest float64 (huge ones become ±Infinity). */
export function compileFloat64(net: ReluNetwork): FloatProgram {
  const last = net.layers.length - 1;
  let prevSlot = Int32Array.from({ length: net.inputDim }, (_, k) => k + 1);
  let slots = net.inputDim + 1;
  const sumSlot: number[] = [];
  const sumRelu: number[] = [];
  const termStart: number[] = [0];
  const termSlot: number[] = [];
  const termWeight: number[] = [];
  const bias: number[] = [];
  const layerSlots: Int32Array[] = [];
  net.layers.forEach((layer, l) => {
    const relu = l < last;
    const slotOf = new Int32Array(layer.outputs);
    for (let i = 0; i < layer.outputs; i++) {
      const a = layer.rowStart[i];
      const b = layer.rowStart[i + 1];
      const w = b - a === 1 ? layer.values[a] : undefined;
      // σ(h) = h for a hidden neuron h (>= 0, or NaN, which σ keeps); no ReLU on the last layer.
      if (w && w.m === 1n && w.e === 0 && layer.biases[i].m === 0n && (l > 0 || !relu)) {
        slotOf[i] = prevSlot[layer.cols[a]];
        continue;
      }
      slotOf[i] = slots;
      sumSlot.push(slots++);
      sumRelu.push(relu ? 1 : 0);
      for (let k = a; k < b; k++) {
        termSlot.push(prevSlot[layer.cols[k]]);
        termWeight.push(toNumber(layer.values[k]));
      }
      termStart.push(termSlot.length);
      bias.push(toNumber(layer.biases[i]));
    }
    layerSlots.push(slotOf);
    prevSlot = slotOf;
  });
  return {
    inputDim: net.inputDim,
    slots,
    sumSlot: Int32Array.from(sumSlot),
    sumRelu: Uint8Array.from(sumRelu),
    termStart: Int32Array.from(termStart),
    termSlot: Int32Array.from(termSlot),
    termWeight: Float64Array.from(termWeight),
    bias: Float64Array.from(bias),
    layerSlots,
  };
}

const scratch = new WeakMap<FloatProgram, Float64Array>();

/** Float64 outputs of a compiled program on x[offset .. offset + inputDim); trace gets every layer. */
export function evaluateFloatProgram(
  program: FloatProgram,
  x: ArrayLike<number>,
  offset = 0,
  trace?: Float64Array[],
): Float64Array {
  // Every slot is written before it is read, so one buffer per program serves every point.
  let vals = scratch.get(program);
  if (!vals) {
    vals = new Float64Array(program.slots);
    scratch.set(program, vals);
  }
  for (let k = 0; k < program.inputDim; k++) vals[k + 1] = x[offset + k];
  const { sumSlot, sumRelu, termStart, termSlot, termWeight, bias } = program;
  for (let s = 0; s < sumSlot.length; s++) {
    let acc = bias[s];
    const end = termStart[s + 1];
    for (let t = termStart[s]; t < end; t++) acc += termWeight[t] * vals[termSlot[t]];
    vals[sumSlot[s]] = sumRelu[s] === 1 && acc <= 0 ? 0 : acc; // NaN stays NaN
  }
  const v = vals;
  if (trace)
    for (const slots of program.layerSlots) trace.push(Float64Array.from(slots, (i) => v[i]));
  const out = program.layerSlots[program.layerSlots.length - 1];
  return Float64Array.from(out, (i) => v[i]);
}

/** Float64 outputs of the network on one point. */
export function evaluateFloat64(net: ReluNetwork, x: ArrayLike<number>): Float64Array {
  return evaluateFloatProgram(compileFloat64(net), x);
}

/** Where float64 evaluation first departs from the exact values on one point. */
export interface FloatDivergence {
  /** Layer index (0-based) of the first neuron off by more than the tolerance. */
  readonly layer: number;
  /** Neuron within that layer. */
  readonly neuron: number;
  /** Names of the construction blocks covering that layer. */
  readonly spans: readonly string[];
  /** Exact value (rounded to float64 for display) and the float64 result. */
  readonly exact: number;
  readonly float: number;
}

/**
 * Evaluates one point exactly and in float64, layer by layer; returns the first neuron where
 * |float − exact| > tolerance·max(1, |exact|) (or a NaN appears), or null if none does.
 */
export function findFloat64Divergence(
  net: ReluNetwork,
  x: ArrayLike<number>,
  tolerance = 1e-6,
): FloatDivergence | null {
  const exact: Dyadic[][] = traceExact(net, x);
  const trace: Float64Array[] = [];
  evaluateFloatProgram(compileFloat64(net), x, 0, trace);
  for (let l = 0; l < exact.length; l++) {
    for (let i = 0; i < exact[l].length; i++) {
      const e = toNumber(exact[l][i]);
      const f = trace[l][i];
      const off = Number.isNaN(f) || Math.abs(f - e) > tolerance * Math.max(1, Math.abs(e));
      if (off) {
        const spans = net.spans.filter((s) => s.first <= l && l <= s.last).map((s) => s.name);
        return { layer: l, neuron: i, spans, exact: e, float: f };
      }
    }
  }
  return null;
}
