// Results in the paper's flavour: the same rows with the paper's data-set names (its data.py:
// "moons", "moons_size_100k", "mnist_1v9_size_10", "lines" …) in files named after the paper's
// experiments, so that its plot.py reads memonet's results unchanged.

import { join } from "node:path";
import { makeDirectory, writeFileAtomic } from "../node/files.js";
import type { ExperimentConfig } from "./config.js";
import { ExperimentError } from "./errors.js";
import { planOf } from "./grid.js";
import { csvLine } from "./csv.js";
import { formatRow, type ResultRow, streamResults } from "./results.js";
import { round } from "./stats.js";

/** The paper's results files of memonet's experiments (two for the union grids of Figs. 11, 13). */
const PAPER_EXPERIMENTS: Record<string, readonly string[]> = {
  moons: ["moons"],
  "moons-250": ["moons"],
  "moons-size": ["moons_size"],
  "mnist-1v9": ["mnist_1vs9_size"],
  "mnist-1v8": ["mnist_1vs8_size"],
  mnist: ["mnist"],
  "mnist-ext": ["mnist_ext_iter", "mnist_ext_bias"],
  cifar10: ["cifar10"],
  "cifar10-ext": ["cifar10_ext_iter", "cifar10_ext_bias"],
  lines: ["lines"],
};

/** The paper's names of an experiment's results files, one per grid or one for all. */
export function paperExperimentNames(config: ExperimentConfig): readonly string[] {
  return PAPER_EXPERIMENTS[config.name] ?? [config.name.replace(/-/g, "_")];
}

/** Sizes of the paper's MNIST subproblems (its data.py: 7877 ones + 6958 nines, + 6825 eights). */
const SUBPROBLEM_SIZES: Record<string, number> = { "1v9": 14835, "1v8": 14702 };

const NAME =
  /^([a-z0-9-]+?)(?:_(\w+?v\w+?))?(?:_N(\d+))?(?:_of(\d+))?(?:_noise([^_]+))?(?:_d([^_]+))?(?:_seed(\d+))?$/;

/**
 * The paper's name of one of memonet's data-set names: "moons_N1000" → "moons",
 * "moons_N100000_of1000000" → "moons_size_100k", "mnist_1v9_N1483" → "mnist_1v9_size_10",
 * "lines_N20_d0.1" → "lines". Data the paper has no name for keep memonet's name.
 */
export function paperDatasetName(name: string): string {
  const m = NAME.exec(name);
  if (m === null) return name;
  const [, kind, classes, n, pool, noise, distance, seed] = m;
  if (noise !== undefined || seed !== undefined) return name;
  const size = n === undefined ? undefined : Number(n);
  if (kind === "moons" && classes === undefined && distance === undefined) {
    if (pool === undefined) return size === 1000 ? "moons" : name;
    if (pool !== "1000000" || size === undefined) return name;
    return `moons_size_${size % 1000 === 0 ? `${size / 1000}k` : size}`;
  }
  if (kind === "lines" && size === 20 && (distance ?? "0.1") === "0.1" && pool === undefined) {
    return "lines";
  }
  if (pool !== undefined || distance !== undefined) return name;
  if ((kind === "mnist" || kind === "cifar10") && classes === undefined) {
    const all = kind === "mnist" ? 70000 : 60000;
    return size === undefined || size === all ? kind : name;
  }
  if (kind === "mnist" && classes !== undefined && size !== undefined) {
    const total = SUBPROBLEM_SIZES[classes];
    if (total === undefined) return name;
    for (let p = 10; p <= 100; p += 10) {
      if (Math.floor((p / 100) * total) === size) return `mnist_${classes}_size_${p}`;
    }
  }
  return name;
}

/** What writePaperResults wrote. */
export interface PaperResultsReport {
  /** The files, with their numbers of rows. */
  readonly files: readonly { readonly path: string; readonly rows: number }[];
  /** Data-set names that had no paper name and were kept. */
  readonly unnamed: readonly string[];
}

/**
 * Streams memonet's results file `resultsPath` of `config` into `<dir>/<paper name>.csv` with the
 * paper's data-set names (every column kept: the paper's scripts ignore the others). For the
 * union grids of Figs. 11 and 13 each paper file gets the rows of its grid.
 */
export async function writePaperResults(
  config: ExperimentConfig,
  quick: boolean,
  resultsPath: string,
  dir: string,
): Promise<PaperResultsReport> {
  const names = paperExperimentNames(config);
  const grids = planOf(config, quick).grids;
  const perGrid = names.length > 1 && names.length === grids.length;
  const inGrid = grids.map((g) => ({
    n: new Set(g.n),
    lambda: new Set(g.lambda.map(round)),
  }));
  const outputs = names.map(() => ({ chunks: [] as string[], part: "", rows: 0 }));
  const unnamed = new Set<string>();
  const renamed = new Map<string, string>();
  let columns: readonly string[] = [];
  const info = await streamResults(
    resultsPath,
    (row: ResultRow) => {
      let dataset = renamed.get(row.dataset);
      if (dataset === undefined) {
        dataset = paperDatasetName(row.dataset);
        renamed.set(row.dataset, dataset);
        if (dataset === row.dataset) unnamed.add(dataset);
      }
      const line = formatRow({ ...row, dataset }, columns);
      outputs.forEach((o, k) => {
        if (perGrid && !(inGrid[k].n.has(row.n) && inGrid[k].lambda.has(round(row.lambda)))) return;
        o.part += line;
        o.rows++;
        if (o.part.length > 1 << 20) {
          o.chunks.push(o.part);
          o.part = "";
        }
      });
    },
    (header) => {
      columns = header;
    },
  );
  if (info.rows === 0) {
    throw new ExperimentError(`${resultsPath}: no results rows to write in the paper's flavour`);
  }
  await makeDirectory(dir);
  const files: { path: string; rows: number }[] = [];
  for (let k = 0; k < names.length; k++) {
    const path = join(dir, `${names[k]}.csv`);
    const o = outputs[k];
    await writeFileAtomic(path, [csvLine(columns), ...o.chunks, o.part]);
    files.push({ path, rows: o.rows });
  }
  return { files, unnamed: [...unnamed].sort() };
}
