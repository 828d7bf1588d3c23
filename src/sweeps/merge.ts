// Merging the results files of shards into one, in the experiment's canonical trial order.

import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { readText, writeFileAtomic } from "../node/files.js";
import type { ExperimentConfig } from "./config.js";
import { csvLine } from "./csv.js";
import { ExperimentError } from "./errors.js";
import { expandTrials, planOf, type Trial } from "./grid.js";
import { formatRow, parseResults, type ResultRow, rowKey, TrialSet } from "./results.js";

/** What a merge found. */
export interface MergeReport {
  readonly out: string;
  readonly files: readonly string[];
  readonly rows: number;
  /** Rows of a trial that an earlier row (of any file) already has: dropped (uniqueTrials). */
  readonly duplicates: number;
  /** Trials of the experiment that no file has. */
  readonly missing: readonly Trial[];
  /** Rows of trials that are not in the experiment's grid (kept, after the others). */
  readonly extra: number;
  /** Files whose last line was cut (that line is dropped). */
  readonly cutFiles: readonly string[];
}

/** The shard files of a results path: "<base>.shard-<i>-of-<k>.csv" beside it, sorted by i. */
export async function findShardFiles(resultsPath: string): Promise<string[]> {
  const dir = dirname(resultsPath);
  const base = basename(resultsPath.endsWith(".csv") ? resultsPath.slice(0, -4) : resultsPath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(
    `^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.shard-(\\d+)-of-(\\d+)\\.csv$`,
  );
  return names
    .map((n) => ({ n, m: pattern.exec(n) }))
    .filter((x) => x.m !== null)
    .sort((a, b) => Number(a.m?.[1]) - Number(b.m?.[1]))
    .map((x) => join(dir, x.n));
}

/**
 * Merges results files into `out` (written atomically): rows of the experiment's trials in
 * canonical order, then any other rows; duplicates dropped. ExperimentError if the files'
 * columns differ or a file is malformed.
 */
export async function mergeResults(
  config: ExperimentConfig,
  quick: boolean,
  files: readonly string[],
  out: string,
): Promise<MergeReport> {
  if (files.length === 0) {
    throw new ExperimentError(`no shard files to merge for ${out} (expected ${shardPattern(out)})`);
  }
  let columns: readonly string[] | undefined;
  const byKey = new Map<string, ResultRow>();
  const seen = new TrialSet(); // each trial once over all files
  let duplicates = 0;
  const cutFiles: string[] = [];
  for (const f of files) {
    const text = await readText(f, {
      kind: "results file",
      makeError: (m) => new ExperimentError(m),
    });
    const parsed = parseResults(text, f, seen);
    if (parsed.partial !== undefined) cutFiles.push(f);
    if (columns === undefined) columns = parsed.columns;
    else if (parsed.columns.join(",") !== columns.join(",")) {
      throw new ExperimentError(
        `${f}: its columns differ from those of ${files[0]} (${parsed.columns.join(",")} vs ${columns.join(",")})`,
      );
    }
    duplicates += parsed.duplicates;
    for (const row of parsed.rows) byKey.set(rowKey(row), row);
  }
  const trials = expandTrials(config, planOf(config, quick));
  const ordered: ResultRow[] = [];
  const missing: Trial[] = [];
  for (const t of trials) {
    const row = byKey.get(t.key);
    if (row === undefined) missing.push(t);
    else {
      ordered.push(row);
      byKey.delete(t.key);
    }
  }
  const extra = [...byKey.values()];
  const cols = columns ?? [];
  const text = csvLine(cols) + [...ordered, ...extra].map((r) => formatRow(r, cols)).join("");
  await writeFileAtomic(out, text, (m) => new ExperimentError(m));
  return {
    out,
    files,
    rows: ordered.length + extra.length,
    duplicates,
    missing,
    extra: extra.length,
    cutFiles,
  };
}

function shardPattern(out: string): string {
  const base = out.endsWith(".csv") ? out.slice(0, -4) : out;
  return `${base}.shard-<i>-of-<k>.csv`;
}
