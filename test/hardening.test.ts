// Regression tests of the hardening of issue 11: duplicate trials read by one rule, a sweep whose
// worker fails (native backend) exits 1 every time, file-system faults as one-line errors with
// nothing half-written, and sizes checked at the door.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli/main.js";
import { NATIVE_ADDON_PATH } from "../src/backends/native/index.js";
import { existsSync } from "node:fs";

const bin = fileURLToPath(new URL("../../bin/memonet.js", import.meta.url));
const tempDir = () => mkdtempSync(join(tmpdir(), "memonet-harden-"));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A small experiment configuration in `dir` (moons, N = 40); `grid` replaces its grid. */
function smallConfig(dir: string, name: string, grid: object, extra: object = {}): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      title: name,
      description: "a test sweep",
      paperFigure: "none",
      dataset: { kind: "moons", size: 40, noise: 0.05, seed: 0 },
      grid,
      restarts: 2,
      figures: [],
      ...extra,
    }),
  );
  return path;
}

test("duplicate trials: plot, merge and resume count each trial once and say how many were dropped", () => {
  const dir = tempDir();
  const config = smallConfig(dir, "dup", { n: [5, 10], lambda: [0.5, 1] });
  const results = join(dir, "dup.csv");
  const first = run(["sweep", "run", config, "--results", results, "--backend", "reference"]);
  assert.equal(first.code, 0, first.stderr);
  const text = readFileSync(results, "utf8");
  const rows = text
    .split("\n")
    .filter((l) => l !== "")
    .slice(1);
  assert.equal(rows.length, 8);
  // A second writer's rows: every trial again, and one of them a third time.
  appendFileSync(results, rows.join("\n") + "\n" + rows[3] + "\n");

  const plot = run(["plot", results, "--out", join(dir, "fig"), "--format", "svg"]);
  assert.equal(plot.code, 0, plot.stderr);
  assert.match(
    plot.stderr,
    /dup\.csv: 9 duplicate rows of trials already read \(the first at line 10\) dropped/,
  );
  assert.match(plot.stdout, /\b8 trials;/);
  assert.doesNotMatch(plot.stdout, /\b17 trials/);

  const resume = run(["sweep", "run", config, "--results", results, "--backend", "reference"]);
  assert.equal(resume.code, 0, resume.stderr);
  assert.match(resume.stdout, /8 trials, 8 already done, ran 0/);
  assert.match(
    resume.stderr,
    /9 duplicate rows of trials already read dropped; each trial counts once/,
  );

  const merged = join(dir, "merged.csv");
  const merge = run(["sweep", "merge", config, results, results, "--out", merged]);
  assert.equal(merge.code, 0, merge.stderr);
  assert.match(merge.stdout, /8 rows → .*merged\.csv; 26 duplicate rows dropped/);
  // The first row of each trial (in the grid's order), each once.
  const mergedRows = readFileSync(merged, "utf8")
    .split("\n")
    .filter((l) => l !== "");
  assert.equal(mergedRows[0], text.slice(0, text.indexOf("\n")));
  assert.deepEqual(mergedRows.slice(1).sort(), [...rows].sort());
});

const native = existsSync(NATIVE_ADDON_PATH);

test(
  "a sweep whose worker fails while others run native kernels exits 1, every time (20 runs)",
  { skip: native ? false : "native addon not built" },
  async () => {
    // n = 1e300 fails at once in one worker while the other three are inside native kernels:
    // stopping them used to end the process now and then with a C++ exception (exit 134/139).
    const dir = tempDir();
    const config = smallConfig(
      dir,
      "fails",
      { n: [3000, 1e300], lambda: [1] },
      {
        dataset: { kind: "moons", size: 1000, noise: 0.05, seed: 0 },
        restarts: 4,
      },
    );
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    const codes: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const results = join(dir, `r${i}.csv`);
        const args = ["sweep", "run", config, "--results", results, "--backend", "native"];
        codes.push(await main([...args, "--workers", "4", "--no-progress"]));
      }
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(codes, new Array<number>(20).fill(1));
    assert.ok(errors.every((e) => /^memonet: error: n \(the first-layer width\)/.test(e)));
    // …and as a process: exit status 1, not a signal.
    const r = run(["sweep", "run", config, "--results", join(dir, "p.csv"), "--backend", "native"]);
    assert.equal(r.signal, null);
    assert.equal(r.code, 1, r.stderr);
  },
);
