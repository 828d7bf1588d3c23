// The experiment commands: `memonet sweep run|slurm|merge|list`, `memonet plot` and
// `memonet reproduce`. registerExperimentCommands() adds them to the memonet program.

import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import cliProgress from "cli-progress";
import { Command, InvalidArgumentError } from "commander";
import type { ExperimentConfig } from "../sweeps/config.js";
import { ExperimentError } from "../sweeps/errors.js";
import { figureDataSource } from "../sweeps/figureData.js";
import { expandTrials, planOf } from "../sweeps/grid.js";
import { findShardFiles, mergeResults } from "../sweeps/merge.js";
import { listExperiments, loadExperiment } from "../sweeps/registry.js";
import {
  duplicatesWarning,
  readResults,
  type ResultRow,
  uniqueTrials,
} from "../sweeps/results.js";
import { runSweep, type SweepProgress, type SweepReport } from "../sweeps/runner.js";
import { resolveShard, shardPath } from "../sweeps/shard.js";
import { defaultResultsPath, reproduce, type ReproduceResult } from "../sweeps/reproduce.js";
import { slurmScript } from "../sweeps/slurm.js";
import { getKernels, type BackendChoice } from "../ops/index.js";
import type { FigureFormat } from "../plots/render.js";
import { type Report, writeReport } from "../plots/report.js";
import { backendOption } from "./backendOption.js";
import { formatCount, formatSeconds, formatTable } from "./format.js";
import { integerAtLeast } from "./parse.js";
import { configureProgram, runProgram } from "./boundary.js";

interface RunOptions {
  quick?: boolean;
  results?: string;
  workers: number;
  shard?: string;
  shards?: number;
  dataPath?: string;
  backend: BackendChoice;
  progress: boolean;
}

interface PlotOptions {
  experiment?: string;
  quick?: boolean;
  out?: string;
  format: FigureFormat[];
  dataPath?: string;
  title?: string;
  backend: BackendChoice;
}

function defaultResults(name: string, quick: boolean | undefined): string {
  return defaultResultsPath(name, quick ?? false);
}

function parseFormats(value: string): FigureFormat[] {
  const parts = value.split(",").map((s) => s.trim());
  if (parts.length === 0 || !parts.every((p) => p === "svg" || p === "png")) {
    throw new InvalidArgumentError(`expected svg, png or svg,png, got "${value}"`);
  }
  return [...new Set(parts as FigureFormat[])];
}

/**
 * Kernel backends of sweep workers: native where built (one addon, its calls serialized across
 * the worker threads, each call on all cores), else each worker's own WebAssembly instance.
 */
const WORKER_BACKEND = "kernel backend of the workers (auto = native where built, else wasm)";

/** A progress reporter: a bar with ETA on a terminal, a line per 10% (or minute) otherwise. */
function sweepProgress(
  label: string,
  enabled: boolean,
): { update: (p: SweepProgress) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} |{bar}| {value}/{total} trials | {percentage}% | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 200,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        if (!started) {
          bar.start(p.total, p.done);
          started = true;
        } else bar.update(p.done);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  const t0 = Date.now();
  let lastTenth = -1;
  let lastLog = t0;
  let first: SweepProgress | undefined;
  return {
    update: (p) => {
      first ??= p;
      const tenth = Math.floor((10 * p.done) / Math.max(1, p.total));
      const now = Date.now();
      if (tenth === lastTenth && now - lastLog < 60_000 && p.done !== p.total) return;
      lastTenth = tenth;
      lastLog = now;
      const ran = p.done - first.done;
      const rate = ran / Math.max(1e-3, (now - t0) / 1000);
      const eta = rate > 0 ? `, ETA ${formatSeconds((p.total - p.done) / rate)}` : "";
      process.stderr.write(
        `${label}: ${formatCount(p.done)}/${formatCount(p.total)} trials${eta}\n`,
      );
    },
    stop: () => {},
  };
}

async function runCommand(config: ExperimentConfig, o: RunOptions): Promise<SweepReport> {
  const shard = resolveShard(o, process.env);
  const base = o.results ?? defaultResults(config.name, o.quick);
  const resultsPath = shard === undefined ? base : shardPath(base, shard);
  const label = `${config.name}${o.quick ? " (quick)" : ""}${shard ? ` shard ${shard.index}/${shard.count}` : ""}`;
  const progress = sweepProgress(label, o.progress);
  let report: SweepReport;
  try {
    report = await runSweep({
      config,
      quick: o.quick ?? false,
      resultsPath,
      workers: o.workers,
      backend: o.backend,
      ...(shard ? { shard } : {}),
      ...(o.dataPath === undefined ? {} : { dataPath: o.dataPath }),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
  printSweep(label, report);
  if (shard !== undefined)
    console.log(`  (shard ${shard.index} of ${shard.count}, from ${shard.source})`);
  return report;
}

function printSweep(label: string, report: SweepReport): void {
  const repaired =
    report.repairedBytes > 0 ? `; removed a cut last line (${report.repairedBytes} bytes)` : "";
  console.log(
    `memonet sweep: ${label}: ${formatCount(report.total)} trials, ${formatCount(report.resumed)} already done, ` +
      `ran ${formatCount(report.ran)} in ${formatSeconds(report.seconds)}${repaired} → ${report.resultsPath}`,
  );
  const dup = duplicatesWarning(report.resultsPath, report.duplicates);
  if (dup !== "") process.stderr.write(`memonet sweep: ${dup}\n`);
}

function printReport(report: Report): void {
  console.log(
    `memonet plot: ${report.figures.length} figures in ${report.dir}; open ${report.page}`,
  );
  for (const f of report.findings) console.log(`  ${f}`);
}

async function plotResults(
  rows: readonly ResultRow[],
  files: readonly string[],
  config: ExperimentConfig | undefined,
  o: PlotOptions,
  out: string,
): Promise<void> {
  const title = o.title ?? config?.title ?? basename(files[0], ".csv");
  const report = await writeReport(
    out,
    {
      rows,
      quick: o.quick ?? false,
      title,
      resultsFiles: files,
      ...(config
        ? {
            config,
            figureData: figureDataSource({
              config,
              quick: o.quick ?? false,
              kernels: getKernels(o.backend),
              ...(o.dataPath === undefined ? {} : { dataPath: o.dataPath }),
            }),
          }
        : {}),
    },
    o.format,
    (name) => process.stderr.write(`  figure ${name}\n`),
  );
  printReport(report);
}

async function plotCommand(files: string[], o: PlotOptions): Promise<void> {
  const config = o.experiment === undefined ? undefined : await loadExperiment(o.experiment);
  const rows: ResultRow[] = [];
  const seen = new Set<string>(); // each trial counts once, over all files (uniqueTrials)
  for (const f of files) {
    const parsed = await readResults(f);
    if (parsed.partial !== undefined) {
      process.stderr.write(`memonet plot: ${f}: ignoring a cut last line\n`);
    }
    const unique = uniqueTrials(parsed.rows, seen);
    const dup = duplicatesWarning(f, parsed.duplicates + unique.duplicates, parsed.firstDuplicateLine);
    if (dup !== "") process.stderr.write(`memonet plot: ${dup}\n`);
    for (const row of unique.rows) rows.push(row); // no spread: files of 10⁵–10⁶ rows
  }
  const out = o.out ?? join("figures", basename(files[0], ".csv"));
  await plotResults(rows, files, config, o, out);
}

async function reproduceCommand(name: string, o: RunOptions & PlotOptions): Promise<void> {
  const config = await loadExperiment(name);
  const label = `${config.name}${o.quick ? " (quick)" : ""}`;
  const progress = sweepProgress(label, o.progress);
  let result: ReproduceResult;
  try {
    result = await reproduce(config, {
      quick: o.quick ?? false,
      workers: o.workers,
      backend: o.backend,
      formats: o.format,
      onProgress: (p) => progress.update(p),
      onFigure: (figure) => {
        progress.stop();
        process.stderr.write(`  figure ${figure}\n`);
      },
      ...(o.results === undefined ? {} : { resultsPath: o.results }),
      ...(o.out === undefined ? {} : { outDir: o.out }),
      ...(o.dataPath === undefined ? {} : { dataPath: o.dataPath }),
      ...(o.title === undefined ? {} : { title: o.title }),
    });
  } finally {
    progress.stop();
  }
  printSweep(label, result.sweep);
  printReport(result.report);
}

async function listCommand(): Promise<void> {
  const rows: string[][] = [];
  for (const name of await listExperiments()) {
    const c = await loadExperiment(name);
    rows.push([
      name,
      c.paperFigure,
      formatCount(expandTrials(c, planOf(c, false)).length),
      formatCount(expandTrials(c, planOf(c, true)).length),
      c.title,
    ]);
  }
  console.log(formatTable(["experiment", "paper", "trials", "--quick", "title"], rows));
}

async function slurmCommand(
  name: string,
  o: {
    tasks: number;
    quick?: boolean;
    cpusPerTask: number;
    time: string;
    mem?: string;
    partition?: string;
    results?: string;
    dataPath?: string;
    workdir?: string;
    memonet: string;
  },
): Promise<void> {
  const config = await loadExperiment(name);
  const trials = expandTrials(config, planOf(config, o.quick ?? false)).length;
  if (o.tasks > trials) {
    throw new ExperimentError(
      `--tasks ${o.tasks} exceeds the ${trials} trials of ${name}${o.quick ? " (quick)" : ""}`,
    );
  }
  process.stdout.write(
    slurmScript({
      experiment: name,
      quick: o.quick ?? false,
      tasks: o.tasks,
      cpusPerTask: o.cpusPerTask,
      time: o.time,
      resultsPath: o.results ?? defaultResults(config.name, o.quick),
      workdir: o.workdir ?? process.cwd(),
      memonet: o.memonet,
      ...(o.mem === undefined ? {} : { memory: o.mem }),
      ...(o.partition === undefined ? {} : { partition: o.partition }),
      ...(o.dataPath === undefined ? {} : { dataPath: o.dataPath }),
    }),
  );
}

async function mergeCommand(
  name: string,
  files: string[],
  o: { quick?: boolean; results?: string; out?: string; strict?: boolean },
): Promise<void> {
  const config = await loadExperiment(name);
  const results = o.results ?? defaultResults(config.name, o.quick);
  const inputs = files.length > 0 ? files : await findShardFiles(results);
  const report = await mergeResults(config, o.quick ?? false, inputs, o.out ?? results);
  console.log(
    `memonet sweep merge: ${report.files.length} files, ${formatCount(report.rows)} rows → ${report.out}` +
      (report.duplicates > 0 ? `; ${formatCount(report.duplicates)} duplicate rows dropped` : "") +
      (report.extra > 0
        ? `; ${formatCount(report.extra)} rows not in the grid kept at the end`
        : ""),
  );
  for (const f of report.cutFiles) console.log(`  ${f}: its cut last line was dropped`);
  if (report.missing.length === 0) {
    console.log("  complete: every trial of the grid is present");
    return;
  }
  const examples = report.missing.slice(0, 5).map((t) => `    ${t.key} (trial ${t.index})`);
  const message = `missing ${formatCount(report.missing.length)} trials, e.g.:\n${examples.join("\n")}`;
  if (o.strict) throw new ExperimentError(message.replace(/\n\s*/g, " "));
  console.log(`  ${message}`);
  console.log(
    `  (run the missing trials with: memonet sweep run ${name}${o.quick ? " --quick" : ""} --results ${report.out})`,
  );
}

function addRunOptions(cmd: Command): Command {
  return cmd
    .option("--quick", "the small grid that finishes in minutes")
    .option("--results <file.csv>", "results file (default results/<experiment>[-quick].csv)")
    .option("--workers <k>", "worker threads", integerAtLeast(1), availableParallelism())
    .option("--data-path <dir>", "directory of CIFAR-10 (binary batches) or Fashion-MNIST files")
    .addOption(backendOption(WORKER_BACKEND))
    .option("--no-progress", "no progress bar or progress lines");
}

/** Adds `sweep`, `plot` and `reproduce` to the memonet program. */
export function registerExperimentCommands(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("parameter sweeps of the paper's experiments (run, slurm, merge, list)");

  sweep.command("list").description("list the checked-in experiments").action(listCommand);

  addRunOptions(
    sweep
      .command("run")
      .description("run every trial of an experiment (resumes; --shard or a job array runs a part)")
      .argument("<experiment>", "name in experiments/ or a .json file"),
  )
    .option("--shard <i/k>", "run shard i of k (0 <= i < k): every k-th trial")
    .option(
      "--shards <k>",
      "number of shards, for PBS and Kubernetes job arrays",
      integerAtLeast(1),
    )
    .action(async (name: string, o: RunOptions) => {
      await runCommand(await loadExperiment(name), o);
    });

  sweep
    .command("slurm")
    .description("print an sbatch job-array script that runs the sweep on a Slurm cluster")
    .argument("<experiment>")
    .requiredOption("--tasks <k>", "number of array tasks (shards)", integerAtLeast(1))
    .option("--quick", "the quick grid")
    .option("--cpus-per-task <c>", "cores per task (= worker threads)", integerAtLeast(1), 4)
    .option("--time <limit>", "wall-clock limit per task", "24:00:00")
    .option("--mem <size>", "memory per task, e.g. 16G")
    .option("--partition <name>", "Slurm partition")
    .option("--results <file.csv>", "results file (the shards are written beside it)")
    .option("--data-path <dir>", "directory of CIFAR-10 or Fashion-MNIST files")
    .option("--workdir <dir>", "directory the tasks run in (default: here)")
    .option("--memonet <command>", "how the tasks run memonet", "npx memonet")
    .action(slurmCommand);

  sweep
    .command("merge")
    .description("merge shard results files into one, and report missing trials")
    .argument("<experiment>")
    .argument("[files...]", "shard files (default: <results>.shard-*-of-*.csv)")
    .option("--quick", "the quick grid")
    .option(
      "--results <file.csv>",
      "results file whose shards to merge (default results/<experiment>[-quick].csv)",
    )
    .option("--out <file.csv>", "merged file (default: the results file)")
    .option("--strict", "exit with an error when trials are missing")
    .action(mergeCommand);

  program
    .command("plot")
    .description(
      "figures (SVG, PNG) and an HTML page from results files (memonet's or the paper's)",
    )
    .argument("<results...>", "results CSV files")
    .option("--experiment <name>", "draw the experiment's figures (else inferred from the columns)")
    .option("--quick", "with --experiment: its quick grid (for data and boundary figures)")
    .option("--out <dir>", "output directory (default figures/<results file name>)")
    .option("--format <list>", "svg, png or svg,png", parseFormats, [
      "svg",
      "png",
    ] as FigureFormat[])
    .option("--data-path <dir>", "directory of CIFAR-10 or Fashion-MNIST files")
    .option("--title <text>", "figure title prefix")
    .addOption(backendOption())
    .action(plotCommand);

  addRunOptions(
    program
      .command("reproduce")
      .description("run an experiment's sweep (resuming) and draw its figures with an HTML page")
      .argument("<experiment>"),
  )
    .option("--out <dir>", "figure directory (default figures/<experiment>[-quick])")
    .option("--format <list>", "svg, png or svg,png", parseFormats, [
      "svg",
      "png",
    ] as FigureFormat[])
    .action(reproduceCommand);
}

/** Runs only these commands as a program (used by tests); the CLI's one error boundary. */
export async function runExperimentCli(argv: readonly string[]): Promise<number> {
  const program = configureProgram(new Command("memonet"));
  registerExperimentCommands(program);
  return runProgram(program, argv);
}
