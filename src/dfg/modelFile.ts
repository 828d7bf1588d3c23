// The model file format (JSON, versioned). Large arrays are stored as base64 of their
// little-endian bytes with an explicit dtype and shape; see "Model file format" in README.md.

import { ModelFileError } from "../errors.js";
import { DocumentReader, constant, interval, numberAbove, numberAtLeast } from "../validation.js";
import { decodeBase64, encodeBase64 } from "../util/base64.js";
import type { Activation, FirstLayer } from "./firstLayer.js";
import type { FitInfo, FitParams, InterpolationModel, OutputMode } from "./model.js";
import { DEFAULT_PARAMS, resolveParams } from "./params.js";
import { wordsPerRowFor } from "../backends/types.js";
import type { SecondLayer } from "./secondLayer.js";
import { DATA_KINDS, type DataSpec, type DataSplit } from "../data/spec.js";

export const MODEL_FORMAT = "memonet-interpolation-model";
export const MODEL_VERSION = 1;

export { ModelFileError };

type DType = "float32" | "uint32";

interface ArrayField {
  dtype: DType;
  shape: number[];
  base64: string;
}

function packArray(dtype: DType, shape: number[], array: Float32Array | Uint32Array): ArrayField {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return { dtype, shape, base64: encodeBase64(bytes) };
}

/** How a model file is written. */
export interface ModelWriteOptions {
  /**
   * Also store the fit's timings and kernel backend in `info` (default false: the file holds
   * only what the seed, data and options determine, so equal fits give byte-identical files).
   */
  readonly timings?: boolean;
}

/** The `info` block as stored: without timings and backend unless asked for. */
function storedInfo(info: FitInfo, timings: boolean): Partial<FitInfo> {
  if (timings) return info;
  const { trainingSize, radius, interpolates, trainingAccuracy, uncovered, candidatesTried } = info;
  return { trainingSize, radius, interpolates, trainingAccuracy, uncovered, candidatesTried };
}

/** Serializes a model to the JSON text of the model file format. */
export function modelToJson(model: InterpolationModel, options: ModelWriteOptions = {}): string {
  const { firstLayer: fl } = model;
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    activation: model.activation,
    mode: model.mode,
    classNames: model.classNames,
    params: model.params,
    info: storedInfo(model.info, options.timings ?? false),
    ...(model.preprocessing ? { preprocessing: model.preprocessing } : {}),
    ...(model.training ? { training: model.training } : {}),
    firstLayer: {
      dim: fl.dim,
      width: fl.width,
      weights: packArray("float32", [fl.width, fl.dim], fl.weights),
      bias: packArray("float32", [fl.width], fl.bias),
    },
    wordsPerRow: model.wordsPerRow,
    subnetworks: model.subnetworks.map((s) => ({
      classIndex: s.classIndex,
      width: s.width,
      masks: packArray("uint32", [s.width, model.wordsPerRow], s.masks),
      thresholds: Array.from(s.thresholds),
      candidates: Array.from(s.candidates),
    })),
  };
  return JSON.stringify(doc);
}

/** The document reader of src/validation.ts, plus the typed arrays of model files. */
class Reader extends DocumentReader {
  constructor(source: string) {
    super(source, (m) => new ModelFileError(m));
  }

  typed<T extends Float32Array | Uint32Array>(
    value: unknown,
    path: string,
    dtype: DType,
    shape: number[],
  ): T {
    const o = this.object(value, path);
    const found = this.oneOf(o.dtype, `${path}.dtype`, ["float32", "uint32"]);
    if (found !== dtype) this.fail(`${path}.dtype`, `expected ${dtype}, found ${found}`);
    const s = this.array(o.shape, `${path}.shape`).map((v, i) =>
      this.integer(v, `${path}.shape[${i}]`, 0),
    );
    if (s.length !== shape.length || s.some((v, i) => v !== shape[i])) {
      this.fail(`${path}.shape`, `expected [${shape.join(", ")}], found [${s.join(", ")}]`);
    }
    const expected = shape.reduce((a, b) => a * b, 1) * 4;
    const text = this.string(o.base64, `${path}.base64`);
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(text);
    } catch (e) {
      this.fail(`${path}.base64`, (e as Error).message);
    }
    if (bytes.length !== expected) {
      this.fail(`${path}.base64`, `expected ${expected} bytes of data, found ${bytes.length}`);
    }
    const aligned = new Uint8Array(expected);
    aligned.set(bytes);
    if (dtype === "uint32") return new Uint32Array(aligned.buffer) as T;
    const values = new Float32Array(aligned.buffer);
    for (let i = 0; i < values.length; i++) {
      if (values[i] - values[i] !== 0) {
        this.fail(`${path}`, `entry ${i} is ${values[i]}, expected a finite number`);
      }
    }
    return values as T;
  }
}

/** Parses and validates model-file text; `source` names the file in error messages. */
export function modelFromJson(text: string, source: string): InterpolationModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(
      `${source}: not a valid JSON model file (truncated or corrupt?): ${(e as Error).message}`,
    );
  }
  const r: Reader = new Reader(source);
  const doc = r.object(parsed, "(top level)");
  if (doc.format !== MODEL_FORMAT) {
    r.check(doc.format, "format", constant(MODEL_FORMAT));
  }
  const version = r.integer(doc.version, "version", 0);
  if (version !== MODEL_VERSION) {
    r.fail("version", `this memonet reads version ${MODEL_VERSION}, the file has ${version}`);
  }
  const activation = r.oneOf<Activation>(doc.activation, "activation", ["threshold", "relu"]);
  const mode = r.oneOf<OutputMode>(doc.mode, "mode", ["binary", "one-vs-rest"]);
  const classNames = r
    .array(doc.classNames, "classNames")
    .map((v, i) => r.string(v, `classNames[${i}]`));
  if (classNames.length < 2) r.fail("classNames", `expected at least 2 classes`);
  const seenNames = new Set<string>();
  classNames.forEach((name, i) => {
    if (seenNames.has(name)) r.fail(`classNames[${i}]`, `${JSON.stringify(name)} appears twice`);
    seenNames.add(name);
  });

  const fl = r.object(doc.firstLayer, "firstLayer");
  const dim = r.integer(fl.dim, "firstLayer.dim", 1);
  const width = r.integer(fl.width, "firstLayer.width", 1);
  const firstLayer: FirstLayer = {
    dim,
    width,
    weights: r.typed<Float32Array>(fl.weights, "firstLayer.weights", "float32", [width, dim]),
    bias: r.typed<Float32Array>(fl.bias, "firstLayer.bias", "float32", [width]),
  };
  const wordsPerRow = r.integer(doc.wordsPerRow, "wordsPerRow", 1);
  if (wordsPerRow !== wordsPerRowFor(width)) {
    r.fail(
      "wordsPerRow",
      `expected ${wordsPerRowFor(width)} for width ${width}, found ${wordsPerRow}`,
    );
  }
  const expectedSubnetworks = mode === "binary" ? 1 : classNames.length;
  if (mode === "binary" && classNames.length !== 2) {
    r.fail("mode", `binary models have 2 classes, found ${classNames.length}`);
  }
  const subnetworks: SecondLayer[] = r
    .array(doc.subnetworks, "subnetworks", expectedSubnetworks)
    .map((value, k) => {
      const path = `subnetworks[${k}]`;
      const s = r.object(value, path);
      const classIndex = r.integer(s.classIndex, `${path}.classIndex`, 0);
      if (classIndex !== k) r.fail(`${path}.classIndex`, `expected ${k}, found ${classIndex}`);
      const w = r.integer(s.width, `${path}.width`, 0);
      const thresholds = r.array(s.thresholds, `${path}.thresholds`, w).map((v, j) => {
        const m = r.number(v, `${path}.thresholds[${j}]`);
        if (m <= 0) r.fail(`${path}.thresholds[${j}]`, `expected a positive number, found ${m}`);
        return m;
      });
      const candidates = r
        .array(s.candidates, `${path}.candidates`, w)
        .map((v, j) => r.integer(v, `${path}.candidates[${j}]`, 0));
      return {
        classIndex,
        width: w,
        masks: r.typed<Uint32Array>(s.masks, `${path}.masks`, "uint32", [w, wordsPerRow]),
        thresholds: Float64Array.from(thresholds),
        candidates: Int32Array.from(candidates),
      };
    });
  let params: FitParams;
  try {
    params = resolveParams(knownParams(r.object(doc.params, "params")));
  } catch (e) {
    r.fail("params", (e as Error).message);
  }
  const info = readInfo(r, doc.info, subnetworks.length);
  const training = doc.training === undefined ? undefined : readTraining(r, doc.training);
  const model = {
    activation,
    mode,
    classNames,
    firstLayer,
    wordsPerRow,
    subnetworks,
    params,
    info,
    ...(training === undefined ? {} : { training }),
  };
  if (doc.preprocessing === undefined) return model;
  const pre = r.object(doc.preprocessing, "preprocessing");
  const scale = r.check(
    r.number(pre.scale, "preprocessing.scale"),
    "preprocessing.scale",
    POSITIVE,
  );
  if (pre.pixelMax === undefined) return { ...model, preprocessing: { scale } };
  const pixelMax = r.number(pre.pixelMax, "preprocessing.pixelMax");
  return {
    ...model,
    preprocessing: { scale, pixelMax: r.check(pixelMax, "preprocessing.pixelMax", POSITIVE) },
  };
}

const POSITIVE = numberAbove(0);

/** The keys of FitParams a model file may hold (others are dropped, not carried along). */
const PARAM_KEYS = [...Object.keys(DEFAULT_PARAMS), "pruneFirst"] as const;

/** Only the hyperparameters of `o` (a file's extra keys would reach `info --json` as they are). */
function knownParams(o: Record<string, unknown>): Partial<FitParams> {
  const out: Record<string, unknown> = {};
  for (const key of PARAM_KEYS) if (o[key] !== undefined) out[key] = o[key];
  return out as Partial<FitParams>;
}

/** The `training` block: a data spec (only its known keys are kept, each checked). */
function readTraining(r: Reader, value: unknown): DataSpec {
  const o = r.object(value, "training");
  const at = (key: string) => `training.${key}`;
  const spec: { -readonly [K in keyof DataSpec]: DataSpec[K] } = {
    kind: r.oneOf(o.kind, at("kind"), DATA_KINDS),
  };
  if (o.split !== undefined)
    spec.split = r.oneOf<DataSplit>(o.split, at("split"), ["all", "train", "test"]);
  for (const key of ["path", "labels"] as const) {
    if (o[key] !== undefined) spec[key] = r.string(o[key], at(key));
  }
  if (o.labelColumn !== undefined) {
    spec.labelColumn =
      typeof o.labelColumn === "number"
        ? r.integer(o.labelColumn, at("labelColumn"), -1e9)
        : r.string(o.labelColumn, at("labelColumn"));
  }
  if (o.classes !== undefined) {
    const c = r
      .array(o.classes, at("classes"), 2)
      .map((v, i) => r.string(v, `${at("classes")}[${i}]`));
    spec.classes = [c[0], c[1]];
  }
  for (const key of ["size", "pool"] as const) {
    if (o[key] !== undefined) spec[key] = r.integer(o[key], at(key), 1);
  }
  if (o.seed !== undefined) spec.seed = r.integer(o.seed, at("seed"), 0);
  for (const key of ["noise", "distance"] as const) {
    if (o[key] !== undefined) {
      spec[key] = r.check(r.number(o[key], at(key)), at(key), numberAtLeast(0));
    }
  }
  for (const key of ["normalize", "normalizeSubsets"] as const) {
    if (o[key] !== undefined) spec[key] = r.boolean(o[key], at(key));
  }
  return spec;
}

/**
 * The `info` block: the fit statistics are checked; the timings and the backend (written only
 * with `timings: true`) read as 0 and "" when absent.
 */
function readInfo(r: Reader, value: unknown, subnetworks: number): FitInfo {
  const o = r.object(value, "info");
  const counts = (key: "uncovered" | "candidatesTried") =>
    r.array(o[key], `info.${key}`, subnetworks).map((v, i) => r.integer(v, `info.${key}[${i}]`, 0));
  const seconds = (key: "fitSeconds" | "firstLayerSeconds" | "secondLayerSeconds") =>
    o[key] === undefined
      ? 0
      : r.check(r.number(o[key], `info.${key}`), `info.${key}`, numberAtLeast(0));
  return {
    trainingSize: r.integer(o.trainingSize, "info.trainingSize", 1),
    radius: r.check(r.number(o.radius, "info.radius"), "info.radius", numberAtLeast(0)),
    interpolates: r.boolean(o.interpolates, "info.interpolates"),
    trainingAccuracy: r.check(
      r.number(o.trainingAccuracy, "info.trainingAccuracy"),
      "info.trainingAccuracy",
      interval("real", 0, 1),
    ),
    uncovered: counts("uncovered"),
    candidatesTried: counts("candidatesTried"),
    fitSeconds: seconds("fitSeconds"),
    firstLayerSeconds: seconds("firstLayerSeconds"),
    secondLayerSeconds: seconds("secondLayerSeconds"),
    backend: o.backend === undefined ? "" : r.string(o.backend, "info.backend"),
  };
}
