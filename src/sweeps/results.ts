// Results files: one CSV row per trial, with the columns of the paper's own results files
// (github.com/patrickfinke/memo, algorithm.py and run.py) plus interpolated, n_samples and seed.

import { readText } from "../node/files.js";
import type { Activation } from "../dfg/firstLayer.js";
import { csvLine, parseCsvRecords } from "./csv.js";
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
  /** Rows of a trial that an earlier row already has (dropped from `rows`; see uniqueTrials). */
  readonly duplicates: number;
  /** 1-based line of the first dropped duplicate row, if any. */
  readonly firstDuplicateLine?: number;
}

/** Rows reduced to one per trial, and how many were dropped. */
export interface UniqueRows {
  readonly rows: ResultRow[];
  readonly duplicates: number;
  /** Index (in the input) of the first dropped row, or -1. */
  readonly firstDuplicate: number;
}

/**
 * The one rule for duplicate trials, shared by resume, `plot`, `merge` and `reproduce`: a trial
 * (its key: data set, n, λ, activation, restart) counts once — its first row is kept, every
 * later row of the same trial is dropped, and the caller warns how many were.
 */
export function uniqueTrials(rows: Iterable<ResultRow>, seen = new Set<string>()): UniqueRows {
  const out: ResultRow[] = [];
  let duplicates = 0;
  let firstDuplicate = -1;
  let i = 0;
  for (const row of rows) {
    const key = rowKey(row);
    if (seen.has(key)) {
      if (duplicates++ === 0) firstDuplicate = i;
    } else {
      seen.add(key);
      out.push(row);
    }
    i++;
  }
  return { rows: out, duplicates, firstDuplicate };
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
 * Parses results-file text (ours or the paper's); ExperimentError names the file, line, column.
 * Duplicate rows of a trial are dropped (uniqueTrials) and counted in `duplicates`.
 */
export function parseResults(text: string, path: string): ResultsFile {
  const { records, lines, partial } = parseCsvRecords(text.replace(/^\uFEFF/, ""));
  if (records.length === 0) throw new ExperimentError(`${path}: empty results file (no header)`);
  const columns = records[0].map((c) => c.trim());
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (!columns.includes("score") && !columns.includes("interpolated")) missing.push("score");
  if (missing.length > 0) {
    throw new ExperimentError(
      `${path}: missing column(s) ${missing.join(", ")}; a results file needs ${REQUIRED.join(", ")} ` +
        `and score or interpolated (found: ${columns.join(", ") || "none"})`,
    );
  }
  const index = new Map(columns.map((c, i) => [c, i]));
  const rows: ResultRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const fields = records[r];
    if (fields.length !== columns.length) {
      throw new ExperimentError(
        `${path}: line ${lines[r]} has ${fields.length} fields, the header has ${columns.length}`,
      );
    }
    rows.push(toRow(fields, index, columns, `${path}: line ${lines[r]}`));
  }
  const unique = uniqueTrials(rows);
  return {
    path,
    columns,
    rows: unique.rows,
    partial,
    duplicates: unique.duplicates,
    ...(unique.firstDuplicate < 0 ? {} : { firstDuplicateLine: lines[unique.firstDuplicate + 1] }),
  };
}

/** A one-line warning for dropped duplicate rows of `file` ("" when there are none). */
export function duplicatesWarning(file: string, duplicates: number, line?: number): string {
  if (duplicates === 0) return "";
  const where = line === undefined ? "" : ` (the first at line ${line})`;
  return (
    `${file}: ${duplicates} duplicate row${duplicates === 1 ? "" : "s"} of trials already read` +
    `${where} dropped; each trial counts once`
  );
}

function toRow(
  fields: readonly string[],
  index: ReadonlyMap<string, number>,
  columns: readonly string[],
  where: string,
): ResultRow {
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
        `${where}: column ${c} is "${t}", expected ${integer ? "an integer" : "a number"}`,
      );
    }
    return v;
  };
  const need = (c: string, integer = false): number => {
    const v = num(c, integer);
    if (v === undefined) throw new ExperimentError(`${where}: column ${c} is empty`);
    return v;
  };
  const act = text("activation");
  let activation: Activation;
  if (act === "thres" || act === "threshold") activation = "threshold";
  else if (act === "relu") activation = "relu";
  else
    throw new ExperimentError(
      `${where}: column activation is "${act}", expected thres, threshold or relu`,
    );
  const score = num("score");
  const interpolatedText = text("interpolated");
  let interpolated: boolean;
  if (interpolatedText === undefined || interpolatedText === "") {
    if (score === undefined)
      throw new ExperimentError(`${where}: neither score nor interpolated is given`);
    interpolated = score === 1;
  } else if (/^(true|1|1\.0)$/i.test(interpolatedText)) interpolated = true;
  else if (/^(false|0|0\.0)$/i.test(interpolatedText)) interpolated = false;
  else
    throw new ExperimentError(
      `${where}: column interpolated is "${interpolatedText}", expected True or False`,
    );
  const dataset = text("dataset") ?? "";
  const perClass: ClassWidth[] = [];
  for (const c of columns) {
    const m = /^second_dim_out_(\d+)$/.exec(c);
    if (m === null) continue;
    const k = Number(m[1]);
    const dimOut = num(c, true);
    if (dimOut === undefined) continue;
    perClass.push({ classIndex: k, dimIn: num(`second_dim_in_${k}`, true) ?? 0, dimOut });
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
