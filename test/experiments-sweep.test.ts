// Sweeps as a user runs them, in separate processes: kill -9 in the middle and resume (no trial
// lost, duplicated or half-written), shards from scheduler variables merging into the rows of
// one local run, and the errors of bad input.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResults, type ResultRow, rowKey } from "../src/sweeps/results.js";

// A launcher for the experiment commands (the memonet binary gains them when main.ts registers
// them; this keeps the test independent of that).
const cli = new URL("../src/cli/experimentCommands.js", import.meta.url).href;
const launcher = join(mkdtempSync(join(tmpdir(), "memonet-cli-")), "memonet-experiments.mjs");
writeFileSync(
  launcher,
  `import { runExperimentCli } from ${JSON.stringify(cli)};\nprocess.exitCode = await runExperimentCli(process.argv.slice(2));\n`,
);

function args(...rest: string[]): string[] {
  return [launcher, ...rest];
}

function run(
  cwd: string,
  rest: string[],
  env: Record<string, string> = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args(...rest), {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "memonet-sweep-"));
}

function writeConfig(dir: string, name: string, config: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Everything but the timings, which differ from run to run. */
function deterministic(rows: readonly ResultRow[]): Map<string, string> {
  return new Map(rows.map((r) => [rowKey(r), JSON.stringify({ ...r, fitTime: 0, scoreTime: 0 })]));
}

function rowsOf(path: string): { rows: ResultRow[]; partial: string | undefined } {
  const parsed = parseResults(readFileSync(path, "utf8"), path);
  return { rows: [...parsed.rows], partial: parsed.partial };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("kill -9 in the middle of a sweep, then run it again: every trial exactly once", async () => {
  const dir = tempDir();
  const config = writeConfig(dir, "slow", {
    dataset: { kind: "moons", size: 4000 },
    grid: { n: [1000, 2000], lambda: [0.5, 1] },
    restarts: 60,
  });
  const results = join(dir, "slow.csv");
  const child = spawn(
    process.execPath,
    args("sweep", "run", config, "--results", results, "--workers", "1", "--no-progress"),
    { cwd: dir, stdio: "ignore" },
  );
  const lines = () =>
    existsSync(results) ? readFileSync(results, "utf8").split("\n").length - 2 : 0;
  await waitFor(() => lines() >= 25, 60_000);
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const killed = rowsOf(results).rows.length;
  assert.ok(killed >= 25 && killed < 240, `killed after ${killed} of 240 trials`);
  // A write cut by the crash leaves half a line: it must not count as a row.
  appendFileSync(results, "thres,moons_N4000,0.5,1000,59,1.0,0.0");

  const resumed = run(dir, ["sweep", "run", config, "--results", results, "--no-progress"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(
    resumed.stdout,
    new RegExp(`240 trials, ${killed} already done, ran ${240 - killed} .*removed a cut last line`),
  );
  const after = rowsOf(results);
  assert.equal(after.partial, undefined);
  assert.equal(after.rows.length, 240);
  assert.equal(new Set(after.rows.map(rowKey)).size, 240);

  // The same rows as one uninterrupted run (with another number of workers).
  const clean = join(dir, "clean.csv");
  const fresh = run(dir, [
    "sweep",
    "run",
    config,
    "--results",
    clean,
    "--workers",
    "2",
    "--no-progress",
  ]);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.deepEqual(deterministic(after.rows), deterministic(rowsOf(clean).rows));

  // Nothing left to do: a third run changes nothing.
  const size = statSync(results).size;
  const third = run(dir, ["sweep", "run", config, "--results", results, "--no-progress"]);
  assert.match(third.stdout, /240 trials, 240 already done, ran 0/);
  assert.equal(statSync(results).size, size);
});

test("k shards run as separate processes from scheduler variables merge into the rows of one local run", () => {
  const dir = tempDir();
  const config = writeConfig(dir, "sharded", {
    dataset: { kind: "moons", size: 300 },
    grid: [
      { n: [50, 200], lambda: [0, 1] },
      { n: [400], lambda: [0.5] },
    ],
    restarts: 4,
  });
  const results = join(dir, "out", "sharded.csv");
  const local = join(dir, "local.csv");
  const ok = (r: { code: number; stderr: string }) => assert.equal(r.code, 0, r.stderr);
  ok(run(dir, ["sweep", "run", config, "--results", local, "--no-progress"]));
  const sweep = ["sweep", "run", config, "--results", results, "--workers", "1", "--no-progress"];
  // Four shards, each from another scheduler's variables.
  ok(
    run(dir, sweep, {
      SLURM_ARRAY_TASK_ID: "1",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_COUNT: "4",
    }),
  );
  ok(
    run(dir, sweep, {
      SGE_TASK_ID: "2",
      SGE_TASK_FIRST: "1",
      SGE_TASK_LAST: "4",
      SGE_TASK_STEPSIZE: "1",
    }),
  );
  ok(run(dir, sweep, { PBS_ARRAY_INDEX: "2", MEMONET_SHARDS: "4" }));
  const partial = run(dir, ["sweep", "merge", config, "--results", results]);
  ok(partial);
  assert.match(partial.stdout, /3 files, 15 rows .*\n.*missing 5 trials/);
  ok(run(dir, sweep, { JOB_COMPLETION_INDEX: "3", MEMONET_SHARDS: "4" }));
  const merged = run(dir, ["sweep", "merge", config, "--results", results, "--strict"]);
  ok(merged);
  assert.match(
    merged.stdout,
    /4 files, 20 rows → .*sharded\.csv\n {2}complete: every trial of the grid is present/,
  );
  const shardRows = rowsOf(results).rows;
  assert.equal(shardRows.length, 20);
  assert.deepEqual(deterministic(shardRows), deterministic(rowsOf(local).rows));
});

test("bad input: unknown experiment, malformed configuration, shard out of range, missing columns", () => {
  const dir = tempDir();
  const oneLine = (r: { code: number; stderr: string }, pattern: RegExp) => {
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  };
  oneLine(
    run(dir, ["sweep", "run", "moon"]),
    /^memonet: error: unknown experiment "moon"; known experiments: .*moons/,
  );
  const broken = writeConfig(dir, "broken", {
    dataset: { kind: "moons", size: 10 },
    grid: { n: [10], lambda: [1] },
    restarts: -1,
  });
  oneLine(
    run(dir, ["sweep", "run", broken]),
    /^memonet: error: .*broken\.json: restarts: expected an integer >= 1, got -1/,
  );
  const good = writeConfig(dir, "good", {
    dataset: { kind: "moons", size: 10 },
    grid: { n: [10], lambda: [1] },
    restarts: 1,
  });
  oneLine(
    run(dir, ["sweep", "run", good, "--shard", "4/4"]),
    /^memonet: error: --shard: shard index 4 is out of range: with 4 shards it must be 0\.\.3/,
  );
  oneLine(
    run(dir, ["sweep", "run", good], { SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_COUNT: "4" }),
    /^memonet: error: SLURM_ARRAY_TASK_ID=7: shard index 7 is out of range/,
  );
  writeFileSync(join(dir, "bad.csv"), "activation,dataset,max_bias\nthres,x,1\n");
  oneLine(
    run(dir, ["plot", join(dir, "bad.csv")]),
    /^memonet: error: .*bad\.csv: missing column\(s\) n_iter, restart, second_dim_out/,
  );
  oneLine(run(dir, ["plot", join(dir, "none.csv")]), /no such results file/);
  oneLine(run(dir, ["sweep", "slurm", good, "--tasks", "5"]), /--tasks 5 exceeds the 1 trials/);
  const usage = run(dir, ["sweep", "run"]);
  assert.equal(usage.code, 2);
});
