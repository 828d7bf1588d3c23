// The one progress event of memonet's long computations (fits, sweeps, analyze, compare,
// memorize and verify), rendered by the CLI's reporter (src/cli/progress.ts) and the playground.
// Browser-safe (no Node.js imports).

/**
 * Progress of one phase of a computation: `done` of `total` `unit` (e.g. 3 000 of 70 000
 * "points"); `total` is 0 while the amount of work is not known. A new `phase` starts a new bar.
 */
export interface ProgressEvent {
  /** What is being done, e.g. "first layer", "second layer", "trials", "distances". */
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  /** What is counted, plural: "points", "trials", "tiles", "steps". */
  readonly unit: string;
  /** A short note on where in the phase the work is, e.g. "class 3 of 10" or "n = 64". */
  readonly detail?: string;
}

/** A progress callback: called with each event, synchronously, from the computation. */
export type OnProgress = (event: ProgressEvent) => void;
