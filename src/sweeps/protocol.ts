// Messages between the sweep runner and its worker threads.

import type { BackendChoice } from "../ops/index.js";
import type { DatasetSpec } from "./config.js";
import type { Trial } from "./grid.js";
import type { ResultRow } from "./results.js";
import type { ScoreMode } from "./trial.js";

/** workerData of a sweep worker. */
export interface WorkerInit {
  readonly dataset: DatasetSpec;
  readonly algorithm: 1 | 2;
  readonly score: ScoreMode;
  readonly backend: BackendChoice;
  readonly dataPath?: string;
}

/** Runner → worker: run this trial. */
export interface WorkerRequest {
  readonly trial: Trial;
}

/** Worker → runner: a finished trial, or the error that stopped it. */
export type WorkerReply =
  | { readonly type: "result"; readonly index: number; readonly row: ResultRow }
  | {
      readonly type: "error";
      readonly index: number;
      readonly name: string;
      readonly message: string;
      readonly stack: string;
    };
