// Results files: one CSV row per trial, with the columns of the paper's own results files
// (github.com/patrickfinke/memo, algorithm.py and run.py) plus interpolated, n_samples and seed.

import { type FileHandle, open } from "node:fs/promises";
import { readFailure, readText } from "../node/files.js";
import type { Activation } from "../dfg/firstLayer.js";
import { csvLine, parseCsvRecords } from "./csv.js";
import { CsvRecordStream } from "./csvStream.js";
import { ExperimentError } from "./errors.js";
import { trialKey } from "./grid.js";

/** Per class subnetwork: second_dim_in_k (= n) and second_dim_out_k (its width n̂_k). */
export interface ClassWidth {
  readonly classIndex: number;
  readonly dimIn: number;
  readonly dimOut: number;
}

/** One results row (one trial). */
export interface ResultRow {
  readonly activation: Activation;
  readonly dataset: string;
  /** max_bias λ. */
  readonly lambda: number;
  /** n_iter: the first-layer width n asked for. */
  readonly n: number;
  readonly restart: number;
  /** Training accuracy (1 = interpolation). */
  readonly score: number;
  readonly fitTime: number;
  readonly scoreTime: number;
  /** first_dim_in = d, first_dim_out = n (the actual first-layer width). */
  readonly firstDimIn: number;
  readonly firstDimOut: number;
  readonly perClass: readonly ClassWidth[];
  /** Sums over the class subnetworks: K·n and the second-layer width n̂. */
  readonly secondDimIn: number;
  readonly secondDimOut: number;
  readonly interpolated: boolean;
  /** N, when known (our files write it; for the paper's files it is derived from `dataset`). */
  readonly samples?: number;
  readonly seed?: number;
}

/** The paper's columns, in its order, before the per-class ones. */
const HEAD = [
  "activation",
  "dataset",
  "max_bias",
  "n_iter",
  "restart",
  "score",
  "fit_time",
  "score_time",
  "first_dim_in",
  "first_dim_out",
] as const;

/** The header of a results file whose networks have `subnetworks` class subnetworks. */
export function resultColumns(subnetworks: number): string[] {
  const perClass: string[] = [];
  for (let k = 0; k < subnetworks; k++) perClass.push(`second_dim_in_${k}`, `second_dim_out_${k}`);
  return [
    ...HEAD,
    ...perClass,
    "second_dim_in",
    "second_dim_out",
    "interpolated",
    "n_samples",
    "seed",
  ];
}

/** The paper writes the threshold activation as "thres". */
function activationText(a: Activation): string {
  return a === "threshold" ? "thres" : a;
}

/** Floats as pandas writes them: integral values with ".0". */
function floatText(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function seconds(v: number): string {
  return floatText(Number(v.toFixed(6)));
}

/** A results row as one CSV line in the order of `columns`. */
export function formatRow(row: ResultRow, columns: readonly string[]): string {
  const values = new Map<string, string>([
    ["activation", activationText(row.activation)],
    ["dataset", row.dataset],
    ["max_bias", floatText(row.lambda)],
    ["n_iter", String(row.n)],
    ["restart", String(row.restart)],
    ["score", floatText(row.score)],
    ["fit_time", seconds(row.fitTime)],
    ["score_time", seconds(row.scoreTime)],
    ["first_dim_in", String(row.firstDimIn)],
    ["first_dim_out", String(row.firstDimOut)],
    ["second_dim_in", String(row.secondDimIn)],
    ["second_dim_out", String(row.secondDimOut)],
    ["interpolated", row.interpolated ? "True" : "False"],
    ["n_samples", row.samples === undefined ? "" : String(row.samples)],
    ["seed", row.seed === undefined ? "" : String(row.seed)],
  ]);
  for (const c of row.perClass) {
    values.set(`second_dim_in_${c.classIndex}`, String(c.dimIn));
    values.set(`second_dim_out_${c.classIndex}`, String(c.dimOut));
  }
  return csvLine(columns.map((c) => values.get(c) ?? ""));
}

/** The key of a row (see trialKey). */
export function rowKey(row: ResultRow): string {
  return trialKey(row.dataset, row.n, row.lambda, row.activation, row.restart);
}

/** A parsed results file. */
export interface ResultsFile {
  readonly path: string;
  readonly columns: readonly string[];
  readonly rows: readonly ResultRow[];
  /** Text of a last line without its newline (cut by a crash); not in `rows`. */
  readonly partial: string | undefined;
}

/** Columns every results file must have to be read. */
const REQUIRED = ["activation", "dataset", "max_bias", "n_iter", "restart", "second_dim_out"];

/** N of the paper's data set names (its data.py), for files without n_samples. */
export function samplesFromDatasetName(name: string): number | undefined {
  const ours = /_N(\d+)(?:_|$)/.exec(name);
  if (ours) return Number(ours[1]);
  const moons = /^moons_size_(\d+)(k?)$/.exec(name);
  if (moons) return Number(moons[1]) * (moons[2] === "k" ? 1000 : 1);
  // MNIST "1 vs 9" has 7877 + 6958 points and "1 vs 8" 7877 + 6825; sizes are int(p/100 · N).
  const mnist = /^mnist_1v([89])_size_(\d+)$/.exec(name);
  if (mnist) return Math.floor((Number(mnist[2]) / 100) * (mnist[1] === "9" ? 14835 : 14702));
  const fixed: Record<string, number> = { moons: 1000, lines: 20, mnist: 70000, cifar10: 60000 };
  return fixed[name];
}

/**
 * The data set a row belongs to without its size: "mnist_1v9_N1483" → "mnist_1v9", the paper's
 * "mnist_1v9_size_10" → "mnist_1v9", "moons_N100000_of1000000" → "moons_of1000000",
 * "moons_size_100k" → "moons_size". Figures draw one panel per family.
 */
export function datasetFamily(name: string): string {
  const ours = name.replace(/_N\d+(?=_|$)/, "");
  if (ours !== name) return ours;
  const mnist = /^(.*_\d+v\d+)_size_\d+$/.exec(name);
  if (mnist) return mnist[1];
  return name.replace(/_size_\d+k?$/, "_size");
}

const KIND_LABELS: Record<string, string> = {
  moons: "Two Moons",
  lines: "parallel lines",
  mnist: "MNIST",
  "fashion-mnist": "Fashion-MNIST",
  cifar10: "CIFAR-10",
};

/** A family's name in words: "mnist_1v9" → "MNIST 1 vs 9", "moons_of1000000" → "Two Moons, pool 1,000,000". */
export function datasetLabel(family: string): string {
  const [kind, ...rest] = family.split("_");
  const words = [KIND_LABELS[kind] ?? kind];
  const extra: string[] = [];
  for (const token of rest) {
    const pair = /^(\w+?)v(\w+)$/.exec(token);
    const value = /^(of|d|noise|seed)(.+)$/.exec(token);
    if (pair && !value) words.push(`${pair[1]} vs ${pair[2]}`);
    else if (value) {
      const name =
        { of: "pool", d: "distance", noise: "noise", seed: "seed" }[value[1]] ?? value[1];
      const v = Number(value[2]);
      extra.push(`${name} ${Number.isInteger(v) ? v.toLocaleString("en-US") : value[2]}`);
    } else if (token !== "size") extra.push(token);
  }
  return [words.join(" "), ...extra].join(", ");
}

/** The header of a results file, checked: ExperimentError names what is missing. */
function checkHeader(record: readonly string[], path: string): string[] {
  const columns = record.map((c) => c.trim());
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (!columns.includes("score") && !columns.includes("interpolated")) missing.push("score");
  if (missing.length > 0) {
    throw new ExperimentError(
      `${path}: missing column(s) ${missing.join(", ")}; a results file needs ${REQUIRED.join(", ")} ` +
        `and score or interpolated (found: ${columns.join(", ") || "none"})`,
    );
  }
  return columns;
}

/** Turns the records after a header into rows (one parser per file: the column lookups once). */
function rowParser(
  columns: readonly string[],
  path: string,
): (fields: readonly string[], line: number) => ResultRow {
  const index = new Map(columns.map((c, i) => [c, i]));
  // The per-class columns, found once per file (not once per row).
  const classes: { k: number; dimOut: string; dimIn: string }[] = [];
  for (const c of columns) {
    const m = /^second_dim_out_(\d+)$/.exec(c);
    if (m !== null) classes.push({ k: Number(m[1]), dimOut: c, dimIn: `second_dim_in_${m[1]}` });
  }
  return (fields, line) => {
    if (fields.length !== columns.length) {
      throw new ExperimentError(
        `${path}: line ${line} has ${fields.length} fields, the header has ${columns.length}`,
      );
    }
    return toRow(fields, index, classes, path, line);
  };
}

/** Parses results-file text (ours or the paper's); ExperimentError names the file, line, column. */
export function parseResults(text: string, path: string): ResultsFile {
  const { records, lines, partial } = parseCsvRecords(text.replace(/^\uFEFF/, ""));
  if (records.length === 0) throw new ExperimentError(`${path}: empty results file (no header)`);
  const columns = checkHeader(records[0], path);
  const parse = rowParser(columns, path);
  const rows: ResultRow[] = [];
  for (let r = 1; r < records.length; r++) rows.push(parse(records[r], lines[r]));
  return { path, columns, rows, partial };
}

/** What streamResults read: the header, the number of rows and a cut last line. */
export interface ResultsStreamInfo {
  readonly path: string;
  readonly columns: readonly string[];
  readonly rows: number;
  /** Text of a last line without its newline (cut by a crash); not handed on as a row. */
  readonly partial: string | undefined;
}

/**
 * Reads a results file row by row without holding its text or its rows (files of 10⁶ rows and
 * more): each row is handed to `onRow` as it is parsed. Errors as readResults.
 */
export async function streamResults(
  path: string,
  onRow: (row: ResultRow) => void,
  onHeader?: (columns: readonly string[]) => void,
): Promise<ResultsStreamInfo> {
  let columns: string[] | undefined;
  let parse: ((fields: readonly string[], line: number) => ResultRow) | undefined;
  let rows = 0;
  const csv = new CsvRecordStream((fields, line) => {
    if (parse === undefined) {
      columns = checkHeader(fields, path);
      parse = rowParser(columns, path);
      onHeader?.(columns);
      return;
    }
    onRow(parse(fields, line));
    rows++;
  });
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    const decoder = new TextDecoder("utf-8");
    let first = true;
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 })) {
      let text = decoder.decode(chunk as Buffer, { stream: true });
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      csv.push(text);
    }
    csv.push(decoder.decode());
  } catch (err) {
    if (err instanceof ExperimentError) throw err;
    throw new ExperimentError(readFailure(path, err, "results file"));
  } finally {
    await handle?.close().catch(() => {});
  }
  const partial = csv.end();
  if (columns === undefined) throw new ExperimentError(`${path}: empty results file (no header)`);
  return { path, columns, rows, partial };
}

function toRow(
  fields: readonly string[],
  index: ReadonlyMap<string, number>,
  classes: readonly { k: number; dimOut: string; dimIn: string }[],
  path: string,
  line: number,
): ResultRow {
  const where = () => `${path}: line ${line}`;
  const text = (c: string) => {
    const i = index.get(c);
    return i === undefined ? undefined : fields[i].trim();
  };
  const num = (c: string, integer = false): number | undefined => {
    const t = text(c);
    if (t === undefined || t === "") return undefined;
    const v = Number(t);
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new ExperimentError(
        `${where()}: column ${c} is "${t}", expected ${integer ? "an integer" : "a number"}`,
      );
    }
    return v;
  };
  const need = (c: string, integer = false): number => {
    const v = num(c, integer);
    if (v === undefined) throw new ExperimentError(`${where()}: column ${c} is empty`);
    return v;
  };
  const act = text("activation");
  let activation: Activation;
  if (act === "thres" || act === "threshold") activation = "threshold";
  else if (act === "relu") activation = "relu";
  else
    throw new ExperimentError(
      `${where()}: column activation is "${act}", expected thres, threshold or relu`,
    );
  const score = num("score");
  const interpolatedText = text("interpolated");
  let interpolated: boolean;
  if (interpolatedText === undefined || interpolatedText === "") {
    if (score === undefined)
      throw new ExperimentError(`${where()}: neither score nor interpolated is given`);
    interpolated = score === 1;
  } else if (/^(true|1|1\.0)$/i.test(interpolatedText)) interpolated = true;
  else if (/^(false|0|0\.0)$/i.test(interpolatedText)) interpolated = false;
  else
    throw new ExperimentError(
      `${where()}: column interpolated is "${interpolatedText}", expected True or False`,
    );
  const dataset = text("dataset") ?? "";
  const perClass: ClassWidth[] = [];
  for (const c of classes) {
    const dimOut = num(c.dimOut, true);
    if (dimOut === undefined) continue;
    perClass.push({ classIndex: c.k, dimIn: num(c.dimIn, true) ?? 0, dimOut });
  }
  const firstDimOut = num("first_dim_out", true) ?? need("n_iter", true);
  const samples = num("n_samples", true) ?? samplesFromDatasetName(dataset);
  const seed = num("seed", true);
  return {
    activation,
    dataset,
    lambda: need("max_bias"),
    n: need("n_iter", true),
    restart: need("restart", true),
    score: score ?? (interpolated ? 1 : 0),
    fitTime: num("fit_time") ?? 0,
    scoreTime: num("score_time") ?? 0,
    firstDimIn: num("first_dim_in", true) ?? 0,
    firstDimOut,
    perClass,
    secondDimIn: num("second_dim_in", true) ?? firstDimOut * Math.max(1, perClass.length),
    secondDimOut: need("second_dim_out", true),
    interpolated,
    ...(samples === undefined ? {} : { samples }),
    ...(seed === undefined ? {} : { seed }),
  };
}

/** Reads and parses a results file; ExperimentError if it is missing or malformed. */
export async function readResults(path: string): Promise<ResultsFile> {
  const text = await readText(path, {
    kind: "results file",
    makeError: (m) => new ExperimentError(m),
  });
  return parseResults(text, path);
}
