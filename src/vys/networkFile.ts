// The network file (JSON, versioned): exact weights as [mantissa, exponent] pairs, value =
// mantissa · 2^exponent with the mantissa a signed hex ("0x1f", "-0x1f") or decimal ("-31")
// integer string. Documented in README.md ("Network file format"). Loading validates
// every field and names the one at fault, with the constraints of src/validation.ts, and bounds
// sizes and numbers before anything is allocated or computed (see numberBitsLimit).

import { NetworkFileError } from "../errors.js";
import {
  type Constraint,
  DocumentReader,
  constant,
  describeValue,
  integerAtLeast,
  interval,
  numberAbove,
  strOptions,
} from "../validation.js";
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new NetworkFileError(`${source}: not valid JSON (${(e as Error).message}); truncated?`);
  }
  const r = new DocumentReader(source, (m) => new NetworkFileError(m));
  const doc = r.object(parsed, "top level");
  r.check(doc.format, "format", constant(NETWORK_FORMAT));
  if (doc.version !== NETWORK_VERSION) {
    r.fail(
      "version",
      `this memonet reads version ${NETWORK_VERSION}, the file has ${describeValue(doc.version)}`,
    );
  }
  const inputDim = r.check(doc.inputDim, "inputDim", LAYER_SIZE);
  const outputDim = r.check(doc.outputDim, "outputDim", LAYER_SIZE);
  const rawLayers = r.check(doc.layers, "layers", NON_EMPTY_ARRAY);
  const limits = numberLimits(rawLayers.length);
  const layers: SparseLayer[] = [];
  let inputs = inputDim;
  rawLayers.forEach((raw, l) => {
    layers.push(readLayer(r, raw, `layers[${l}]`, inputs, limits));
    inputs = layers[l].outputs;
  });
  if (inputs !== outputDim) {
    r.fail("outputDim", `is ${outputDim} but the last layer has ${inputs} outputs`);
  }
  const spans = readSpans(r, doc.spans, layers.length);
  const output = readOutput(r, doc.output);
  const preprocessing =
    doc.preprocessing === undefined ? undefined : readPreprocessing(r, doc.preprocessing);
  const network: ReluNetwork = { inputDim, outputDim, layers, spans };
  return {
    network,
    output,
    ...(preprocessing ? { preprocessing } : {}),
    ...(isObject(doc.report) ? { report: doc.report } : {}),
  };
}

/*
 * Limits on the numbers of a network file, checked before anything is computed with them.
 *
 * Every number memonet's constructions write is one of: (a) stage I's weights ũ_k = a/2^q
 * (|a| < 2^q, q = ⌈log₂(dN²√π)⌉ <= 139 for any d·N < 2^53) and its shift b, an integer below
 * √d·2^1024 (1 050 bits); (b) the scale s = 2^k of stage I, k <= 2 + 1074 + q <= 1 215 (the
 * smallest gap of the projections is at least 2^(−1074−q)), folded into the next layer's
 * weights; (c) stages II and III's crafted integers, windows, offsets 2^−(nρ+2) and powers
 * 2^(n+2−p), with mantissas and exponents of at most n·max(ρ, c) + c + 4 bits, where Lemma
 * A.7 spends three layers per bit, so n·max(ρ, c) <= depth/3; (d) Remark 3.3's output map
 * k ↦ t_min + (k − ½)ε with t_min and ε float64s (exponents −1075..1024, 53-bit mantissas)
 * times the c + 2-bit weights of the last block. A number is at most a product of one factor
 * of (a), (b) or (d) and one of (c), plus a sum of such terms: its exponent lies within
 * ±(1 215 + 1 075 + depth) and its mantissa has at most 2 100 + 53 + depth bits. memonet
 * allows NUMBER_BITS_BASE + depth for both, with NUMBER_BITS_BASE = 4096 leaving a margin; a
 * file beyond that was not written by memonet, and would make exact evaluation cost time and
 * memory without bound (an exponent of −10⁹ needs a 10⁹-bit numerator).
 */

/** The depth-independent part of the limit on exponents and mantissa bits (see above). */
export const NUMBER_BITS_BASE = 4096;

/**
 * The largest |exponent| and mantissa length (bits) of a number in a network of `depth` layers
 * that memonet's constructions can produce: NUMBER_BITS_BASE + depth (derived above).
 */
export function numberBitsLimit(depth: number): number {
  return NUMBER_BITS_BASE + depth;
}

/** Largest input dimension and layer width a network file may declare (column indices are int32). */
export const MAX_LAYER_SIZE = 2 ** 31 - 1;

const LAYER_SIZE = interval("integer", 1, MAX_LAYER_SIZE, "both", "a positive integer <= 2^31 − 1");

/** The constraints of one network's numbers (they depend on its depth). */
interface NumberLimits {
  readonly bits: number;
  readonly mantissa: Constraint<string>;
  readonly exponent: Constraint<number>;
}

const MANTISSA = /^-?(0x[0-9a-fA-F]+|[0-9]+)$/;

function numberLimits(depth: number): NumberLimits {
  const bits = numberBitsLimit(depth);
  // Characters of a mantissa of `bits` bits at most (decimal digits, sign and "0x"): the text is
  // refused before BigInt parses it.
  const chars = Math.ceil(bits * Math.log10(2)) + 3;
  return {
    bits,
    mantissa: {
      test: (v: unknown): v is string =>
        typeof v === "string" && v.length <= chars && MANTISSA.test(v),
      text: `a decimal or 0x-hex integer string of at most ${bits} bits`,
    },
    exponent: interval(
      "integer",
      -bits,
      bits,
      "both",
      `an integer in −${bits}..${bits} (NUMBER_BITS_BASE + depth, see "Network file format")`,
    ),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One [mantissa, exponent] pair, within the limits (checked before BigInt sees the text). */
function readNumber(
  r: DocumentReader,
  mantissa: unknown,
  exponent: unknown,
  path: string,
  limits: NumberLimits,
): Dyadic {
  const text = r.part(mantissa, path, "mantissa", limits.mantissa);
  const e = r.part(exponent, path, "exponent", limits.exponent);
  const v = dyadic(parseMantissa(text) as bigint, e);
  if (bitLength(v.m) > limits.bits) {
    r.fail(path, `mantissa has ${bitLength(v.m)} bits, more than ${limits.mantissa.text}`);
  }
  if (Math.abs(v.e) > limits.bits) {
    r.fail(path, `the number's exponent ${v.e} (once normalized) must be ${limits.exponent.text}`);
  }
  return v;
}

const INDEX = (size: number): Constraint<number> => interval("integer", 0, size - 1);

function readLayer(
  r: DocumentReader,
  raw: unknown,
  path: string,
  inputs: number,
  limits: NumberLimits,
): SparseLayer {
  const o = r.object(raw, path);
  if (o.inputs !== inputs) {
    r.fail(
      `${path}.inputs`,
      `expected ${inputs} (the outputs of the layer below), found ${describeValue(o.inputs)}`,
    );
  }
  const outputs = r.check(o.outputs, `${path}.outputs`, LAYER_SIZE);
  const weights = r.array(o.weights, `${path}.weights`);
  const biasList = r.array(o.biases, `${path}.biases`);
  // Declared sizes against the arrays, before anything is allocated per output: a neuron with
  // neither weights nor a bias is the constant 0, which memonet never writes (one is allowed,
  // for a network that is 0 everywhere).
  const entries = weights.length + biasList.length;
  if (outputs > Math.max(1, entries)) {
    r.fail(
      `${path}.outputs`,
      `declares ${outputs} neurons but the layer has only ${entries} weights and biases ` +
        `(every neuron needs at least one)`,
    );
  }
  const row = INDEX(outputs);
  const column = INDEX(inputs);
  const rows: [number, Dyadic][][] = Array.from({ length: outputs }, () => []);
  weights.forEach((w, k) => {
    const f = `${path}.weights[${k}]`;
    const entry = r.check(w, f, WEIGHT_ENTRY);
    const i = r.part(entry[0], f, "row", row);
    const c = r.part(entry[1], f, "column", column);
    const v = readNumber(r, entry[2], entry[3], f, limits);
    if (v.m === 0n) r.fail(f, "zero weights must be left out");
    rows[i].push([c, v]);
  });
  rows.forEach((list, i) => {
    list.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < list.length; k++) {
      if (list[k][0] === list[k - 1][0]) {
        r.fail(`${path}.weights`, `a second weight for row ${i}, column ${list[k][0]}`);
      }
    }
  });
  const biases: Dyadic[] = new Array<Dyadic>(outputs).fill(ZERO);
  const seen = new Uint8Array(outputs);
  biasList.forEach((b, k) => {
    const f = `${path}.biases[${k}]`;
    const entry = r.check(b, f, BIAS_ENTRY);
    const i = r.part(entry[0], f, "row", row);
    if (seen[i] === 1) r.fail(f, `a second bias for row ${i}`);
    seen[i] = 1;
    biases[i] = readNumber(r, entry[1], entry[2], f, limits);
  });
  return sparseLayer(inputs, rows, biases);
}

/** An array of `length` entries. */
function tuple(length: number, text: string): Constraint<unknown[]> {
  return {
    test: (v: unknown): v is unknown[] => Array.isArray(v) && v.length === length,
    text,
  };
}

const NON_EMPTY_ARRAY: Constraint<unknown[]> = {
  test: (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0,
  text: "a non-empty array",
};
const WEIGHT_ENTRY = tuple(4, "[row, column, mantissa, exponent]");
const BIAS_ENTRY = tuple(3, "[row, mantissa, exponent]");

function readSpans(r: DocumentReader, raw: unknown, depth: number): LayerSpan[] {
  if (raw === undefined) return [];
  const layer = interval("integer", 0, depth - 1);
  return r.array(raw, "spans").map((s, k) => {
    const f = `spans[${k}]`;
    const o = r.object(s, f);
    const name = r.string(o.name, `${f}.name`);
    const first = r.part(o.first, f, "first (layer range: 0 <= first <= last)", layer);
    const last = r.part(o.last, f, "last (layer range: 0 <= first <= last)", layer);
    if (last < first) r.fail(f, `layer range must satisfy 0 <= first <= last < ${depth}`);
    return { name, first, last };
  });
}

const POSITIVE = numberAbove(0);
const CLASSES = integerAtLeast(1, "a positive integer");

function readOutput(r: DocumentReader, raw: unknown): StoredOutput {
  const o = r.object(raw, "output");
  const classes = r.check(o.classes, "output.classes", CLASSES);
  if (o.kind === "regression") {
    return { kind: "regression", epsilon: r.check(o.epsilon, "output.epsilon", POSITIVE), classes };
  }
  r.check(o.kind, "output.kind", strOptions(["classification", "regression"], OUTPUT_KINDS));
  r.check(o.labelOffset, "output.labelOffset", constant(1));
  if (o.classNames === undefined) return { kind: "classification", classes, labelOffset: 1 };
  const names = r
    .array(o.classNames, "output.classNames", classes)
    .map((v, i) => r.string(v, `output.classNames[${i}]`));
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) r.fail(`output.classNames[${i}]`, `${JSON.stringify(name)} appears twice`);
    seen.add(name);
  });
  return { kind: "classification", classes, labelOffset: 1, classNames: names };
}

const OUTPUT_KINDS = '"classification" or "regression"';

function readPreprocessing(r: DocumentReader, raw: unknown): StoredPreprocessing {
  const p = r.object(raw, "preprocessing");
  const scale = r.check(p.scale, "preprocessing.scale", POSITIVE);
  if (p.pixelMax === undefined) return { scale };
  return { pixelMax: r.check(p.pixelMax, "preprocessing.pixelMax", POSITIVE), scale };
}
