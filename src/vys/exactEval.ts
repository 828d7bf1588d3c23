// Exact evaluation of a ReluNetwork on float64 inputs (each float64 is a dyadic rational).
//
// Speed comes from a compile step that fixes, for every neuron i, a static exponent e_i such that
// the neuron's value is always an integer multiple of 2^e_i (inputs: the smallest exponent over
// the batch; neuron i: min over its terms of e_j + exponent(w_ij), and the bias exponent). Values
// are then plain BigInt numerators h_i (value = h_i·2^e_i); each weight is pre-shifted to
// M_ij·2^(e_j + f_ij − e_i) and each bias to its numerator, so a neuron costs only BigInt
// multiply-adds — no rational normalization, no shifts at run time. Neurons that copy a hidden
// neuron (one weight 1, no bias) share its storage slot and cost nothing; weights ±1 become
// additions. Powers of two are absorbed into the exponents, so e.g. σ(2z) is a copy. Finally
// ExactRunner reuses a neuron's value when its inputs equal those of the previous point.
//
// Resources are bounded (ExactBudget): compiling refuses, before shifting anything, a weight or
// bias whose pre-shifted numerator would exceed maxValueBits bits, and a program whose values
// could need more than maxMemoryBytes (static bound per neuron: the largest term's bits plus
// log₂ of the number of terms, capped at maxValueBits); evaluating refuses a neuron whose value
// exceeds 2^maxValueBits and stops at a deadline. Each is a ResourceLimitError naming the layer
// and neuron, so a hostile network file ends with one line instead of exhausting memory or time.

import {
  type Dyadic,
  ZERO,
  add,
  decomposeNumber,
  dyadic,
  fromNumber,
  mul,
  scaledToNumber,
  bitLength,
} from "./dyadic.js";
import { ResourceLimitError } from "../errors.js";
import type { ReluNetwork } from "./network.js";
import type { OnProgress } from "../progress.js";

/** Resource limits of exact evaluation (each optional; defaults in DEFAULT_EXACT_BUDGET). */
export interface ExactBudget {
  /** Largest bit length of a neuron's numerator (value / 2^exponent) and of a pre-shifted weight. */
  readonly maxValueBits?: number;
  /** Largest memory the program's numerators may need, by the static bound (bytes). */
  readonly maxMemoryBytes?: number;
  /** Stop (ResourceLimitError) when performance.now() passes this time (ms); default never. */
  readonly deadline?: number;
}

/**
 * Default budget: 2^18 bits per value (32 KiB; memonet's own networks need a few thousand — MNIST
 * N = 70 000 at most ~2 600 bits of weights, values a few bits more) and 2 GiB of numerators.
 */
export const DEFAULT_EXACT_BUDGET = {
  maxValueBits: 1 << 18,
  maxMemoryBytes: 2 ** 31,
} as const;

const OP_PLUS = 1;
const OP_MINUS = 2;
const OP_MUL = 3;

/**
 * A network compiled for exact evaluation of inputs whose exponents are >= inputExponents.
 * Values live in slots: one per input and per computing ("sum") neuron; a neuron that copies a
 * hidden neuron (one weight 1, no bias) shares its source's slot, so copies cost nothing.
 * Sum neuron s writes slot sumSlot[s] = [σ](bias[s] + Σ_t mult[t]·slot[termSlot[t]]).
 */
export interface ExactProgram {
  readonly inputDim: number;
  readonly outputDim: number;
  /** Static exponent of each input coordinate (Infinity: the coordinate is always 0). */
  readonly inputExponents: readonly number[];
  /** Static exponent of each output. */
  readonly outputExponents: readonly number[];
  /** Number of value slots (slot 0 is the constant 0; inputs are slots 1..inputDim). */
  readonly slots: number;
  readonly sumSlot: Int32Array;
  readonly sumRelu: Uint8Array;
  readonly termStart: Int32Array;
  readonly termSlot: Int32Array;
  readonly termOp: Uint8Array;
  readonly termMult: readonly bigint[];
  readonly bias: readonly bigint[];
  /** Slot of every neuron of every layer (layer l's outputs), and its static exponent. */
  readonly layerSlots: readonly Int32Array[];
  readonly exponents: readonly (readonly number[])[];
  /** Largest bit length a numerator may reach (ExactRunner refuses more). */
  readonly maxValueBits: number;
  /** The static bound on the bits of every value and pre-shifted weight, summed. */
  readonly valueBits: number;
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/**
 * For a batch of points (row-major, `dim` values each), the smallest exponent e with every value
 * of coordinate k an integer multiple of 2^e (Infinity where the coordinate is always 0).
 * RangeError naming the row for NaN or ±Infinity.
 */
export function inputExponentsOf(points: ArrayLike<number>, dim: number): number[] {
  const out = new Array<number>(dim).fill(Infinity);
  const count = Math.floor(points.length / dim);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < dim; k++) {
      const v = points[i * dim + k];
      if (v === 0) continue;
      if (!Number.isFinite(v)) {
        throw new RangeError(`point ${i}, coordinate ${k} is ${v}: cannot evaluate exactly`);
      }
      const e = decomposeNumber(v).e;
      if (e < out[k]) out[k] = e;
    }
  }
  return out;
}

/** Bits of an input numerator at most: a float64 mantissa (53) shifted by up to 2098 places. */
const INPUT_BITS = 53 + 2098;

/**
 * Compiles `net` for inputs whose coordinate k is a multiple of 2^inputExponents[k];
 * ResourceLimitError (naming the layer and neuron) when it would exceed `budget`.
 */
export function compileExact(
  net: ReluNetwork,
  inputExponents: readonly number[],
  budget: ExactBudget = {},
): ExactProgram {
  if (inputExponents.length !== net.inputDim) {
    throw new Error(`compileExact: ${inputExponents.length} exponents for ${net.inputDim} inputs`);
  }
  const maxBits = budget.maxValueBits ?? DEFAULT_EXACT_BUDGET.maxValueBits;
  const maxBytes = budget.maxMemoryBytes ?? DEFAULT_EXACT_BUDGET.maxMemoryBytes;
  const tooBig = (l: number, i: number, what: string, bits: number): never => {
    throw new ResourceLimitError(
      `exact evaluation: layer ${l}, neuron ${i}: ${what} would need ${bits} bits, more than ` +
        `the ${maxBits} allowed (a network memonet builds needs a few thousand)`,
    );
  };
  let memoryBits = 0;
  let prevBits = new Array<number>(net.inputDim).fill(INPUT_BITS);
  let prevExp = [...inputExponents];
  let prevSlot = Int32Array.from({ length: net.inputDim }, (_, k) => k + 1);
  let slots = net.inputDim + 1;
  const sumSlot: number[] = [];
  const sumRelu: number[] = [];
  const termStart: number[] = [0];
  const termSlot: number[] = [];
  const termOp: number[] = [];
  const termMult: bigint[] = [];
  const bias: bigint[] = [];
  const layerSlots: Int32Array[] = [];
  const exponents: number[][] = [];
  const last = net.layers.length - 1;
  net.layers.forEach((layer, l) => {
    const relu = l < last;
    const exps = new Array<number>(layer.outputs);
    const bitsOf = new Array<number>(layer.outputs).fill(0);
    const slotOf = new Int32Array(layer.outputs);
    for (let i = 0; i < layer.outputs; i++) {
      const a = layer.rowStart[i];
      const b = layer.rowStart[i + 1];
      const bi = layer.biases[i];
      let e = bi.m === 0n ? Infinity : bi.e;
      for (let k = a; k < b; k++) {
        const src = prevExp[layer.cols[k]];
        if (src !== Infinity) e = Math.min(e, src + layer.values[k].e);
      }
      exps[i] = e;
      if (e === Infinity) {
        slotOf[i] = 0; // always 0
        continue;
      }
      // Bit lengths first (numbers only): nothing is shifted beyond the budget.
      let bound = 0;
      let count = bi.m === 0n ? 0 : 1;
      if (bi.m !== 0n) {
        bound = bitLength(bi.m) + (bi.e - e);
        if (bound > maxBits) tooBig(l, i, "the bias", bound);
      }
      for (let k = a; k < b; k++) {
        const src = prevExp[layer.cols[k]];
        if (src === Infinity) continue;
        const w = layer.values[k];
        const multBits = bitLength(w.m) + (src + w.e - e);
        if (multBits > maxBits) tooBig(l, i, `the weight from input ${layer.cols[k]}`, multBits);
        bound = Math.max(bound, multBits + prevBits[layer.cols[k]]);
        count++;
      }
      bitsOf[i] = Math.min(maxBits, bound + Math.ceil(Math.log2(count + 1)));
      const terms: [number, bigint][] = [];
      for (let k = a; k < b; k++) {
        const src = prevExp[layer.cols[k]];
        if (src === Infinity) continue; // multiplies 0
        const w = layer.values[k];
        terms.push([prevSlot[layer.cols[k]], w.m << BigInt(src + w.e - e)]);
      }
      const biasNum = bi.m === 0n ? 0n : bi.m << BigInt(bi.e - e);
      // A copy is exact when the source is >= 0 (a hidden neuron) or there is no ReLU.
      if (terms.length === 1 && terms[0][1] === 1n && biasNum === 0n && (l > 0 || !relu)) {
        slotOf[i] = terms[0][0];
        bitsOf[i] = prevBits[layer.cols[a]];
        continue;
      }
      memoryBits += bitsOf[i] + bitLength(biasNum);
      for (const [, mult] of terms) memoryBits += bitLength(mult);
      if (memoryBits > maxBytes * 8) {
        throw new ResourceLimitError(
          `exact evaluation: layer ${l}, neuron ${i}: the network's values could need more than ` +
            `${formatBytes(maxBytes)} of memory (the budget)`,
        );
      }
      slotOf[i] = slots;
      sumSlot.push(slots++);
      sumRelu.push(relu ? 1 : 0);
      for (const [slot, mult] of terms) {
        termSlot.push(slot);
        termMult.push(mult);
        termOp.push(mult === 1n ? OP_PLUS : mult === -1n ? OP_MINUS : OP_MUL);
      }
      termStart.push(termSlot.length);
      bias.push(biasNum);
    }
    layerSlots.push(slotOf);
    exponents.push(exps);
    prevExp = exps;
    prevBits = bitsOf;
    prevSlot = slotOf;
  });
  return {
    maxValueBits: maxBits,
    valueBits: memoryBits,
    inputDim: net.inputDim,
    outputDim: net.outputDim,
    inputExponents: [...inputExponents],
    outputExponents: prevExp,
    slots,
    sumSlot: Int32Array.from(sumSlot),
    sumRelu: Uint8Array.from(sumRelu),
    termStart: Int32Array.from(termStart),
    termSlot: Int32Array.from(termSlot),
    termOp: Uint8Array.from(termOp),
    termMult,
    bias,
    layerSlots,
    exponents,
  };
}

/** numerator · 2^exponent; exponent Infinity marks a neuron that is always 0. */
function toDyadic(numerator: bigint, exponent: number): Dyadic {
  return exponent === Infinity ? ZERO : dyadic(numerator, exponent);
}

/** Input numerators of one point (value / 2^inputExponent), exact; RangeError if not representable. */
function numerators(program: ExactProgram, x: ArrayLike<number>, offset: number): bigint[] {
  const out = new Array<bigint>(program.inputDim);
  for (let k = 0; k < program.inputDim; k++) {
    const v = x[offset + k];
    if (v === 0) {
      out[k] = 0n;
      continue;
    }
    const { m, e } = decomposeNumber(v);
    const base = program.inputExponents[k];
    if (!(e >= base)) {
      throw new RangeError(
        `input coordinate ${k} = ${v} is finer than the compiled exponent 2^${base}`,
      );
    }
    out[k] = BigInt(m) << BigInt(e - base);
  }
  return out;
}

/**
 * Evaluates points one after another with a compiled program. Slot values persist from one point
 * to the next, and each sum neuron remembers its inputs: when every input equals the previous
 * point's (BigInt === compares values) the neuron keeps its value instead of recomputing it.
 * This is exact for any network, and fast when consecutive points share most neuron inputs —
 * e.g. points in the order of their projection, where the bit-extraction tracks depend only on
 * the interval (see orderByFirstLayer).
 */
export class ExactRunner {
  private readonly values: bigint[];
  private readonly lastIn: (bigint | undefined)[];
  private readonly limit: bigint;
  private readonly deadline: number;

  /** `deadline` (performance.now() ms): evaluation stops with ResourceLimitError after it. */
  constructor(
    readonly program: ExactProgram,
    options: { readonly deadline?: number } = {},
  ) {
    this.limit = 1n << BigInt(program.maxValueBits);
    this.deadline = options.deadline ?? Infinity;
    this.values = new Array<bigint>(program.slots).fill(0n);
    this.lastIn = new Array<bigint | undefined>(program.termSlot.length).fill(undefined);
    // Neurons without terms are constants: set once (run() always finds their inputs unchanged).
    for (let s = 0; s < program.sumSlot.length; s++) {
      if (program.termStart[s] === program.termStart[s + 1]) {
        const b = program.bias[s];
        this.values[program.sumSlot[s]] = program.sumRelu[s] === 1 && b < 0n ? 0n : b;
      }
    }
  }

  /** Exact outputs on the point x[offset .. offset + inputDim). */
  evaluate(x: ArrayLike<number>, offset = 0): Dyadic[] {
    this.run(numerators(this.program, x, offset));
    const outSlots = this.program.layerSlots[this.program.layerSlots.length - 1];
    return Array.from(outSlots, (slot, i) =>
      toDyadic(this.values[slot], this.program.outputExponents[i]),
    );
  }

  /** Every layer's numerators after the last evaluation (value = n·2^exponents[l][i]). */
  layerNumerators(): bigint[][] {
    return this.program.layerSlots.map((slots) => Array.from(slots, (s) => this.values[s]));
  }

  /** Runs on input numerators (slots 1..inputDim). */
  run(input: readonly bigint[]): void {
    const vals = this.values;
    const lastIn = this.lastIn;
    for (let k = 0; k < input.length; k++) vals[k + 1] = input[k];
    const { sumSlot, sumRelu, termStart, termSlot, termOp, termMult, bias } = this.program;
    const count = sumSlot.length;
    const limit = this.limit;
    const negLimit = -limit;
    const timed = this.deadline !== Infinity;
    for (let s = 0; s < count; s++) {
      if (timed && (s & 1023) === 0 && performance.now() > this.deadline) this.overTime();
      const t0 = termStart[s];
      const t1 = termStart[s + 1];
      let same = true;
      for (let t = t0; t < t1; t++) {
        if (vals[termSlot[t]] !== lastIn[t]) {
          same = false;
          break;
        }
      }
      if (same) continue; // the slot still holds this neuron's value
      let acc = bias[s];
      for (let t = t0; t < t1; t++) {
        const h = vals[termSlot[t]];
        lastIn[t] = h;
        if (h === 0n) continue;
        const op = termOp[t];
        if (op === OP_PLUS) acc = acc === 0n ? h : acc + h;
        else if (op === OP_MINUS) acc -= h;
        else acc += termMult[t] * h;
      }
      if (acc > limit || acc < negLimit) this.overBits(s);
      vals[sumSlot[s]] = sumRelu[s] === 1 && acc < 0n ? 0n : acc;
    }
  }

  private overTime(): never {
    throw new ResourceLimitError("exact evaluation: stopped at the time limit");
  }

  private overBits(s: number): never {
    const slot = this.program.sumSlot[s];
    const where = this.program.layerSlots.findIndex((slots) => slots.includes(slot));
    throw new ResourceLimitError(
      `exact evaluation: a value of layer ${where} exceeds 2^${this.program.maxValueBits} ` +
        `(the budget; a network memonet builds needs a few thousand bits)`,
    );
  }
}

/**
 * A good evaluation order for ExactRunner: rows sorted by their first-layer pre-activations
 * (float64, lexicographically). For the memorization networks the first layer is the projection
 * of stage I, so this is the sorted order of the projected points.
 */
export function orderByFirstLayer(net: ReluNetwork, points: ArrayLike<number>): Int32Array {
  const dim = net.inputDim;
  const count = Math.floor(points.length / dim);
  const L = net.layers[0];
  const w = Float64Array.from(L.values, (v) => scaledToNumber(v.m, v.e));
  const b = Float64Array.from(L.biases, (v) => scaledToNumber(v.m, v.e));
  const keys = new Float64Array(count * L.outputs);
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < L.outputs; i++) {
      let s = b[i];
      for (let k = L.rowStart[i]; k < L.rowStart[i + 1]; k++)
        s += w[k] * points[p * dim + L.cols[k]];
      keys[p * L.outputs + i] = s;
    }
  }
  const width = L.outputs;
  return Int32Array.from({ length: count }, (_, i) => i).sort((a, c) => {
    for (let i = 0; i < width; i++) {
      const d = keys[a * width + i] - keys[c * width + i];
      if (d !== 0) return d;
    }
    return a - c;
  });
}

/** Exact outputs of the network on one point (float64 coordinates), as dyadic rationals. */
export function evaluateExact(net: ReluNetwork, x: ArrayLike<number>): Dyadic[] {
  const program = compileExact(net, inputExponentsOf(x, net.inputDim));
  return evaluateProgram(program, x, 0);
}

/** Exact outputs of a compiled program on the point stored at x[offset .. offset + inputDim). */
export function evaluateProgram(program: ExactProgram, x: ArrayLike<number>, offset = 0): Dyadic[] {
  return new ExactRunner(program).evaluate(x, offset);
}

/**
 * Exact outputs on every point of a batch (row-major, inputDim values per point), compiled once;
 * onProgress (phase "exact evaluation", in points) is called every `progressEvery` points.
 * Result[i][o] is output o of point i.
 */
export function evaluateExactBatch(
  net: ReluNetwork,
  points: ArrayLike<number>,
  options: { onProgress?: OnProgress; progressEvery?: number } = {},
): Dyadic[][] {
  const dim = net.inputDim;
  const count = Math.floor(points.length / dim);
  const program = compileExact(net, inputExponentsOf(points, dim));
  const every = options.progressEvery ?? 256;
  const runner = new ExactRunner(program);
  const out: Dyadic[][] = [];
  for (let i = 0; i < count; i++) {
    out.push(runner.evaluate(points, i * dim));
    if (options.onProgress && ((i + 1) % every === 0 || i + 1 === count)) {
      options.onProgress({ phase: "exact evaluation", done: i + 1, total: count, unit: "points" });
    }
  }
  return out;
}

/** Exact values of every layer (hidden layers after ReLU, then the output) on one point. */
export function traceExact(net: ReluNetwork, x: ArrayLike<number>): Dyadic[][] {
  const program = compileExact(net, inputExponentsOf(x, net.inputDim));
  const runner = new ExactRunner(program);
  runner.run(numerators(program, x, 0));
  return runner
    .layerNumerators()
    .map((values, l) => values.map((n, i) => toDyadic(n, program.exponents[l][i])));
}

/**
 * Reference evaluation in plain dyadic arithmetic, straight from the definition (slow; no
 * compilation, no reuse): what the fast evaluator is tested against.
 */
export function evaluateReference(net: ReluNetwork, x: ArrayLike<number>): Dyadic[] {
  let cur: Dyadic[] = Array.from({ length: net.inputDim }, (_, k) => fromNumber(x[k]));
  const last = net.layers.length - 1;
  net.layers.forEach((layer, l) => {
    const next: Dyadic[] = [];
    for (let i = 0; i < layer.outputs; i++) {
      let acc = layer.biases[i];
      for (let k = layer.rowStart[i]; k < layer.rowStart[i + 1]; k++) {
        acc = add(acc, mul(layer.values[k], cur[layer.cols[k]]));
      }
      next.push(l < last && acc.m < 0n ? ZERO : acc);
    }
    cur = next;
  });
  return cur;
}
