// Shards: shard i of k runs the trials whose canonical index is i mod k. The shard comes from
// --shard i/k or from the environment of a cluster scheduler's job array.

import { ExperimentError } from "./errors.js";

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
  /** Where it came from, for messages ("--shard", "SLURM_ARRAY_TASK_ID", ...). */
  readonly source: string;
}

/** Parses "i/k" (0 <= i < k); ExperimentError naming the problem. */
export function parseShard(text: string, source = "--shard"): Shard {
  const m = /^\s*(-?\d+)\s*\/\s*(-?\d+)\s*$/.exec(text);
  if (m === null) {
    throw new ExperimentError(
      `${source}: expected i/k (shard i of k, 0 <= i < k, e.g. 0/4), got "${text}"`,
    );
  }
  return checkShard(Number(m[1]), Number(m[2]), source);
}

function checkShard(index: number, count: number, source: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ExperimentError(
      `${source}: the number of shards must be an integer >= 1, got ${count}`,
    );
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new ExperimentError(
      `${source}: shard index ${index} is out of range: with ${count} shards it must be 0..${count - 1}`,
    );
  }
  return { index, count, source };
}

type Env = Readonly<Record<string, string | undefined>>;

function intVar(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === "" || v === "undefined") return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) {
    throw new ExperimentError(`${name}: expected an integer, got "${v}"`);
  }
  return n;
}

/**
 * The shard of a job-array task from the scheduler's variables, or undefined outside one:
 * - Slurm: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (0 when unset) of SLURM_ARRAY_TASK_COUNT;
 * - Grid Engine: (SGE_TASK_ID − SGE_TASK_FIRST) / SGE_TASK_STEPSIZE of the array size
 *   (SGE_TASK_LAST − SGE_TASK_FIRST) / SGE_TASK_STEPSIZE + 1;
 * - PBS: PBS_ARRAY_INDEX modulo k (so -J 0-(k−1) and -J 1-k both work);
 * - Kubernetes indexed jobs: JOB_COMPLETION_INDEX (0-based).
 * PBS and Kubernetes do not export the array size: it comes from `count` (--shards) or
 * MEMONET_SHARDS. ExperimentError when the variables are inconsistent.
 */
export function shardFromEnv(env: Env, count?: number): Shard | undefined {
  const k = count ?? intVar(env, "MEMONET_SHARDS");
  const slurm = intVar(env, "SLURM_ARRAY_TASK_ID");
  if (slurm !== undefined) {
    const total = count ?? intVar(env, "SLURM_ARRAY_TASK_COUNT") ?? k;
    if (total === undefined) {
      throw new ExperimentError(
        "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shards k",
      );
    }
    const min = intVar(env, "SLURM_ARRAY_TASK_MIN") ?? 0;
    return checkShard(slurm - min, total, `SLURM_ARRAY_TASK_ID=${slurm}`);
  }
  const sge = intVar(env, "SGE_TASK_ID");
  if (sge !== undefined) {
    const first = intVar(env, "SGE_TASK_FIRST") ?? 1;
    const step = intVar(env, "SGE_TASK_STEPSIZE") ?? 1;
    const last = intVar(env, "SGE_TASK_LAST");
    const total = count ?? (last === undefined ? k : Math.floor((last - first) / step) + 1);
    if (total === undefined) {
      throw new ExperimentError("SGE_TASK_ID is set but SGE_TASK_LAST is not; pass --shards k");
    }
    return checkShard(Math.floor((sge - first) / step), total, `SGE_TASK_ID=${sge}`);
  }
  const pbs = intVar(env, "PBS_ARRAY_INDEX");
  if (pbs !== undefined) {
    if (k === undefined) {
      throw new ExperimentError(
        "PBS_ARRAY_INDEX is set but PBS does not export the array size: pass --shards k or set MEMONET_SHARDS",
      );
    }
    return checkShard(((pbs % k) + k) % k, k, `PBS_ARRAY_INDEX=${pbs}`);
  }
  const kube = intVar(env, "JOB_COMPLETION_INDEX");
  if (kube !== undefined) {
    if (k === undefined) {
      throw new ExperimentError(
        "JOB_COMPLETION_INDEX is set but the number of completions is not known: pass --shards k or set MEMONET_SHARDS",
      );
    }
    return checkShard(kube, k, `JOB_COMPLETION_INDEX=${kube}`);
  }
  return undefined;
}

/** The trials of a shard: those whose canonical index is congruent to the shard index. */
export function inShard<T extends { readonly index: number }>(
  trials: readonly T[],
  shard?: Shard,
): T[] {
  return shard === undefined
    ? [...trials]
    : trials.filter((t) => t.index % shard.count === shard.index);
}

/** The results file of a shard: "results/moons.csv" → "results/moons.shard-2-of-8.csv". */
export function shardPath(resultsPath: string, shard: Shard): string {
  const base = resultsPath.endsWith(".csv") ? resultsPath.slice(0, -4) : resultsPath;
  return `${base}.shard-${shard.index}-of-${shard.count}.csv`;
}

/**
 * The shard of this process: `shard` ("i/k", e.g. from --shard), else the scheduler's job-array
 * variables in `env`, else none. ExperimentError when `shard` and `shards` disagree.
 */
export function resolveShard(
  o: { readonly shard?: string; readonly shards?: number },
  env: Env = {},
): Shard | undefined {
  if (o.shard !== undefined) {
    const shard = parseShard(o.shard);
    if (o.shards !== undefined && o.shards !== shard.count) {
      throw new ExperimentError(
        `--shard ${o.shard} and --shards ${o.shards} disagree on the number of shards`,
      );
    }
    return shard;
  }
  return shardFromEnv(env, o.shards);
}
