// The sweep runner: every pending trial of an experiment (or of one shard of it) on a pool of
// worker threads, each row appended to the results file as soon as its trial finishes.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { errorFromName, InterruptedError } from "../errors.js";
import type { OnProgress } from "../progress.js";
import type { BackendChoice } from "../ops/index.js";
import { ResultsAppender } from "./appender.js";
import type { ExperimentConfig } from "./config.js";
import { expandTrials, planOf, type Trial } from "./grid.js";
import type { WorkerInit, WorkerReply } from "./protocol.js";
import { resultColumns, rowKey } from "./results.js";
import { inShard, type Shard } from "./shard.js";

/** What to run and where to write it. */
export interface SweepOptions {
  readonly config: ExperimentConfig;
  readonly quick: boolean;
  readonly resultsPath: string;
  /** Worker threads (default: os.availableParallelism()). */
  readonly workers?: number;
  readonly shard?: Shard;
  readonly backend?: BackendChoice;
  readonly dataPath?: string;
  /**
   * Progress: phase "trials", `done` counting the rows in the results file (the first event's
   * `done` is the number resumed), `total` the trials of the run.
   */
  readonly onProgress?: OnProgress;
  /**
   * Stops the sweep when aborted (e.g. on SIGINT): the workers are stopped, the rows written so
   * far stay in the file, and runSweep rejects with an InterruptedError saying how many rows are
   * saved (its `signal` is the abort reason when that is a string such as "SIGINT").
   */
  readonly signal?: AbortSignal;
}

/** What a sweep did. */
export interface SweepReport {
  readonly resultsPath: string;
  /** Trials of this run (of this shard when sharded). */
  readonly total: number;
  /** Of those, found done in the results file. */
  readonly resumed: number;
  /** Of those, run now. */
  readonly ran: number;
  /** Bytes of a cut last line removed from the results file. */
  readonly repairedBytes: number;
  readonly seconds: number;
}

/** Number of class subnetworks of the experiment's networks (1 for binary problems). */
export function subnetworkCount(config: ExperimentConfig): number {
  const d = config.full.dataset;
  if (d.kind === "moons" || d.kind === "lines" || d.classes !== undefined) return 1;
  return 10; // MNIST, Fashion-MNIST, CIFAR-10
}

function rebuildError(reply: Extract<WorkerReply, { type: "error" }>, trial: Trial): Error {
  const known = errorFromName(reply.name, reply.message);
  if (known !== undefined) return known;
  const e = new Error(`trial ${trial.key} failed: ${reply.message}`);
  e.stack = reply.stack;
  return e;
}

/** Trials of the run that are not in the results file yet, with the file opened for appending. */
async function prepare(o: SweepOptions) {
  const plan = planOf(o.config, o.quick);
  const trials = inShard(expandTrials(o.config, plan), o.shard);
  const opened = await ResultsAppender.open(
    o.resultsPath,
    resultColumns(subnetworkCount(o.config)),
  );
  const done = new Set(opened.rows.map(rowKey));
  const pending = trials.filter((t) => !done.has(t.key));
  return { plan, trials, pending, opened };
}

/**
 * Runs the missing trials of an experiment (resuming from the results file) on worker threads
 * and appends one row per finished trial. Rejects with the first trial error (DataError,
 * OptionError, ExperimentError or Error); rows written until then stay in the file.
 */
export async function runSweep(o: SweepOptions): Promise<SweepReport> {
  const t0 = performance.now();
  const { plan, trials, pending, opened } = await prepare(o);
  const appender = opened.appender;
  const resumed = trials.length - pending.length;
  let done = resumed;
  const progress = () =>
    o.onProgress?.({ phase: "trials", done, total: trials.length, unit: "trials" });
  progress();
  const workerCount = Math.max(1, Math.min(o.workers ?? availableParallelism(), pending.length));
  const init: WorkerInit = {
    dataset: plan.dataset,
    algorithm: o.config.algorithm,
    score: o.config.score,
    backend: o.backend ?? "auto",
    ...(o.dataPath === undefined ? {} : { dataPath: o.dataPath }),
  };
  const interrupted = () => {
    const reason: unknown = o.signal?.reason;
    return new InterruptedError(
      `interrupted — ${count(done)} rows saved in ${o.resultsPath} (${count(done - resumed)} ` +
        `this run, ${count(trials.length - done)} trials left), rerun the same command to resume`,
      typeof reason === "string" ? reason : undefined,
    );
  };
  let failed = true;
  try {
    if (pending.length > 0) {
      if (o.signal?.aborted) throw interrupted();
      await runPool(pending, workerCount, init, o.signal, interrupted, (row) => {
        appender.append(row);
        done++;
        progress();
      });
    }
    failed = false;
  } finally {
    // A run that failed before its first row leaves no header-only file behind.
    appender.close(failed);
  }
  return {
    resultsPath: o.resultsPath,
    total: trials.length,
    resumed,
    ran: pending.length,
    repairedBytes: opened.repairedBytes,
    seconds: (performance.now() - t0) / 1000,
  };
}

const count = (n: number) => n.toLocaleString("en-US");

/** The process's Node options minus those a worker cannot take (-e/--eval/-p, --input-type). */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-e" || a === "--eval" || a === "-p" || a === "--print") i++;
    else if (!a.startsWith("--input-type") && !a.startsWith("--eval=") && !a.startsWith("--print="))
      out.push(a);
  }
  return out;
}

/** Trials in flight per worker: one running, one waiting, so a worker never idles. */
const IN_FLIGHT = 2;

function runPool(
  trials: readonly Trial[],
  workerCount: number,
  init: WorkerInit,
  signal: AbortSignal | undefined,
  interrupted: () => Error,
  onRow: (row: Extract<WorkerReply, { type: "result" }>["row"]) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let finished = 0;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      signal?.removeEventListener("abort", onAbort);
      for (const w of workers) void w.terminate();
      reject(e);
    };
    const onAbort = () => fail(interrupted());
    signal?.addEventListener("abort", onAbort, { once: true });
    const feed = (w: Worker) => {
      if (next < trials.length && !failed) w.postMessage({ trial: trials[next++] });
    };
    for (let i = 0; i < workerCount; i++) {
      const w = new Worker(new URL("./worker.js", import.meta.url), {
        workerData: init,
        execArgv: workerExecArgv(),
      });
      workers.push(w);
      w.on("message", (reply: WorkerReply) => {
        if (failed) return;
        if (reply.type === "error") {
          fail(rebuildError(reply, trials.find((t) => t.index === reply.index) ?? trials[0]));
          return;
        }
        try {
          onRow(reply.row);
        } catch (e) {
          fail(e as Error);
          return;
        }
        finished++;
        if (finished === trials.length) {
          signal?.removeEventListener("abort", onAbort);
          for (const x of workers) void x.terminate();
          resolve();
        } else feed(w);
      });
      w.on("error", (e) => fail(e));
      w.on("exit", (code) => {
        if (!failed && finished < trials.length) {
          fail(new Error(`a sweep worker stopped (exit code ${code}) before the sweep finished`));
        }
      });
      for (let k = 0; k < IN_FLIGHT; k++) feed(w);
    }
  });
}
