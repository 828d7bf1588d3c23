// A sweep worker thread: loads each data set once, then runs the trials it is sent.

import { parentPort, workerData } from "node:worker_threads";
import { getKernels } from "../ops/index.js";
// Registers the native backend where it is built (its calls are serialized across threads).
import "../backends/native/index.js";
import { DatasetCache } from "./datasets.js";
import type { WorkerInit, WorkerReply, WorkerRequest } from "./protocol.js";
import { runTrial } from "./trial.js";

const init = workerData as WorkerInit;
const kernels = getKernels(init.backend);
const cache = new DatasetCache(init.dataPath === undefined ? {} : { dataPath: init.dataPath });
const port = parentPort;
let queue: Promise<void> = Promise.resolve();

async function handle(request: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  try {
    const ds = await cache.get(init.dataset, request.trial.size);
    const row = runTrial(ds, request.trial, init.algorithm, init.score, kernels);
    reply = { type: "result", index: request.trial.index, row };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    reply = {
      type: "error",
      index: request.trial.index,
      name: error.name,
      message: error.message,
      stack: error.stack ?? "",
    };
  }
  port?.postMessage(reply);
}

// Requests run one after the other (a second one may wait here while the first runs).
port?.on("message", (request: WorkerRequest) => {
  queue = queue.then(() => handle(request));
});
