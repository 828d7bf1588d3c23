// The network file (JSON, versioned): exact weights as [mantissa, exponent] pairs, value =
// mantissa · 2^exponent with the mantissa a signed hex ("0x1f", "-0x1f") or decimal ("-31")
// integer string. Documented in README.md ("Network file format"). Loading validates
// every field and names the one at fault.

import { NetworkFileError } from "../errors.js";
import { type Dyadic, ZERO, bitLength, dyadic, hexMantissa, parseMantissa } from "./dyadic.js";
import type { MemorizationReport, OutputSpec } from "./memorize.js";
import { type LayerSpan, type ReluNetwork, type SparseLayer, sparseLayer } from "./network.js";

export const NETWORK_FORMAT = "memonet-relu-network";
export const NETWORK_VERSION = 1;

export { NetworkFileError };

/** Output meaning as stored in the file. */
export type StoredOutput =
  | {
      readonly kind: "classification";
      readonly classes: number;
      /** F(x) = k + labelOffset for the class named classNames[k] (labelOffset is always 1). */
      readonly labelOffset: 1;
      readonly classNames?: readonly string[];
    }
  | { readonly kind: "regression"; readonly epsilon: number; readonly classes: number };

/** Feature preprocessing before the network: x ↦ (x / pixelMax) · scale, rounded to float32. */
export interface StoredPreprocessing {
  readonly pixelMax?: number;
  readonly scale: number;
}

/** Everything a network file holds. */
export interface NetworkDocument {
  readonly network: ReluNetwork;
  readonly output: StoredOutput;
  readonly preprocessing?: StoredPreprocessing;
  /** The memorization report (informational; stored as written, not validated on load). */
  readonly report?: MemorizationReport | Readonly<Record<string, unknown>>;
}

/** The stored output of a memorize() result, with the class names of classification data. */
export function storedOutput(output: OutputSpec, classNames?: readonly string[]): StoredOutput {
  if (output.kind === "regression") return output;
  return {
    kind: "classification",
    classes: output.classes,
    labelOffset: 1,
    ...(classNames ? { classNames: [...classNames] } : {}),
  };
}

type NumberPair = [string, number];

function pair(v: Dyadic): NumberPair {
  return [hexMantissa(v.m), v.e];
}

/** How a network file is written. */
export interface NetworkWriteOptions {
  /** Keep the report's wall-clock `seconds` (default false: equal runs give identical bytes). */
  readonly timings?: boolean;
}

/** The report as stored: without its `seconds` unless timings are asked for. */
function storedReport(
  report: NonNullable<NetworkDocument["report"]>,
  timings: boolean,
): Readonly<Record<string, unknown>> {
  const copy: Record<string, unknown> = { ...report };
  if (!timings) delete copy.seconds;
  return copy;
}

/** Serializes a network document to the JSON text of the network file format. */
export function networkToJson(doc: NetworkDocument, options: NetworkWriteOptions = {}): string {
  const layers = doc.network.layers.map((layer) => {
    const weights: [number, number, string, number][] = [];
    for (let i = 0; i < layer.outputs; i++) {
      for (let k = layer.rowStart[i]; k < layer.rowStart[i + 1]; k++) {
        weights.push([i, layer.cols[k], ...pair(layer.values[k])]);
      }
    }
    const biases: [number, string, number][] = [];
    layer.biases.forEach((b, i) => {
      if (b.m !== 0n) biases.push([i, ...pair(b)]);
    });
    return { inputs: layer.inputs, outputs: layer.outputs, weights, biases };
  });
  const text = JSON.stringify({
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    numbers:
      "[mantissa, exponent]: value = mantissa * 2^exponent; mantissa a signed hex or decimal integer string",
    activation: "ReLU after every layer except the last",
    inputDim: doc.network.inputDim,
    outputDim: doc.network.outputDim,
    output: doc.output,
    ...(doc.preprocessing ? { preprocessing: doc.preprocessing } : {}),
    spans: doc.network.spans,
    layers,
    ...(doc.report ? { report: storedReport(doc.report, options.timings ?? false) } : {}),
  });
  return text;
}

/** Parses and validates a network file's text; NetworkFileError names `source` and the field. */
export function networkFromJson(text: string, source = "network file"): NetworkDocument {
  const fail = (field: string, what: string): never => {
    throw new NetworkFileError(`${source}: ${field}: ${what}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new NetworkFileError(`${source}: not valid JSON (${(e as Error).message}); truncated?`);
  }
  if (!isObject(doc)) return fail("top level", "expected a JSON object");
  if (doc.format !== NETWORK_FORMAT) {
    return fail("format", `expected "${NETWORK_FORMAT}", got ${JSON.stringify(doc.format)}`);
  }
  if (doc.version !== NETWORK_VERSION) {
    return fail(
      "version",
      `this memonet reads version ${NETWORK_VERSION}, the file has ${JSON.stringify(doc.version)}`,
    );
  }
  const inputDim = positiveInteger(doc.inputDim, "inputDim", fail, MAX_LAYER_SIZE);
  const outputDim = positiveInteger(doc.outputDim, "outputDim", fail, MAX_LAYER_SIZE);
  if (!Array.isArray(doc.layers) || doc.layers.length === 0) {
    return fail("layers", "expected a non-empty array");
  }
  const layers: SparseLayer[] = [];
  const limit = numberBitsLimit(doc.layers.length);
  let inputs = inputDim;
  doc.layers.forEach((raw: unknown, l: number) => {
    layers.push(readLayer(raw, `layers[${l}]`, inputs, fail, limit));
    inputs = layers[l].outputs;
  });
  if (inputs !== outputDim) {
    fail("outputDim", `is ${outputDim} but the last layer has ${inputs} outputs`);
  }
  const spans = readSpans(doc.spans, layers.length, fail);
  const output = readOutput(doc.output, fail);
  let preprocessing: StoredPreprocessing | undefined;
  if (doc.preprocessing !== undefined) {
    const p = doc.preprocessing;
    if (!isObject(p)) return fail("preprocessing", "expected an object");
    if (typeof p.scale !== "number" || !Number.isFinite(p.scale) || p.scale <= 0) {
      fail("preprocessing.scale", "expected a finite number > 0");
    }
    if (p.pixelMax !== undefined && !(typeof p.pixelMax === "number" && p.pixelMax > 0)) {
      fail("preprocessing.pixelMax", "expected a number > 0");
    }
    preprocessing =
      p.pixelMax === undefined
        ? { scale: p.scale as number }
        : { pixelMax: p.pixelMax as number, scale: p.scale as number };
  }
  const network: ReluNetwork = { inputDim, outputDim, layers, spans };
  return {
    network,
    output,
    ...(preprocessing ? { preprocessing } : {}),
    ...(isObject(doc.report) ? { report: doc.report } : {}),
  };
}

type Fail = (field: string, what: string) => never;

/**
 * Bits of stage I's numbers that do not grow with the depth: float64 inputs (exponents down to
 * −1074, magnitudes below 2^1024), the direction's q <= log₂(d·N²·√π) <= 139 fraction bits and
 * the scale 2^k with k <= 2 + 1074 + q; see README.md, "Network file format" (limits).
 */
export const NUMBER_BITS_BASE = 2048;

/**
 * The largest |exponent| and mantissa length (bits) of a number in a network of `depth` layers
 * that memonet's constructions can produce: NUMBER_BITS_BASE + depth. Stage III's powers of two
 * and crafted integers have at most n·ρ + ρ + 2 bits, and each of the n·ρ bits costs 3 layers.
 */
export function numberBitsLimit(depth: number): number {
  return NUMBER_BITS_BASE + depth;
}

/** Largest input dimension and layer width a network file may declare (column indices are int32). */
export const MAX_LAYER_SIZE = 2 ** 31 - 1;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function positiveInteger(v: unknown, field: string, fail: Fail, max = Infinity): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    return fail(field, `expected a positive integer, got ${JSON.stringify(v)}`);
  }
  if (v > max) return fail(field, `${v} is more than the ${max} a network file may declare`);
  return v;
}

/** Decimal digits (plus sign and "0x") that a mantissa of `bits` bits can take at most. */
function mantissaChars(bits: number): number {
  return Math.ceil(bits * Math.log10(2)) + 3;
}

function readNumber(
  mantissa: unknown,
  exponent: unknown,
  field: string,
  fail: Fail,
  limit: number,
): Dyadic {
  if (typeof mantissa !== "string") return fail(field, "mantissa must be a string");
  const bound = `at most ${limit} bits for a network of this depth (see "Network file format")`;
  if (mantissa.length > mantissaChars(limit)) {
    return fail(field, `mantissa of ${mantissa.length} characters is longer than ${bound}`);
  }
  const m = parseMantissa(mantissa);
  if (m === undefined) {
    return fail(
      field,
      `mantissa ${JSON.stringify(mantissa.slice(0, 40))} is not a decimal or 0x-hex integer`,
    );
  }
  if (typeof exponent !== "number" || !Number.isSafeInteger(exponent)) {
    return fail(field, `exponent must be an integer, got ${JSON.stringify(exponent)}`);
  }
  const v = dyadic(m, exponent);
  if (Math.abs(exponent) > limit || Math.abs(v.e) > limit) {
    return fail(field, `exponent ${exponent} is outside ±${limit}, ${bound}`);
  }
  if (bitLength(v.m) > limit) {
    return fail(field, `mantissa has ${bitLength(v.m)} bits, more than ${bound}`);
  }
  return v;
}

function readLayer(
  raw: unknown,
  field: string,
  inputs: number,
  fail: Fail,
  limit: number,
): SparseLayer {
  if (!isObject(raw)) return fail(field, "expected an object");
  if (raw.inputs !== inputs) {
    fail(
      `${field}.inputs`,
      `expected ${inputs} (the outputs of the layer below), got ${JSON.stringify(raw.inputs)}`,
    );
  }
  const outputs = positiveInteger(raw.outputs, `${field}.outputs`, fail, MAX_LAYER_SIZE);
  if (!Array.isArray(raw.weights)) return fail(`${field}.weights`, "expected an array");
  if (!Array.isArray(raw.biases)) return fail(`${field}.biases`, "expected an array");
  // Declared sizes against the arrays, before anything is allocated per output.
  const entries = raw.weights.length + raw.biases.length;
  if (outputs > entries) {
    fail(
      `${field}.outputs`,
      `declares ${outputs} neurons but the layer has only ${entries} weights and biases ` +
        `(every neuron needs at least one)`,
    );
  }
  const rows: [number, Dyadic][][] = Array.from({ length: outputs }, () => []);
  const seen = new Set<number>();
  raw.weights.forEach((w: unknown, k: number) => {
    const f = `${field}.weights[${k}]`;
    if (!Array.isArray(w) || w.length !== 4)
      return fail(f, "expected [row, column, mantissa, exponent]");
    const [row, col] = w;
    if (!Number.isSafeInteger(row) || row < 0 || row >= outputs) {
      fail(f, `row ${JSON.stringify(row)} outside 0..${outputs - 1}`);
    }
    if (!Number.isSafeInteger(col) || col < 0 || col >= inputs) {
      fail(f, `column ${JSON.stringify(col)} outside 0..${inputs - 1}`);
    }
    const key = row * inputs + col;
    if (seen.has(key)) fail(f, `a second weight for row ${row}, column ${col}`);
    seen.add(key);
    const v = readNumber(w[2], w[3], f, fail, limit);
    if (v.m === 0n) fail(f, "zero weights must be left out");
    rows[row].push([col, v]);
  });
  const biases: Dyadic[] = new Array<Dyadic>(outputs).fill(ZERO);
  const seenBias = new Set<number>();
  raw.biases.forEach((b: unknown, k: number) => {
    const f = `${field}.biases[${k}]`;
    if (!Array.isArray(b) || b.length !== 3) return fail(f, "expected [row, mantissa, exponent]");
    const row = b[0];
    if (!Number.isSafeInteger(row) || row < 0 || row >= outputs) {
      fail(f, `row ${JSON.stringify(row)} outside 0..${outputs - 1}`);
    }
    if (seenBias.has(row)) fail(f, `a second bias for row ${row}`);
    seenBias.add(row);
    biases[row] = readNumber(b[1], b[2], f, fail, limit);
  });
  return sparseLayer(inputs, rows, biases);
}

function readSpans(raw: unknown, depth: number, fail: Fail): LayerSpan[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return fail("spans", "expected an array");
  return raw.map((s: unknown, k: number) => {
    const f = `spans[${k}]`;
    if (!isObject(s) || typeof s.name !== "string") return fail(f, "expected {name, first, last}");
    const { first, last } = s;
    if (
      !Number.isSafeInteger(first) ||
      !Number.isSafeInteger(last) ||
      (first as number) < 0 ||
      (last as number) < (first as number) ||
      (last as number) >= depth
    ) {
      return fail(f, `layer range must satisfy 0 <= first <= last < ${depth}`);
    }
    return { name: s.name, first: first as number, last: last as number };
  });
}

function readOutput(raw: unknown, fail: Fail): StoredOutput {
  if (!isObject(raw)) return fail("output", "expected an object");
  const classes = positiveInteger(raw.classes, "output.classes", fail);
  if (raw.kind === "regression") {
    if (typeof raw.epsilon !== "number" || !(raw.epsilon > 0) || !Number.isFinite(raw.epsilon)) {
      return fail("output.epsilon", "expected a finite number > 0");
    }
    return { kind: "regression", epsilon: raw.epsilon, classes };
  }
  if (raw.kind !== "classification") {
    return fail(
      "output.kind",
      `expected "classification" or "regression", got ${JSON.stringify(raw.kind)}`,
    );
  }
  if (raw.labelOffset !== 1) fail("output.labelOffset", "expected 1");
  if (raw.classNames === undefined) return { kind: "classification", classes, labelOffset: 1 };
  const names = raw.classNames;
  if (
    !Array.isArray(names) ||
    names.length !== classes ||
    names.some((n) => typeof n !== "string")
  ) {
    return fail("output.classNames", `expected ${classes} strings`);
  }
  return { kind: "classification", classes, labelOffset: 1, classNames: names as string[] };
}
