// reproduce(config): run an experiment's sweep (resuming) and draw its figures with an HTML
// page — what `memonet reproduce` does, for library users.

import { join } from "node:path";
import type { BackendChoice } from "../ops/index.js";
import { getKernels } from "../ops/index.js";
import type { FigureOverrides } from "../plots/figures.js";
import type { FigureFormat } from "../plots/render.js";
import { type Report, writeReport } from "../plots/report.js";
import type { ExperimentConfig } from "./config.js";
import { figureDataSource } from "./figureData.js";
import { type PaperResultsReport, writePaperResults } from "./paperResults.js";
import { readResultsTable } from "./resultsTable.js";
import type { OnProgress } from "../progress.js";
import { runSweep, type SweepReport } from "./runner.js";

/** results/<experiment>[-quick].csv */
export function defaultResultsPath(name: string, quick: boolean): string {
  return join("results", `${name}${quick ? "-quick" : ""}.csv`);
}

/** figures/<experiment>[-quick]/ */
export function defaultFiguresDir(name: string, quick: boolean): string {
  return join("figures", `${name}${quick ? "-quick" : ""}`);
}

/** Options of reproduce(); every one has a default. */
export interface ReproduceOptions {
  /** The small grid that finishes in minutes (default false). */
  readonly quick?: boolean;
  /** Results file (default defaultResultsPath). */
  readonly resultsPath?: string;
  /** Figure directory (default defaultFiguresDir). */
  readonly outDir?: string;
  /** Worker threads (default: os.availableParallelism()). */
  readonly workers?: number;
  /** Kernel backend of the workers and of the boundary figures (default auto). */
  readonly backend?: BackendChoice;
  /** Directory of CIFAR-10 or Fashion-MNIST files. */
  readonly dataPath?: string;
  /** Figure formats (default the configuration's `output.formats`, else svg and png). */
  readonly formats?: readonly FigureFormat[];
  /** PNG pixels per SVG pixel (default the configuration's `output.scale`, else 2). */
  readonly scale?: number;
  /** Overrides of the figures' size, contour smoothing and levels, width range. */
  readonly overrides?: FigureOverrides;
  /** Also write the results with the paper's names into this directory (see writePaperResults). */
  readonly paperNamesDir?: string;
  /** Title prefix of the figures (default the experiment's title). */
  readonly title?: string;
  /** The sweep's progress (see SweepOptions.onProgress). */
  readonly onProgress?: OnProgress;
  /** Stops the sweep when aborted (see SweepOptions.signal); no figures are drawn then. */
  readonly signal?: AbortSignal;
  /** Told each figure's name as it is written. */
  readonly onFigure?: (name: string) => void;
}

/** What reproduce() did: the sweep, the report, and the paper-flavoured results if asked. */
export interface ReproduceResult {
  readonly sweep: SweepReport;
  readonly report: Report;
  readonly paper?: PaperResultsReport;
  /** Seconds of the report (reading the results, figures, page). */
  readonly reportSeconds: number;
}

/**
 * Runs every trial of `config` not yet in its results file, then writes its figures and
 * index.html. Example: `await reproduce(await loadExperiment("moons"), { quick: true })`.
 */
export async function reproduce(
  config: ExperimentConfig,
  options: ReproduceOptions = {},
): Promise<ReproduceResult> {
  const quick = options.quick ?? false;
  const backend = options.backend ?? "auto";
  const dataPath = options.dataPath === undefined ? {} : { dataPath: options.dataPath };
  const sweep = await runSweep({
    config,
    quick,
    resultsPath: options.resultsPath ?? defaultResultsPath(config.name, quick),
    backend,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...dataPath,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const t0 = performance.now();
  const { table } = await readResultsTable([sweep.resultsPath]);
  const scale = options.scale ?? config.output.scale;
  const report = await writeReport(
    options.outDir ?? defaultFiguresDir(config.name, quick),
    {
      table,
      quick,
      title: options.title ?? config.title,
      resultsFiles: [sweep.resultsPath],
      config,
      figureData: figureDataSource({ config, quick, kernels: getKernels(backend), ...dataPath }),
      ...(options.overrides ? { overrides: options.overrides } : {}),
    },
    options.formats ?? config.output.formats ?? ["svg", "png"],
    options.onFigure,
    scale === undefined ? {} : { scale },
  );
  const paper =
    options.paperNamesDir === undefined
      ? undefined
      : await writePaperResults(config, quick, sweep.resultsPath, options.paperNamesDir);
  const reportSeconds = (performance.now() - t0) / 1000;
  return { sweep, report, reportSeconds, ...(paper ? { paper } : {}) };
}
