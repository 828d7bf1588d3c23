// Experiment configurations: the checked-in JSON files of experiments/, their types and their
// validation (every message names the file and the key at fault, and says what was expected).

import { roundNoise } from "../util/round.js";
import { GENERATED_KINDS, IMAGE_KINDS, isImageKind, type ImageKind } from "../data/spec.js";
import type { Activation } from "../dfg/firstLayer.js";
import { ExperimentError } from "./errors.js";
import {
  type JsonObject,
  type Path,
  at,
  expectObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  rejectUnknownKeys,
  requireInteger,
  describe,
} from "./validate.js";

/** Data sets an experiment can use. */
/** The data sets of experiments: the generated ones and the image data (see data/spec.ts). */
export type DatasetKind = (typeof GENERATED_KINDS)[number] | ImageKind;

/** How the data of every trial are made (before the `size` of the trial picks N points). */
export interface DatasetSpec {
  readonly kind: DatasetKind;
  /** moons/lines: number of points N; image data: a stratified random subset of N points. */
  readonly size?: number;
  /** moons: draw one sample of `pool` points (normalized as a whole) and take its first N. */
  readonly pool?: number;
  /** moons: Gaussian noise σ (default 0.05). */
  readonly noise?: number;
  /** lines: distance between the lines (default 0.1, the paper's Fig. 14). */
  readonly distance?: number;
  /** Seed of the generator or of the subsets (default 0); the same for every trial. */
  readonly seed?: number;
  /** Image data: the binary subproblem "a vs b" (a is X⁻). */
  readonly classes?: readonly [string, string];
  /** fashion-mnist/cifar10: directory of the files (cifar10 has no default: --data-path). */
  readonly path?: string;
  /** Scale to radius R = 1 (default true; the paper's lines are not scaled). */
  readonly normalize?: boolean;
  /**
   * Image data cut to `size` points: scale each subset to radius 1 itself (true) instead of
   * cutting it from the (sub)problem normalized once as a whole (false, the default: the
   * paper's data.py, so Fig. 9's nested subsets have radii 0.94–1).
   */
  readonly normalizeSubsets?: boolean;
}

/** The hyperparameters swept by a grid (dataset `size` included). */
export interface GridAxes {
  readonly n: readonly number[];
  readonly lambda: readonly number[];
  readonly activation: readonly Activation[];
  /** Values of N; empty means the dataset's own size. */
  readonly size: readonly number[];
}

/** What a figure shows. */
export type FigureValue = "interpolation" | "width";
/** A swept quantity that can be an axis of a figure. */
export type FigureAxis = "n" | "lambda" | "size";

/** Size and value range of a heatmap or slices figure (README.md, "Figure options"). */
export interface FigureLookSpec {
  /** Width and height of one panel's plotting area, in pixels. */
  readonly width?: number;
  readonly height?: number;
  /** Range of the plotted value: a heatmap's colour scale, the y axis of slices. */
  readonly vmin?: number;
  readonly vmax?: number;
}

/** One figure of an experiment (see README.md, "Configuration format", for each kind). */
export type FigureSpec =
  | { readonly kind: "dataset"; readonly name: string; readonly sizes?: readonly number[] }
  | (FigureLookSpec & {
      readonly kind: "heatmap";
      readonly name: string;
      readonly value: FigureValue;
      readonly x: FigureAxis;
      readonly y: FigureAxis;
      /** σ in cells of the smoothing before the 99% contour (default 1, the paper's; 0: none). */
      readonly sigma?: number;
      /** Iso-probability contour levels drawn besides 99%, each in (0, 1). */
      readonly levels?: readonly number[];
    })
  | (FigureLookSpec & {
      readonly kind: "slices";
      readonly name: string;
      readonly value: FigureValue;
      readonly x: FigureAxis;
      readonly series: FigureAxis;
      /** Series values to draw (the nearest present value is used); absent: all. */
      readonly at?: readonly number[];
    })
  | {
      readonly kind: "boundary";
      readonly name: string;
      readonly n: readonly number[];
      readonly lambda: readonly number[];
      readonly restart: number;
    };

/** A sweep grid and its number of restarts. */
export interface SweepPlan {
  readonly dataset: DatasetSpec;
  readonly grids: readonly GridAxes[];
  readonly restarts: number;
}

/** A validated experiment configuration. */
export interface ExperimentConfig {
  /** The file name without .json: also the seed namespace of its trials. */
  readonly name: string;
  /** Where it came from (for messages). */
  readonly source: string;
  readonly title: string;
  readonly description: string;
  /** The paper's figure(s) it reproduces, e.g. "Fig. 5". */
  readonly paperFigure: string;
  readonly algorithm: 1 | 2;
  /** "predict": score = accuracy of predict() on the training set (timed); "construction": from the fit. */
  readonly score: "predict" | "construction";
  readonly full: SweepPlan;
  readonly quick: SweepPlan;
  readonly figures: readonly FigureSpec[];
  /** How the figures are written, when the configuration says (the CLI's options win). */
  readonly output: { readonly formats?: readonly FigureFormatName[]; readonly scale?: number };
}

/** Figure file formats a configuration can ask for. */
export type FigureFormatName = "svg" | "png" | "pdf";

const DATASET_KINDS: readonly DatasetKind[] = [...GENERATED_KINDS, ...IMAGE_KINDS];

function parseDataset(value: unknown, path: Path, base?: DatasetSpec): DatasetSpec {
  const o = expectObject(value, path);
  rejectUnknownKeys(o, path, [
    "kind",
    "size",
    "pool",
    "noise",
    "distance",
    "seed",
    "classes",
    "path",
    "normalize",
    "normalizeSubsets",
  ]);
  const kindValue = o.kind ?? base?.kind;
  if (typeof kindValue !== "string" || !(DATASET_KINDS as readonly string[]).includes(kindValue)) {
    throw new ExperimentError(
      `${at(path, "kind")}: expected one of ${DATASET_KINDS.join(", ")}, got ${describe(kindValue)}`,
    );
  }
  const kind = kindValue as DatasetKind;
  const positive = (key: string, min: number) => optionalInteger(o, key, path, min);
  const classesValue = o.classes;
  let classes: readonly [string, string] | undefined = base?.classes;
  if (classesValue !== undefined) {
    if (
      !Array.isArray(classesValue) ||
      classesValue.length !== 2 ||
      !classesValue.every((c) => typeof c === "string" && c !== "") ||
      classesValue[0] === classesValue[1]
    ) {
      throw new ExperimentError(
        `${at(path, "classes")}: expected two different class names like ["1", "9"], got ${describe(classesValue)}`,
      );
    }
    classes = [classesValue[0] as string, classesValue[1] as string];
  }
  const spec: DatasetSpec = {
    ...base,
    kind,
    ...defined("size", positive("size", 2)),
    ...defined("pool", positive("pool", 2)),
    ...defined("noise", optionalNumber(o, "noise", path, 0)),
    ...defined("distance", optionalNumber(o, "distance", path, 0, true)),
    ...defined("seed", optionalInteger(o, "seed", path, 0)),
    ...defined("classes", classes),
    ...defined("path", optionalString(o, "path", path)),
    ...defined("normalize", optionalBoolean(o, "normalize", path)),
    ...defined("normalizeSubsets", optionalBoolean(o, "normalizeSubsets", path)),
  };
  const isImage = isImageKind(kind);
  const misplaced = (key: keyof DatasetSpec, ok: boolean) => {
    if (spec[key] !== undefined && !ok) {
      throw new ExperimentError(`${at(path, key)}: not an option of the ${kind} data set`);
    }
  };
  misplaced("pool", kind === "moons");
  misplaced("noise", kind === "moons");
  misplaced("distance", kind === "lines");
  misplaced("classes", isImage);
  misplaced("normalizeSubsets", isImage);
  misplaced("path", kind === "fashion-mnist" || kind === "cifar10");
  if (spec.pool !== undefined && spec.size !== undefined && spec.size > spec.pool) {
    throw new ExperimentError(`${at(path, "size")}: ${spec.size} exceeds the pool of ${spec.pool}`);
  }
  return spec;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Rounds away binary noise of range arithmetic (0.1 + 0.2 → 0.3). */
export function cleanNumber(v: number): number {
  return roundNoise(v);
}

/** A list of numbers, or an inclusive range {start, stop, step}. */
function parseValues(value: unknown, path: Path, min: number, integer: boolean): number[] {
  const what = integer ? `integers >= ${min}` : `numbers >= ${min}`;
  const expected = `a non-empty list of ${what} or a range {"start": a, "stop": b, "step": s}`;
  let values: number[];
  if (Array.isArray(value)) {
    values = value.map((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new ExperimentError(`${at(path, i)}: expected a number, got ${describe(v)}`);
      }
      return v;
    });
  } else if (value !== null && typeof value === "object") {
    const o = value as JsonObject;
    rejectUnknownKeys(o, path, ["start", "stop", "step"]);
    const start = optionalNumber(o, "start", path, -Infinity) ?? 0;
    const stop = optionalNumber(o, "stop", path, -Infinity);
    const step = optionalNumber(o, "step", path, 0, true) ?? 1;
    if (stop === undefined) throw new ExperimentError(`${at(path, "stop")}: missing (${expected})`);
    if (stop < start) {
      throw new ExperimentError(`${at(path)}: stop ${stop} is below start ${start}`);
    }
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    if (count > 100_000) {
      throw new ExperimentError(`${at(path)}: the range has ${count} values (at most 100000)`);
    }
    values = Array.from({ length: count }, (_, i) => cleanNumber(start + i * step));
  } else {
    throw new ExperimentError(`${at(path)}: expected ${expected}, got ${describe(value)}`);
  }
  if (values.length === 0) throw new ExperimentError(`${at(path)}: expected ${expected}, got []`);
  values.forEach((v, i) => {
    if (v < min || (integer && !Number.isInteger(v))) {
      throw new ExperimentError(`${at(path, i)}: expected ${what}, got ${v}`);
    }
  });
  if (new Set(values).size !== values.length) {
    throw new ExperimentError(`${at(path)}: values repeat (${values.join(", ")})`);
  }
  return values;
}

function parseGrid(value: unknown, path: Path): GridAxes {
  const o = expectObject(value, path);
  rejectUnknownKeys(o, path, ["n", "lambda", "activation", "size"]);
  for (const key of ["n", "lambda"]) {
    if (o[key] === undefined) throw new ExperimentError(`${at(path, key)}: missing`);
  }
  let activation: Activation[] = ["threshold"];
  if (o.activation !== undefined) {
    const a = o.activation;
    if (!Array.isArray(a) || a.length === 0 || !a.every((v) => v === "threshold" || v === "relu")) {
      throw new ExperimentError(
        `${at(path, "activation")}: expected a list of "threshold" and/or "relu", got ${describe(a)}`,
      );
    }
    activation = [...new Set(a as Activation[])];
  }
  return {
    n: parseValues(o.n, [...path, "n"], 1, true),
    lambda: parseValues(o.lambda, [...path, "lambda"], 0, false),
    activation,
    size: o.size === undefined ? [] : parseValues(o.size, [...path, "size"], 2, true),
  };
}

function parseGrids(value: unknown, path: Path): GridAxes[] {
  if (value === undefined) throw new ExperimentError(`${at(path)}: missing`);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ExperimentError(`${at(path)}: expected at least one grid`);
    return value.map((g, i) => parseGrid(g, [...path, i]));
  }
  return [parseGrid(value, path)];
}

function checkSizes(plan: SweepPlan, path: Path): void {
  plan.grids.forEach((g, i) => {
    if (g.size.length === 0 && plan.dataset.size === undefined && !isImageKind(plan.dataset.kind)) {
      throw new ExperimentError(
        `${at([...path, "grid", i], "size")}: the ${plan.dataset.kind} data set needs a size: ` +
          `set dataset.size or a size axis`,
      );
    }
    for (const s of g.size) {
      if (plan.dataset.pool !== undefined && s > plan.dataset.pool) {
        throw new ExperimentError(
          `${at([...path, "grid", i], "size")}: ${s} exceeds dataset.pool = ${plan.dataset.pool}`,
        );
      }
      if (plan.dataset.kind === "lines" && s % 2 !== 0) {
        throw new ExperimentError(
          `${at([...path, "grid", i], "size")}: lines need an even size, got ${s}`,
        );
      }
    }
  });
}

const AXES: readonly FigureAxis[] = ["n", "lambda", "size"];
const VALUES: readonly FigureValue[] = ["interpolation", "width"];

function oneOfKey<T extends string>(
  o: JsonObject,
  key: string,
  path: Path,
  options: readonly T[],
): T {
  const v = o[key];
  if (typeof v !== "string" || !(options as readonly string[]).includes(v)) {
    throw new ExperimentError(
      `${at(path, key)}: expected one of ${options.map((s) => `"${s}"`).join(", ")}, got ${describe(v)}`,
    );
  }
  return v as T;
}

const LOOK = ["width", "height", "vmin", "vmax"] as const;

/** width, height (pixels), vmin < vmax of a figure. */
function parseLook(o: JsonObject, path: Path): FigureLookSpec {
  const width = optionalInteger(o, "width", path, 20);
  const height = optionalInteger(o, "height", path, 20);
  const vmin = optionalNumber(o, "vmin", path, -Infinity);
  const vmax = optionalNumber(o, "vmax", path, -Infinity);
  if (vmin !== undefined && vmax !== undefined && !(vmin < vmax)) {
    throw new ExperimentError(`${at(path, "vmax")}: must exceed vmin (${vmin}), got ${vmax}`);
  }
  return {
    ...defined("width", width),
    ...defined("height", height),
    ...defined("vmin", vmin),
    ...defined("vmax", vmax),
  };
}

/** Contour levels: probabilities strictly between 0 and 1. */
function parseLevels(value: unknown, path: Path): number[] | undefined {
  if (value === undefined) return undefined;
  const levels = parseValues(value, path, 0, false);
  levels.forEach((l, i) => {
    if (!(l > 0 && l < 1)) {
      throw new ExperimentError(`${at(path, i)}: expected a probability between 0 and 1, got ${l}`);
    }
  });
  return levels;
}

const FORMAT_NAMES: readonly FigureFormatName[] = ["svg", "png", "pdf"];

function parseOutput(value: unknown, path: Path): ExperimentConfig["output"] {
  if (value === undefined) return {};
  const o = expectObject(value, path);
  rejectUnknownKeys(o, path, ["formats", "scale"]);
  let formats: FigureFormatName[] | undefined;
  if (o.formats !== undefined) {
    const f = o.formats;
    if (
      !Array.isArray(f) ||
      f.length === 0 ||
      !f.every((v) => (FORMAT_NAMES as readonly unknown[]).includes(v))
    ) {
      throw new ExperimentError(
        `${at(path, "formats")}: expected a list of "svg", "png" and/or "pdf", got ${describe(f)}`,
      );
    }
    formats = [...new Set(f as FigureFormatName[])];
  }
  const scale = optionalNumber(o, "scale", path, 0, true);
  return { ...defined("formats", formats), ...defined("scale", scale) };
}

function parseFigure(value: unknown, path: Path, index: number): FigureSpec {
  const o = expectObject(value, path);
  const kind = oneOfKey(o, "kind", path, ["dataset", "heatmap", "slices", "boundary"] as const);
  const explicitName = optionalString(o, "name", path);
  if (explicitName !== undefined && !/^[A-Za-z0-9._-]+$/.test(explicitName)) {
    throw new ExperimentError(
      `${at(path, "name")}: expected a file name of letters, digits, ".", "_" and "-", got ${describe(explicitName)}`,
    );
  }
  switch (kind) {
    case "dataset": {
      rejectUnknownKeys(o, path, ["kind", "name", "sizes"]);
      const sizes =
        o.sizes === undefined ? undefined : parseValues(o.sizes, [...path, "sizes"], 2, true);
      return { kind, name: explicitName ?? "dataset", ...(sizes ? { sizes } : {}) };
    }
    case "heatmap": {
      rejectUnknownKeys(o, path, ["kind", "name", "value", "x", "y", "sigma", "levels", ...LOOK]);
      const value = oneOfKey(o, "value", path, VALUES);
      const x = oneOfKey(o, "x", path, AXES);
      const y = oneOfKey(o, "y", path, AXES);
      if (x === y) throw new ExperimentError(`${at(path, "y")}: must differ from x ("${x}")`);
      const sigma = optionalNumber(o, "sigma", path, 0);
      const name = explicitName ?? `heatmap-${value}`;
      const levels = parseLevels(o.levels, [...path, "levels"]);
      return {
        kind,
        name,
        value,
        x,
        y,
        ...(sigma === undefined ? {} : { sigma }),
        ...(levels === undefined ? {} : { levels }),
        ...parseLook(o, path),
      };
    }
    case "slices": {
      rejectUnknownKeys(o, path, ["kind", "name", "value", "x", "series", "at", ...LOOK]);
      const value = oneOfKey(o, "value", path, VALUES);
      const x = oneOfKey(o, "x", path, AXES);
      const series = oneOfKey(o, "series", path, AXES);
      if (x === series) {
        throw new ExperimentError(`${at(path, "series")}: must differ from x ("${x}")`);
      }
      const atValues =
        o.at === undefined ? undefined : parseValues(o.at, [...path, "at"], 0, false);
      return {
        kind,
        name: explicitName ?? `slices-${value}-${x}`,
        value,
        x,
        series,
        ...(atValues ? { at: atValues } : {}),
        ...parseLook(o, path),
      };
    }
    case "boundary": {
      rejectUnknownKeys(o, path, ["kind", "name", "n", "lambda", "restart"]);
      return {
        kind,
        name: explicitName ?? `boundary-${index}`,
        n: parseValues(o.n, [...path, "n"], 1, true),
        lambda: parseValues(o.lambda, [...path, "lambda"], 0, false),
        restart: optionalInteger(o, "restart", path, 0) ?? 0,
      };
    }
  }
}

/** Parses and validates an experiment configuration (JSON text); ExperimentError names the key. */
export function parseExperiment(text: string, name: string, source: string): ExperimentConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ExperimentError(`${source}: not valid JSON: ${(e as Error).message}`);
  }
  const root: Path = [source];
  const o = expectObject(json, root);
  rejectUnknownKeys(o, root, [
    "$comment",
    "title",
    "description",
    "paperFigure",
    "algorithm",
    "score",
    "dataset",
    "grid",
    "restarts",
    "quick",
    "figures",
    "output",
  ]);
  const algorithm = optionalInteger(o, "algorithm", root, 1) ?? 2;
  if (algorithm !== 1 && algorithm !== 2) {
    throw new ExperimentError(`${at(root, "algorithm")}: expected 1 or 2, got ${algorithm}`);
  }
  const score =
    o.score === undefined
      ? "predict"
      : oneOfKey(o, "score", root, ["predict", "construction"] as const);
  if (o.dataset === undefined) throw new ExperimentError(`${at(root, "dataset")}: missing`);
  const dataset = parseDataset(o.dataset, [...root, "dataset"]);
  const full: SweepPlan = {
    dataset,
    grids: parseGrids(o.grid, [...root, "grid"]),
    restarts: requireInteger(o, "restarts", root, 1),
  };
  checkSizes(full, root);
  let quick = full;
  if (o.quick !== undefined) {
    const qPath: Path = [...root, "quick"];
    const q = expectObject(o.quick, qPath);
    rejectUnknownKeys(q, qPath, ["$comment", "dataset", "grid", "restarts"]);
    quick = {
      dataset:
        q.dataset === undefined ? dataset : parseDataset(q.dataset, [...qPath, "dataset"], dataset),
      grids: q.grid === undefined ? full.grids : parseGrids(q.grid, [...qPath, "grid"]),
      restarts: optionalInteger(q, "restarts", qPath, 1) ?? full.restarts,
    };
    checkSizes(quick, qPath);
  }
  const figuresValue = o.figures ?? [];
  if (!Array.isArray(figuresValue)) {
    throw new ExperimentError(
      `${at(root, "figures")}: expected a list of figures, got ${describe(figuresValue)}`,
    );
  }
  const figures = figuresValue.map((f, i) => parseFigure(f, [...root, "figures", i], i));
  const names = new Set<string>();
  figures.forEach((f, i) => {
    if (names.has(f.name)) {
      throw new ExperimentError(
        `${at([...root, "figures", i], "name")}: "${f.name}" is used twice`,
      );
    }
    names.add(f.name);
  });
  return {
    name,
    source,
    title: optionalString(o, "title", root) ?? name,
    description: optionalString(o, "description", root) ?? "",
    paperFigure: optionalString(o, "paperFigure", root) ?? "",
    algorithm,
    score,
    full,
    quick,
    figures,
    output: parseOutput(o.output, [...root, "output"]),
  };
}
