// The command line's rough edges (issue 13): one error format and exit code for every bad option
// value of every command, --version, the progress reporter (one event type, smoothed ETA),
// Ctrl-C during a sweep, pointers between model and network files, the memorize report's bounds,
// the eval/training overlap warning and the estimator's recorded preprocessing.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { buildProgram, main } from "../src/cli/main.js";
import { commanderMessage } from "../src/cli/boundary.js";
import { overlapWarning } from "../src/cli/overlap.js";
import { formatDuration, progressReporter, SmoothedRate } from "../src/cli/progress.js";
import { makeDataset } from "../src/data/dataset.js";
import { makeMoons } from "../src/data/generators.js";
import { normalizeRadius, scalePixels } from "../src/data/preprocess.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { modelFromJson, modelToJson } from "../src/dfg/modelFile.js";
import { loadDataSpec } from "../src/node/dataSpec.js";
import { referenceKernels } from "../src/ops/index.js";
import type { ProgressEvent } from "../src/progress.js";
import { memorize } from "../src/vys/memorize.js";
import { problemFromDataset } from "../src/vys/problem.js";
import { parseResults } from "../src/sweeps/results.js";

const bin = fileURLToPath(new URL("../../bin/memonet.js", import.meta.url));
const pkg = fileURLToPath(new URL("../../package.json", import.meta.url));

function run(
  args: readonly string[],
  cwd?: string,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    ...(cwd ? { cwd } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "memonet-polish-"));
}

/**
 * Runs main() in this process, capturing stderr (stdout is left alone: the test runner reports
 * through it).
 */
async function runHere(args: readonly string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const write = process.stderr.write;
  process.stderr.write = ((s: string | Uint8Array) => {
    err += String(s);
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(args);
  } catch (e) {
    code = -1;
    err += `THROWN: ${(e as Error).stack}`;
  } finally {
    process.stderr.write = write;
  }
  return { code, err };
}

/** "sweep run", "fit", … : every command that runs an action. */
function leafCommands(cmd: Command, prefix: string[] = []): string[] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length > 0 ? leafCommands(c, path) : [path.join(" ")];
  });
}

test("every command: a bad option value is one line 'memonet: error: …', exit 1, no stack", async () => {
  const dir = tempDir();
  const m = join(dir, "m.json");
  const cases: (readonly string[])[] = [
    ["fit", "--data", "moons", "--n", "abc"],
    ["fit", "--data", "nonsense"],
    ["fit", "--activation", "sigmoid"],
    ["fit", "--selection", "best"],
    ["fit", "--seed", "-1"],
    ["fit", "--n"],
    ["eval", m, "--backend", "gpu"],
    ["eval", m, "--split", "validation"],
    ["info", join(dir, "missing.json")],
    ["export", m, "--format", "pdf", "--out", join(dir, "x.onnx")],
    ["export", m, "--margin", "-1", "--out", join(dir, "x.onnx")],
    ["export", m],
    ["demo", "--backend", "gpu"],
    ["sweep", "list", "--quick"],
    ["sweep", "run", "moons", "--workers", "0"],
    ["sweep", "run", "moons", "--shard", "5/2"],
    ["sweep", "run", "moons", "--shards", "0"],
    ["sweep", "slurm", "moons", "--tasks", "0"],
    ["sweep", "slurm", "moons", "--tasks", "2", "--cpus-per-task", "x"],
    ["sweep", "slurm", "moons"],
    ["sweep", "merge", "no-such-experiment"],
    ["plot", join(dir, "r.csv"), "--format", "gif"],
    ["plot", join(dir, "r.csv"), "--backend", "gpu"],
    ["reproduce", "moons", "--workers", "0"],
    ["reproduce", "moons", "--format", "jpeg"],
    ["memorize", "--data", "moons", "--depth", "0"],
    ["memorize", "--intervals", "fewest"],
    ["memorize", "--epsilon", "0"],
    ["memorize", "--seed", "1.5"],
    ["memorize", "--depth", "2", "--bits", "2"],
    ["verify", join(dir, "n.json"), "--split", "x"],
    ["compare", "--methods", "dfg,magic"],
    ["compare", "--seeds", "0"],
    ["analyze", "--draws", "1"],
    ["analyze", "--order", "sideways"],
    ["analyze", "--lambda", "-1"],
    ["analyze-experiment", join(dir, "a.json"), "--out", join(dir, "a.csv"), "--backend", "gpu"],
    ["analyze-experiment", join(dir, "a.json")],
  ];
  const covered = new Set<string>();
  const leaves = leafCommands(buildProgram());
  for (const args of cases) {
    const r = await runHere(args);
    const what = args.join(" ");
    const usage = what === "sweep list --quick"; // an unknown option: a usage error
    assert.equal(r.code, usage ? 2 : 1, `${what}: exit ${r.code}\n${r.err}`);
    assert.match(r.err, /^memonet: error: \S.*\n$/, `${what}: one line: ${JSON.stringify(r.err)}`);
    assert.doesNotMatch(
      r.err,
      /\n\s+at |THROWN|' argument '|is invalid\.|<[a-zA-Zλσ.|,]+>'/,
      `${what}: ${r.err}`,
    );
    const leaf = leaves.find((l) => what === l || what.startsWith(`${l} `));
    if (leaf !== undefined) covered.add(leaf);
  }
  assert.deepEqual(
    leaves.filter((l) => !covered.has(l)),
    [],
    "every command has a bad-value case",
  );
  // Names the option and the value, in memonet's words.
  const lambda = await runHere(["fit", "--lambda", "-1"]);
  assert.match(lambda.err, /^memonet: error: --lambda: expected a number >= 0, got "-1"/);
  const data = await runHere(["fit", "--data", "nonsense"]);
  assert.match(data.err, /--data: expected one of mnist, fashion-mnist, .*, got "nonsense"/);
});

test("commander's messages are rewritten; usage errors keep exit 2", () => {
  assert.equal(
    commanderMessage(
      "error: option '--n <n>' argument 'x' is invalid. expected an integer >= 1, got \"x\"",
    ),
    '--n: expected an integer >= 1, got "x"',
  );
  assert.equal(
    commanderMessage(
      "error: option '--backend <name>' argument 'gpu' is invalid. Allowed choices are auto, wasm.",
    ),
    '--backend: expected one of auto, wasm, got "gpu"',
  );
  assert.equal(
    commanderMessage("error: option '--depth <L>' cannot be used with option '--bits <B>'"),
    "--depth cannot be used with --bits",
  );
  const unknown = run(["fit", "--frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^memonet: error: unknown option '--frobnicate' \(see --help\)\n$/);
  const missing = run(["sweep", "run"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^memonet: error: missing required argument/);
});

test("--version prints package.json's version", () => {
  const version = (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
  for (const flag of ["--version", "-V"]) {
    const r = run([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  }
});

test("SmoothedRate: the ETA follows the speed without jumping at a burst", () => {
  const rate = new SmoothedRate(10, 0.5);
  rate.reset(0, 0);
  let done = 0;
  for (let t = 1; t <= 30; t++) rate.update((done += 100), t); // 100 units per second
  assert.ok(Math.abs((rate.unitsPerSecond ?? 0) - 100) < 1e-9);
  assert.equal(rate.eta(done, done + 1000), 10);
  rate.update((done += 1000), 31); // a burst: ten times as fast for one second
  const eta = rate.eta(done, done + 1000) ?? 0;
  assert.ok(eta > 6 && eta < 10, `ETA after a burst ${eta} s (instantaneous: 1 s)`);
  rate.update(done, 31.2); // samples closer than 0.5 s are ignored
  assert.equal(rate.eta(done, done + 1000), eta);
  for (let t = 32; t <= 36; t++) rate.update(done, t); // a stall of 5 s
  const stalled = rate.eta(done, done + 1000) ?? 0;
  assert.ok(stalled > eta && stalled < 60, `ETA after a stall ${stalled} s`);
  assert.equal(new SmoothedRate().eta(0, 10), undefined);
  assert.deepEqual(
    [formatDuration(8.4), formatDuration(75), formatDuration(7380), formatDuration(undefined)],
    ["8 s", "1 m 15 s", "2 h 03 m", "–"],
  );
});

test("the reporter: a labelled phase without counts, then one line per 10 % (not a terminal)", () => {
  let text = "";
  let clock = 0;
  const stream = { isTTY: false, write: (s: string) => ((text += s), true) };
  const reporter = progressReporter({
    enabled: true,
    lines: true,
    label: "job",
    stream: stream as unknown as NodeJS.WritableStream,
    now: () => clock,
  });
  reporter.phase("loading data", "mnist --split all");
  for (let done = 0; done <= 1000; done += 10) {
    clock += 100;
    reporter.onProgress({ phase: "trials", done, total: 1000, unit: "trials" });
  }
  reporter.stop();
  reporter.onProgress({ phase: "trials", done: 1000, total: 1000, unit: "trials" });
  const lines = text.trim().split("\n");
  assert.match(lines[0], /^job: loading data … 0 s \| mnist --split all$/);
  assert.match(lines[1], /^job: trials: 0% \| 0\/1,000 trials \| ETA –$/);
  assert.equal(lines.length, 2 + 10, text);
  assert.match(lines[6], /^job: trials: 50% \| 500\/1,000 trials \| ETA 5 s$/);
  assert.match(lines[11], /^job: trials: 100% \| 1,000\/1,000 trials \| ETA 0 s$/);
  // Not a terminal and no lines asked for, or disabled: nothing.
  text = "";
  for (const o of [{ enabled: true }, { enabled: false, lines: true }]) {
    const r = progressReporter({ ...o, stream: stream as unknown as NodeJS.WritableStream });
    r.phase("loading data");
    r.onProgress({ phase: "trials", done: 1, total: 2, unit: "trials" });
  }
  assert.equal(text, "");
});

test("one progress event type from fit, memorize and analyze-like phases", async () => {
  const ds = normalizeRadius(makeMoons(400, 0.05, 0));
  const events: ProgressEvent[] = [];
  await new InterpolatingNetwork(
    { n: 200, lambda: 1 },
    { kernels: referenceKernels, onProgress: (e) => events.push(e) },
  ).fit(ds);
  const phases = [...new Set(events.map((e) => e.phase))];
  assert.deepEqual(phases, ["first layer", "second layer"]);
  for (const e of events) {
    assert.ok(e.done >= 0 && e.done <= e.total && e.unit.length > 0, JSON.stringify(e));
  }
  const last = events[events.length - 1];
  assert.equal(last.done, last.total, "the second layer ends with every X⁻ point covered");
  assert.equal(last.total, 200, "X⁻ of 400 moons points");

  const three = makeDataset(
    "three",
    Float32Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) + (i % 3)),
    2,
    Int32Array.from({ length: 30 }, (_, i) => i % 3),
    ["a", "b", "c"],
  );
  const multi: ProgressEvent[] = [];
  await new InterpolatingNetwork(
    { algorithm: 1, lambda: 3 },
    { kernels: referenceKernels, onProgress: (e) => multi.push(e) },
  ).fit(normalizeRadius(three));
  assert.ok(multi.some((e) => e.phase === "separation check" && e.detail?.startsWith("n = ")));
  const second = multi.filter((e) => e.phase === "second layer");
  assert.equal(second[second.length - 1].total, 30, "one-vs-rest: every point is X⁻ once");
  assert.ok(second.some((e) => e.detail === "class 3 of 3"));

  const steps: ProgressEvent[] = [];
  memorize(problemFromDataset(ds), { onProgress: (e) => steps.push(e) });
  assert.deepEqual(
    steps.map((e) => [e.done, e.total]),
    [0, 1, 2, 3, 4, 5].map((d) => [d, 5]),
  );
  assert.ok(steps.every((e) => e.phase === "memorize" && e.unit === "steps"));
});

test("Ctrl-C / SIGTERM during a sweep: rows saved, a one-line message, exit 130 / 143; rerun resumes", async () => {
  const dir = tempDir();
  const config = join(dir, "long.json");
  writeFileSync(
    config,
    JSON.stringify({
      dataset: { kind: "moons", size: 2000 },
      grid: { n: [500, 1000], lambda: [0.5, 1] },
      restarts: 100,
    }),
  );
  const results = join(dir, "long.csv");
  const rows = () =>
    existsSync(results) ? readFileSync(results, "utf8").split("\n").length - 2 : 0;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    const child = spawn(
      process.execPath,
      [bin, "sweep", "run", config, "--results", results, "--workers", "1", "--no-progress"],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const before = rows();
    const t0 = Date.now();
    while (rows() < before + 3) {
      assert.ok(Date.now() - t0 < 60_000, "no rows within a minute");
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill(signal);
    const exit = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    assert.equal(exit, code, stderr);
    const m =
      /^memonet: interrupted — ([\d,]+) rows saved in (.*) \(([\d,]+) this run, [\d,]+ trials left\), rerun the same command to resume\n$/.exec(
        stderr,
      );
    assert.ok(m, `message: ${JSON.stringify(stderr)}`);
    const saved = parseResults(readFileSync(results, "utf8"), results).rows.length;
    assert.equal(Number(m[1].replaceAll(",", "")), saved);
    assert.ok(saved < 400, `interrupted after ${saved} of 400 trials`);
    assert.equal(existsSync(`${results}.lock`), false, "the lock is released");
  }
  const rerun = run(["sweep", "run", config, "--results", results, "--no-progress"], dir);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stdout, /400 trials, [\d,]+ already done/);
  assert.equal(parseResults(readFileSync(results, "utf8"), results).rows.length, 400);
});

test("model and network files: the wrong command points to the right one", () => {
  const dir = tempDir();
  const model = join(dir, "model.json");
  const net = join(dir, "net.json");
  const data = ["--data", "moons", "--size", "100"];
  assert.equal(run(["fit", ...data, "--n", "50", "--out", model, "--no-progress"]).code, 0);
  assert.equal(run(["memorize", ...data, "--no-verify", "--out", net]).code, 0);
  for (const args of [
    ["info", net],
    ["eval", net, ...data],
    ["export", net, "--out", join(dir, "x.onnx")],
  ]) {
    const r = run(args);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^memonet: error: .*net\.json is a network file \(memonet memorize.*memonet verify .*net\.json/,
    );
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  const v = run(["verify", model, ...data]);
  assert.equal(v.code, 1);
  assert.match(
    v.stderr,
    /^memonet: error: .*model\.json is a model file \(memonet fit.*memonet eval .*model\.json/,
  );
});

test("memorize --depth: each bound is the theorem's, and no line runs on", () => {
  const r = run(["memorize", "--data", "moons", "--size", "400", "--depth", "5", "--no-progress"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /width\s+\d+ \(Thm 5\.1: O\(N\/L²\) = 16 with constants 1; measured\/bound [\d.]+\) — 16 subnetworks/,
  );
  assert.match(r.stdout, /depth\s+[\d,]+ \(Thm 5\.1: O\(L\/√\(log L\)·log R\)/);
  assert.match(r.stdout, /bit complexity\s+\d+ bits \(Thm 5\.1 states no bound on the bits\)/);
  assert.doesNotMatch(r.stdout, /\(bound [\d.]+\)/);
  for (const line of r.stdout.split("\n")) assert.ok(line.length < 300, `long line: ${line}`);
  const bits = run([
    "memorize",
    "--data",
    "moons",
    "--size",
    "400",
    "--bits",
    "5",
    "--no-progress",
  ]);
  assert.match(bits.stdout, /width\s+\d+ \(Thm 6\.2: O\(1\)/);
  assert.match(bits.stdout, /bit complexity\s+\d+ bits \(Thm 6\.2: O\(B\/√\(log B\)·log R\)/);
  const plain = run(["memorize", "--data", "moons", "--size", "400", "--no-progress"]);
  assert.match(plain.stdout, /width\s+12 \(Thm 3\.1: width 12/);
});

test("eval warns when its data overlap the model's recorded training data", () => {
  const image = { kind: "mnist", classes: ["1", "9"] } as const;
  assert.match(
    overlapWarning({ ...image, split: "all" }, { ...image, split: "test" }) ?? "",
    /fitted on mnist --split all --classes 1,9, evaluated on mnist --split test .*memorization, not generalization; fit on --split train/,
  );
  assert.equal(
    overlapWarning({ ...image, split: "train" }, { ...image, split: "test" }),
    undefined,
  );
  assert.ok(overlapWarning({ ...image, split: "train" }, { ...image, split: "train" }));
  assert.equal(
    overlapWarning({ kind: "mnist", classes: ["1", "9"] }, { kind: "mnist", classes: ["3", "8"] }),
    undefined,
  );
  assert.ok(
    overlapWarning(
      { kind: "moons", noise: 0.05 },
      { kind: "moons", size: 1000, noise: 0.05, seed: 0 },
    ),
  );
  assert.equal(
    overlapWarning({ kind: "moons", noise: 0.05 }, { kind: "moons", noise: 0.05, seed: 3 }),
    undefined,
  );
  assert.ok(overlapWarning({ kind: "csv", path: "a.csv" }, { kind: "csv", path: "a.csv" }));
  assert.equal(
    overlapWarning({ kind: "csv", path: "a.csv" }, { kind: "csv", path: "b.csv" }),
    undefined,
  );

  const dir = tempDir();
  const model = join(dir, "m.json");
  const data = ["--data", "moons", "--size", "300"];
  assert.equal(run(["fit", ...data, "--n", "100", "--out", model, "--no-progress"]).code, 0);
  const info = run(["info", model]);
  assert.match(info.stdout, /training data\s+moons --size 300 --noise 0\.05/);
  const same = run(["eval", model, ...data, "--json"]);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stderr, /^memonet eval: warning: these data overlap the model's training data/);
  assert.match(JSON.parse(same.stdout).warning as string, /memorization, not generalization/);
  const fresh = run(["eval", model, ...data, "--data-seed", "4", "--json"]);
  assert.equal(fresh.stderr, "");
  assert.equal(JSON.parse(fresh.stdout).warning, null);
});

test("model files: the training data spec round-trips and is checked", async () => {
  const ds = normalizeRadius(makeMoons(100, 0.05, 0));
  const net = await new InterpolatingNetwork({ n: 40 }, { kernels: referenceKernels }).fit(ds);
  const training = { kind: "mnist", split: "train", classes: ["1", "9"], size: 500 } as const;
  const text = modelToJson({ ...net.model, training });
  assert.deepEqual(modelFromJson(text, "m.json").training, training);
  assert.equal(modelFromJson(modelToJson(net.model), "m.json").training, undefined);
  const bad = JSON.parse(text) as { training: Record<string, unknown> };
  bad.training.split = "validation";
  assert.throws(
    () => modelFromJson(JSON.stringify(bad), "m.json"),
    /m\.json: training\.split: expected/,
  );
});

test("the estimator records the library recipe's preprocessing and applies it to raw data", async () => {
  // Pixel-like raw data: moons scaled to 0..255.
  const moons = makeMoons(300, 0.05, 1);
  const raw = makeDataset(
    "raw",
    Float32Array.from(moons.features, (v) => Math.round(((v + 1.5) / 4) * 255)),
    2,
    moons.labels,
    moons.classNames,
  );
  const ready = normalizeRadius(scalePixels(raw));
  const net = await new InterpolatingNetwork(
    { n: 300, lambda: 1 },
    { kernels: referenceKernels },
  ).fit(ready);
  const pre = net.model.preprocessing;
  assert.ok(pre !== undefined, "net.model.preprocessing is set");
  assert.equal(pre.pixelMax, 255);
  assert.ok(pre.scale > 0 && pre.scale < 2);
  assert.deepEqual(await net.predict(raw), await net.predict(ready));
  assert.equal(await net.score(raw), await net.score(ready));
  assert.equal(await net.score(raw), net.model.info.trainingAccuracy);

  // Through the data recipe (what the CLI and the sweeps use).
  const { dataset, preprocessing } = await loadDataSpec({ kind: "moons", size: 200, noise: 0.1 });
  const fitted = await new InterpolatingNetwork({ n: 200 }, { kernels: referenceKernels }).fit(
    dataset,
  );
  assert.deepEqual(fitted.model.preprocessing, preprocessing);
  const back = modelFromJson(modelToJson(fitted.model), "m.json");
  assert.deepEqual(back.preprocessing, preprocessing);
});
