// The experiment commands: `memonet sweep run|slurm|merge|list`, `memonet plot` and
// `memonet reproduce`. registerExperimentCommands() adds them to the memonet program.

import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import type { ExperimentConfig } from "../sweeps/config.js";
import { ExperimentError } from "../sweeps/errors.js";
import { figureDataSource } from "../sweeps/figureData.js";
import { expandTrials, planOf } from "../sweeps/grid.js";
import { findShardFiles, mergeResults } from "../sweeps/merge.js";
import { listExperiments, loadExperiment } from "../sweeps/registry.js";
import { readResultsTable, type ResultsTable } from "../sweeps/resultsTable.js";
import { runSweep, type SweepReport } from "../sweeps/runner.js";
import { resolveShard, shardPath } from "../sweeps/shard.js";
import { defaultResultsPath, reproduce, type ReproduceResult } from "../sweeps/reproduce.js";
import { slurmScript } from "../sweeps/slurm.js";
import { getKernels, type BackendChoice } from "../ops/index.js";
import type { FigureOverrides } from "../plots/figures.js";
import { FIGURE_FORMATS, type FigureFormat } from "../plots/render.js";
import { type Report, writeReport } from "../plots/report.js";
import { backendOption } from "./backendOption.js";
import { formatCount, formatSeconds, formatTable } from "./format.js";
import { catchInterrupts } from "./interrupt.js";
import { progressReporter, type ProgressReporter } from "./progress.js";
import { integerAtLeast, numberAbove, numberAtLeast } from "./parse.js";
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
  format?: FigureFormat[];
  dataPath?: string;
  title?: string;
  backend: BackendChoice;
  scale?: number;
  width?: number;
  height?: number;
  vmin?: number;
  vmax?: number;
  levels?: number[];
  sigma?: number;
}

/** The figure overrides given on the command line. */
function overridesOf(o: PlotOptions): FigureOverrides {
  if (o.vmin !== undefined && o.vmax !== undefined && !(o.vmin < o.vmax)) {
    throw new ExperimentError(`--vmax ${o.vmax} must exceed --vmin ${o.vmin}`);
  }
  const out: { -readonly [K in keyof FigureOverrides]: FigureOverrides[K] } = {};
  for (const key of ["width", "height", "vmin", "vmax", "levels", "sigma"] as const) {
    if (o[key] !== undefined) (out as Record<string, unknown>)[key] = o[key];
  }
  return out;
}

function defaultResults(name: string, quick: boolean | undefined): string {
  return defaultResultsPath(name, quick ?? false);
}

function parseFormats(value: string): FigureFormat[] {
  const parts = value.split(",").map((s) => s.trim());
  if (parts.length === 0 || !parts.every((p) => (FIGURE_FORMATS as string[]).includes(p))) {
    throw new InvalidArgumentError(
      `expected a list of svg, png and pdf (e.g. svg,pdf), got "${value}"`,
    );
  }
  return [...new Set(parts as FigureFormat[])];
}

function parseLevels(value: string): number[] {
  const levels = value.split(",").map((s) => Number(s.trim()));
  if (levels.length === 0 || !levels.every((l) => Number.isFinite(l) && l > 0 && l < 1)) {
    throw new InvalidArgumentError(
      `expected probabilities between 0 and 1 separated by commas (e.g. 0.5,0.9), got "${value}"`,
    );
  }
  return [...new Set(levels)].sort((a, b) => a - b);
}

function parseNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`expected a number, got "${value}"`);
  }
  return v;
}

/** plot's default output directory: plots/<results file name> (reproduce writes to figures/). */
export function defaultPlotDir(resultsFile: string): string {
  return join("plots", basename(resultsFile, ".csv"));
}

/**
 * Kernel backends of sweep workers: native where built (one addon, its calls serialized across
 * the worker threads, each call on all cores), else each worker's own WebAssembly instance.
 */
const WORKER_BACKEND = "kernel backend of the workers (auto = native where built, else wasm)";

/** The sweep's progress: a bar with ETA on a terminal, a line per 10% (or minute) otherwise. */
function sweepProgress(label: string, enabled: boolean): ProgressReporter {
  return progressReporter({ enabled, lines: true, label });
}

async function runCommand(config: ExperimentConfig, o: RunOptions): Promise<SweepReport> {
  const shard = resolveShard(o, process.env);
  const base = o.results ?? defaultResults(config.name, o.quick);
  const resultsPath = shard === undefined ? base : shardPath(base, shard);
  const label = `${config.name}${o.quick ? " (quick)" : ""}${shard ? ` shard ${shard.index}/${shard.count}` : ""}`;
  const progress = sweepProgress(label, o.progress);
  const interrupt = catchInterrupts();
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
      onProgress: progress.onProgress,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.release();
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
}

function printReport(report: Report): void {
  console.log(
    `memonet plot: ${report.figures.length} figures in ${report.dir}; open ${report.page}`,
  );
  for (const f of report.findings) console.log(`  ${f}`);
}

async function plotResults(
  table: ResultsTable,
  files: readonly string[],
  config: ExperimentConfig | undefined,
  o: PlotOptions,
  out: string,
): Promise<void> {
  const title = o.title ?? config?.title ?? basename(files[0], ".csv");
  const scale = o.scale ?? config?.output.scale;
  const report = await writeReport(
    out,
    {
      table,
      quick: o.quick ?? false,
      title,
      resultsFiles: files,
      overrides: overridesOf(o),
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
    o.format ?? config?.output.formats ?? ["svg", "png"],
    (name) => process.stderr.write(`  figure ${name}\n`),
    scale === undefined ? {} : { scale },
  );
  printReport(report);
}

async function plotCommand(files: string[], o: PlotOptions): Promise<void> {
  const config = o.experiment === undefined ? undefined : await loadExperiment(o.experiment);
  overridesOf(o); // option errors before reading the files
  // Streamed and aggregated as read: files of 10⁶ rows are never held as rows.
  const { table } = await readResultsTable(files, (f) =>
    process.stderr.write(`memonet plot: ${f}: ignoring a cut last line\n`),
  );
  await plotResults(table, files, config, o, o.out ?? defaultPlotDir(files[0]));
}

async function reproduceCommand(
  name: string,
  o: RunOptions & PlotOptions & { paperNames?: string | true },
): Promise<void> {
  const config = await loadExperiment(name);
  const overrides = overridesOf(o);
  const label = `${config.name}${o.quick ? " (quick)" : ""}`;
  const progress = sweepProgress(label, o.progress);
  const interrupt = catchInterrupts();
  let result: ReproduceResult;
  try {
    result = await reproduce(config, {
      quick: o.quick ?? false,
      workers: o.workers,
      backend: o.backend,
      overrides,
      ...(o.format === undefined ? {} : { formats: o.format }),
      ...(o.scale === undefined ? {} : { scale: o.scale }),
      ...(o.paperNames === undefined
        ? {}
        : { paperNamesDir: o.paperNames === true ? join("results", "paper") : o.paperNames }),
      signal: interrupt.signal,
      onProgress: (p) => {
        progress.onProgress(p);
        if (p.done === p.total) interrupt.release(); // the figures: signals end the process
      },
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
    interrupt.release();
    progress.stop();
  }
  printSweep(label, result.sweep);
  printReport(result.report);
  console.log(`  report in ${formatSeconds(result.reportSeconds)}`);
  for (const f of result.paper?.files ?? []) {
    console.log(
      `  paper's names: ${formatCount(f.rows)} rows → ${f.path} (read by the paper's plot.py)`,
    );
  }
  if (result.paper && result.paper.unnamed.length > 0) {
    console.log(`  (no paper name for ${result.paper.unnamed.join(", ")}: kept as they are)`);
  }
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

  addFigureOptions(
    program
      .command("plot")
      .description(
        "figures (SVG, PNG, PDF) and an interactive HTML page from results files (memonet's or the paper's)",
      )
      .argument("<results...>", "results CSV files (one panel per data set)")
      .option(
        "--experiment <name>",
        "draw the experiment's figures (else inferred from the columns)",
      )
      .option("--quick", "with --experiment: its quick grid (for data and boundary figures)")
      .option("--out <dir>", "output directory (default plots/<results file name>)")
      .option("--data-path <dir>", "directory of CIFAR-10 or Fashion-MNIST files")
      .addOption(backendOption()),
  ).action(plotCommand);

  const reproduce = addRunOptions(
    program
      .command("reproduce")
      .description("run an experiment's sweep (resuming) and draw its figures with an HTML page")
      .argument("<experiment>"),
  )
    .option("--out <dir>", "figure directory (default figures/<experiment>[-quick])")
    .option(
      "--paper-names [dir]",
      "also write the results with the paper's data-set names, for its plot.py (default dir results/paper)",
    );
  addFigureOptions(reproduce).action(reproduceCommand);
}

/** The figure options shared by plot and reproduce. */
function addFigureOptions(cmd: Command): Command {
  return cmd
    .option(
      "--format <list>",
      "figure formats: svg, png, pdf, comma-separated (default svg,png)",
      parseFormats,
    )
    .option("--scale <k>", "PNG pixels per SVG pixel (default 2)", numberAbove(0))
    .option("--width <px>", "width of each panel's plotting area", integerAtLeast(20))
    .option("--height <px>", "height of each panel's plotting area", integerAtLeast(20))
    .option("--vmin <w>", "lower end of the second-layer width scale (width figures)", parseNumber)
    .option("--vmax <w>", "upper end of the second-layer width scale (width figures)", parseNumber)
    .option("--levels <list>", "iso-probability contours besides 99%, e.g. 0.5,0.9", parseLevels)
    .option(
      "--sigma <cells>",
      "smoothing of the probabilities before the contours (default 1)",
      numberAtLeast(0),
    )
    .option("--title <text>", "figure title prefix");
}

/** Runs only these commands as a program (used by tests); the CLI's one error boundary. */
export async function runExperimentCli(argv: readonly string[]): Promise<number> {
  const program = configureProgram(new Command("memonet"));
  registerExperimentCommands(program);
  return runProgram(program, argv);
}
