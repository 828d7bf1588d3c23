// A ready-to-submit Slurm job-array script for a sweep.

/** Options of the script. */
export interface SlurmOptions {
  readonly experiment: string;
  readonly quick: boolean;
  /** Number of array tasks k (= shards). */
  readonly tasks: number;
  readonly cpusPerTask: number;
  /** Wall-clock limit per task, Slurm syntax (e.g. "04:00:00"). */
  readonly time: string;
  readonly memory?: string;
  readonly partition?: string;
  /** Results file (each task writes <base>.shard-<i>-of-<k>.csv beside it). */
  readonly resultsPath: string;
  /** Directory the job runs in (the project checkout). */
  readonly workdir: string;
  /** Command that runs memonet there. */
  readonly memonet: string;
  readonly dataPath?: string;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The sbatch script: one array task per shard; the shard comes from SLURM_ARRAY_TASK_ID. */
export function slurmScript(o: SlurmOptions): string {
  const quick = o.quick ? " --quick" : "";
  const data = o.dataPath === undefined ? "" : ` --data-path ${shellQuote(o.dataPath)}`;
  const name = `memonet-${o.experiment}${o.quick ? "-quick" : ""}`.replace(/[^A-Za-z0-9_.-]/g, "_");
  const lines = [
    "#!/bin/bash",
    `# ${o.tasks} array tasks; task i runs every ${o.tasks}-th trial (shard i/${o.tasks}) of`,
    `# experiment ${o.experiment}${o.quick ? " (quick grid)" : ""} and writes its own shard file.`,
    "# Submit:  sbatch this-script.sh",
    `# Then:    ${o.memonet} sweep merge ${shellQuote(o.experiment)}${quick} --results ${shellQuote(o.resultsPath)}`,
    "# A task that was killed can be resubmitted (sbatch --array=i this-script.sh): it resumes.",
    `#SBATCH --job-name=${name}`,
    `#SBATCH --array=0-${o.tasks - 1}`,
    "#SBATCH --nodes=1",
    "#SBATCH --ntasks=1",
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    `#SBATCH --time=${o.time}`,
    ...(o.memory === undefined ? [] : [`#SBATCH --mem=${o.memory}`]),
    ...(o.partition === undefined ? [] : [`#SBATCH --partition=${o.partition}`]),
    `#SBATCH --output=${name}-%A_%a.log`,
    "set -euo pipefail",
    `cd ${shellQuote(o.workdir)}`,
    `${o.memonet} sweep run ${shellQuote(o.experiment)}${quick}${data} \\`,
    `  --results ${shellQuote(o.resultsPath)} --workers "\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}" --no-progress`,
    "",
  ];
  return lines.join("\n");
}
