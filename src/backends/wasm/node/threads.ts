// Node.js only: gives the WebAssembly backend its helper threads (node:worker_threads running
// ./worker.js), as many as MEMONET_THREADS or the available cores (the native backend's rule). Importing this module
// sets the worker factory; backends created afterwards use it. The workers are unref'd, so they
// never keep a process alive.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { setWasmWorkerFactory, type KernelWorker } from "../threads.js";

/** Most threads (as the native backend's pool). */
const MAX_THREADS = 64;

/** MEMONET_THREADS when it is a positive integer, else the available cores (at most 64). */
function defaultThreads(): number {
  const value = Number(process.env.MEMONET_THREADS);
  const threads = Number.isInteger(value) && value >= 1 ? value : availableParallelism();
  return Math.min(MAX_THREADS, threads);
}

/** Flags that name the main script's source (with their value): a worker script cannot take them. */
const SOURCE_FLAGS = new Set(["-e", "--eval", "-p", "--print", "--input-type"]);

/** The parent's Node flags without those that only make sense for its own main script. */
function workerExecArgv(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].split("=")[0];
    if (!SOURCE_FLAGS.has(name)) kept.push(argv[i]);
    else if (!argv[i].includes("=")) i++;
  }
  return kept;
}

const script = new URL("./worker.js", import.meta.url);

setWasmWorkerFactory({
  threads: defaultThreads(),
  create(): KernelWorker {
    const worker = new Worker(script, { execArgv: workerExecArgv(process.execArgv) });
    worker.unref();
    return worker;
  },
});
