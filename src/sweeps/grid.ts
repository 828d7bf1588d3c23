// Expanding a sweep plan into trials, with stable keys and seeds.

import { roundNoise } from "../util/round.js";
import { DATA_DEFAULTS } from "../data/spec.js";
import type { Activation } from "../dfg/firstLayer.js";
import { Rng } from "../random/rng.js";
import type { DatasetSpec, ExperimentConfig, SweepPlan } from "./config.js";

/** The parameters of one trial. */
export interface TrialParams {
  readonly n: number;
  readonly lambda: number;
  readonly activation: Activation;
  /** Number of points N; undefined: all points of the data set. */
  readonly size: number | undefined;
}

/** One fit of the sweep. */
export interface Trial extends TrialParams {
  /** Position in the experiment's canonical trial order (shards take every k-th). */
  readonly index: number;
  readonly restart: number;
  /** The `dataset` column of the results file. */
  readonly dataset: string;
  /** Identity of the trial in results files: dataset, n, λ, activation, restart. */
  readonly key: string;
  /** Seed of the construction: a hash of the experiment name and the key. */
  readonly seed: number;
}

/** The results-file name of the data of a trial, e.g. "moons_N1000" or "mnist_1v9_N1483". */
export function datasetName(spec: DatasetSpec, size: number | undefined): string {
  const parts: string[] = [spec.kind];
  if (spec.classes !== undefined) parts.push(`${spec.classes[0]}v${spec.classes[1]}`);
  if (size !== undefined) parts.push(`N${size}`);
  if (spec.kind === "moons") {
    if (spec.pool !== undefined) parts.push(`of${spec.pool}`);
    if ((spec.noise ?? DATA_DEFAULTS.moonsNoise) !== DATA_DEFAULTS.moonsNoise) {
      parts.push(`noise${spec.noise}`);
    }
  }
  if (spec.kind === "lines") parts.push(`d${spec.distance ?? DATA_DEFAULTS.linesDistance}`);
  if ((spec.seed ?? 0) !== 0) parts.push(`seed${spec.seed}`);
  return parts.join("_");
}

/** The canonical text of λ (and other numbers) in keys: shortest round-trip form. */
export function numberKey(v: number): string {
  return String(roundNoise(v));
}

/** The key of a trial from its results-file fields. */
export function trialKey(
  dataset: string,
  n: number,
  lambda: number,
  activation: Activation,
  restart: number,
): string {
  return `${dataset}|n=${n}|lambda=${numberKey(lambda)}|${activation}|restart=${restart}`;
}

/**
 * The seed of a trial: a 53-bit hash of "experiment|key" (through the RNG's stream keys), so it
 * depends only on the experiment's name, the data, the parameters and the restart index — not on
 * the order of the trials or the machine that runs them. The quick and full grids of an
 * experiment share it, so a quick run's rows are rows of the full run.
 */
export function trialSeed(experiment: string, key: string): number {
  // Two 32-bit multiplicative hashes of the UTF-16 code units, then the RNG's seeding mix.
  const text = `${experiment}|${key}`;
  let a = 0x811c9dc5;
  let b = 0x6d656d6f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  const rng = new Rng(0x5eed, a >>> 0, b >>> 0, text.length);
  return (rng.nextUint32() >>> 11) * 4294967296 + rng.nextUint32();
}

/** Every trial of a plan in canonical order: grid by grid, size, n, λ, activation, restart. */
export function expandTrials(config: ExperimentConfig, plan: SweepPlan): Trial[] {
  const trials: Trial[] = [];
  const seen = new Set<string>();
  const dedupe = plan.grids.length > 1; // values within one grid are distinct
  for (const grid of plan.grids) {
    const sizes: (number | undefined)[] =
      grid.size.length > 0 ? [...grid.size] : [plan.dataset.size];
    for (const size of sizes) {
      const dataset = datasetName(plan.dataset, size);
      for (const n of grid.n) {
        for (const lambda of grid.lambda) {
          for (const activation of grid.activation) {
            for (let restart = 0; restart < plan.restarts; restart++) {
              const key = trialKey(dataset, n, lambda, activation, restart);
              if (dedupe) {
                if (seen.has(key)) continue; // grids may overlap
                seen.add(key);
              }
              trials.push({
                index: trials.length,
                n,
                lambda,
                activation,
                size,
                restart,
                dataset,
                key,
                seed: trialSeed(config.name, key),
              });
            }
          }
        }
      }
    }
  }
  return trials;
}

/** The plan of a run: the quick or the full grid. */
export function planOf(config: ExperimentConfig, quick: boolean): SweepPlan {
  return quick ? config.quick : config.full;
}
