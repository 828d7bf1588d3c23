// Experiment configurations: the checked-in ones load, malformed ones are reported with the key
// at fault, grids expand to stable trials and seeds, shards partition the trials.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseExperiment } from "../src/sweeps/config.js";
import { ExperimentError } from "../src/sweeps/errors.js";
import { expandTrials, planOf, trialSeed } from "../src/sweeps/grid.js";
import { listExperiments, loadExperiment } from "../src/sweeps/registry.js";
import { inShard, parseShard, shardFromEnv, shardPath } from "../src/sweeps/shard.js";
import { slurmScript } from "../src/sweeps/slurm.js";

const PAPER_EXPERIMENTS = [
  "cifar10",
  "cifar10-ext",
  "lines",
  "mnist",
  "mnist-1v8",
  "mnist-1v9",
  "mnist-ext",
  "moons",
  "moons-boundary",
  "moons-size",
];

test("every paper figure of Sec. 4 has a checked-in experiment with full and quick grids", async () => {
  const names = await listExperiments();
  for (const name of PAPER_EXPERIMENTS) assert.ok(names.includes(name), name);
  const product = (c: Awaited<ReturnType<typeof loadExperiment>>) =>
    c.full.grids.reduce(
      (s, g) => s + g.n.length * g.lambda.length * Math.max(1, g.size.length),
      0,
    ) * c.full.restarts;
  for (const name of names) {
    const c = await loadExperiment(name);
    const quick = expandTrials(c, planOf(c, true));
    assert.ok(quick.length > 0 && quick.length <= product(c), name);
    assert.equal(new Set(quick.map((t) => t.key)).size, quick.length, `${name}: keys are unique`);
    assert.ok(c.figures.length > 0, `${name} has figures`);
  }
  // The paper's grids (its code's experiments/*.json; Fig. 5 with its code's 50 runs per cell,
  // the caption's 250 as moons-250; Fig. 8 as its caption).
  const moons = await loadExperiment("moons");
  assert.equal(product(moons), 50 * 51 * 50);
  const moons250 = await loadExperiment("moons-250");
  assert.equal(product(moons250), 50 * 51 * 250);
  assert.deepEqual(moons250.full.grids, moons.full.grids);
  const size = await loadExperiment("moons-size");
  assert.equal(expandTrials(size, size.full).length, 10 * 10 * 100);
  assert.deepEqual(size.full.grids[0].size.at(-1), 1_000_000);
  const mnist19 = await loadExperiment("mnist-1v9");
  assert.deepEqual(mnist19.full.grids[0].n, [500, 5000, 10000]);
  assert.equal(mnist19.full.restarts, 25);
});

function bad(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseExperiment(text, "bad", "bad.json"),
    (e: unknown) => e instanceof ExperimentError && pattern.test(e.message),
  );
}

const base = {
  dataset: { kind: "moons", size: 100 },
  grid: { n: [10, 20], lambda: { start: 0, stop: 1, step: 0.5 } },
  restarts: 2,
};
const withChange = (change: Record<string, unknown>) => JSON.stringify({ ...base, ...change });

test("malformed configurations name the file, the key and what was expected", () => {
  bad("{ not json", /^bad\.json: not valid JSON/);
  bad(withChange({ restarts: 0 }), /^bad\.json: restarts: expected an integer >= 1, got 0/);
  bad(withChange({ restart: 3 }), /^bad\.json: restart: unknown key; expected one of .*restarts/);
  bad(
    withChange({ grid: { n: [10], lambda: "big" } }),
    /^bad\.json: grid\.lambda: expected a non-empty list of numbers >= 0 or a range/,
  );
  bad(
    withChange({ grid: { n: [10.5], lambda: [1] } }),
    /^bad\.json: grid\.n\[0\]: expected integers >= 1, got 10\.5/,
  );
  bad(withChange({ grid: { lambda: [1] } }), /^bad\.json: grid\.n: missing/);
  bad(
    withChange({
      grid: [
        { n: [1], lambda: [1] },
        { n: [1], lambda: [-1] },
      ],
    }),
    /grid\[1\]\.lambda\[0\]: expected numbers >= 0, got -1/,
  );
  bad(
    withChange({ dataset: { kind: "iris" } }),
    /^bad\.json: dataset\.kind: expected one of moons, lines, mnist/,
  );
  bad(
    withChange({ dataset: { kind: "mnist", noise: 0.1 } }),
    /dataset\.noise: not an option of the mnist data set/,
  );
  bad(
    withChange({ dataset: { kind: "moons" } }),
    /grid\[0\]\.size: the moons data set needs a size/,
  );
  bad(
    withChange({ figures: [{ kind: "pie" }] }),
    /figures\[0\]\.kind: expected one of "dataset", "heatmap", "slices", "boundary", got "pie"/,
  );
  bad(
    withChange({ figures: [{ kind: "heatmap", value: "width", x: "n", y: "n" }] }),
    /figures\[0\]\.y: must differ from x/,
  );
  bad(
    withChange({ figures: [{ kind: "heatmap", value: "width", x: "n", y: "lambda", sigma: -1 }] }),
    /figures\[0\]\.sigma: expected a number >= 0, got -1/,
  );
  bad(
    withChange({ dataset: { kind: "moons", size: 100, normalizeSubsets: true } }),
    /dataset\.normalizeSubsets: not an option of the moons data set/,
  );
  bad(
    withChange({ quick: { restarts: "few" } }),
    /^bad\.json: quick\.restarts: expected an integer >= 1, got "few"/,
  );
  bad(withChange({ grid: { n: [10, 10], lambda: [1] } }), /grid\.n: values repeat/);
});

test("unknown experiments and missing files are clear errors", async () => {
  await assert.rejects(loadExperiment("no-such-experiment"), (e: unknown) => {
    assert.ok(e instanceof ExperimentError);
    assert.match(e.message, /unknown experiment "no-such-experiment"; known experiments: .*moons/);
    return true;
  });
  await assert.rejects(loadExperiment("/nonexistent/dir/x.json"), /no such experiment file/);
  const dir = mkdtempSync(join(tmpdir(), "memonet-config-"));
  const file = join(dir, "custom.json");
  writeFileSync(file, withChange({}));
  const c = await loadExperiment(file);
  assert.equal(c.name, "custom");
});

test("ranges are inclusive and free of float noise; trials and seeds are stable", () => {
  const c = parseExperiment(
    JSON.stringify({ ...base, grid: { n: [10], lambda: { start: 0, stop: 0.3, step: 0.05 } } }),
    "e",
    "e.json",
  );
  assert.deepEqual(c.full.grids[0].lambda, [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
  const trials = expandTrials(c, c.full);
  assert.equal(trials.length, 7 * 2);
  assert.equal(trials[3].key, "moons_N100|n=10|lambda=0.05|threshold|restart=1");
  // The seed is a function of the experiment name and the key only.
  assert.equal(trials[3].seed, trialSeed("e", trials[3].key));
  assert.equal(trials[3].seed, expandTrials(c, c.full)[3].seed);
  assert.notEqual(trials[3].seed, trials[2].seed);
  assert.notEqual(trialSeed("other", trials[3].key), trials[3].seed);
  assert.ok(Number.isSafeInteger(trials[3].seed) && trials[3].seed >= 0);
});

test("shards partition the trials; --shard and scheduler variables pick the shard", () => {
  const c = parseExperiment(withChange({}), "e", "e.json");
  const trials = expandTrials(c, c.full);
  const parts = [0, 1, 2].map((i) => inShard(trials, { index: i, count: 3, source: "t" }));
  assert.deepEqual(
    parts
      .flat()
      .map((t) => t.index)
      .sort((a, b) => a - b),
    trials.map((t) => t.index),
  );
  assert.deepEqual(
    parts[1].map((t) => t.index),
    [1, 4, 7, 10],
  );

  assert.deepEqual(parseShard("2/5"), { index: 2, count: 5, source: "--shard" });
  assert.throws(
    () => parseShard("5/5"),
    /shard index 5 is out of range: with 5 shards it must be 0\.\.4/,
  );
  assert.throws(() => parseShard("1/0"), /number of shards must be an integer >= 1/);
  assert.throws(() => parseShard("abc"), /expected i\/k/);

  assert.equal(shardFromEnv({}), undefined);
  assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "4" }), {
    index: 3,
    count: 4,
    source: "SLURM_ARRAY_TASK_ID=3",
  });
  assert.equal(
    shardFromEnv({
      SLURM_ARRAY_TASK_ID: "5",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_COUNT: "8",
    })?.index,
    4,
  );
  assert.throws(
    () => shardFromEnv({ SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_COUNT: "4" }),
    /out of range/,
  );
  const sge = shardFromEnv({
    SGE_TASK_ID: "3",
    SGE_TASK_FIRST: "1",
    SGE_TASK_LAST: "4",
    SGE_TASK_STEPSIZE: "1",
  });
  assert.deepEqual([sge?.index, sge?.count], [2, 4]);
  assert.equal(shardFromEnv({ SGE_TASK_ID: "undefined" }), undefined);
  assert.deepEqual(shardFromEnv({ PBS_ARRAY_INDEX: "4" }, 4)?.index, 0);
  assert.throws(
    () => shardFromEnv({ PBS_ARRAY_INDEX: "1" }),
    /pass --shards k or set MEMONET_SHARDS/,
  );
  assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: "2", MEMONET_SHARDS: "3" })?.index, 2);
  assert.equal(
    shardPath("results/moons.csv", { index: 2, count: 8, source: "t" }),
    "results/moons.shard-2-of-8.csv",
  );
});

test("the Slurm script is a job array over the shards that resumes and names the merge step", () => {
  const script = slurmScript({
    experiment: "moons",
    quick: false,
    tasks: 16,
    cpusPerTask: 8,
    time: "02:00:00",
    memory: "8G",
    partition: "cpu",
    resultsPath: "results/moons.csv",
    workdir: "/home/me/memonet",
    memonet: "npx memonet",
  });
  assert.match(script, /^#!\/bin\/bash\n/);
  for (const line of [
    "#SBATCH --array=0-15",
    "#SBATCH --cpus-per-task=8",
    "#SBATCH --time=02:00:00",
    "#SBATCH --mem=8G",
    "#SBATCH --partition=cpu",
    "cd /home/me/memonet",
    "npx memonet sweep run moons \\",
    "# Then:    npx memonet sweep merge moons --results results/moons.csv",
  ]) {
    assert.ok(script.includes(line), line);
  }
  assert.match(script, /--workers "\$\{SLURM_CPUS_PER_TASK:-8\}"/);
});
