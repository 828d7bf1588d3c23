// Benchmark of `memonet analyze` against the issue's targets (opt-in: npm run bench:analyze):
//   MNIST 1 vs 9 (14 835 points), complete analysis with both fits   < 20 s
//   Two Moons, 10^6 points (k-d tree), analysis                      < 60 s
//   MNIST, all 10 classes (70 000 points, ten one-vs-rest problems)  < 600 s (--case mnist-10)
// Wall-clock seconds of each stage, CPU seconds of the process, the load average and the peak
// resident memory; each case is also appended as JSON to bench/results/analyze.jsonl. Usage:
//   node dist/bench/analyze.bench.js [--case mnist-1v9|moons-1e6|mnist-10] [--backend native|wasm]
//     [--progress]

import { appendFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import "../src/backends/native/distances.js";
import { loadTrainingData } from "../src/cli/dataOptions.js";
import { makeMoons } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import type { Dataset } from "../src/data/dataset.js";
import { analyzeDataset, getDistanceKernel } from "../src/geometry/index.js";
import type { ProgressEvent } from "../src/progress.js";
import { getKernels, type BackendChoice } from "../src/ops/index.js";
import "../src/backends/native/index.js";
import { currentCommit } from "./util.js";

interface Case {
  readonly name: string;
  readonly targetSeconds: number;
  readonly fit: boolean;
  readonly load: () => Promise<Dataset>;
}

const mnist = (classes?: string) => async () =>
  (
    await loadTrainingData({
      data: "mnist",
      split: "all",
      noise: 0.05,
      distance: 0.1,
      normalize: true,
      ...(classes !== undefined ? { classes } : {}),
    })
  ).dataset;

const CASES: readonly Case[] = [
  { name: "mnist-1v9", targetSeconds: 20, fit: true, load: mnist("1,9") },
  {
    name: "moons-1e6",
    targetSeconds: 60,
    fit: false,
    load: async () => normalizeRadius(makeMoons(1_000_000, 0.05, 0)),
  },
  { name: "mnist-10", targetSeconds: 600, fit: false, load: mnist() },
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const only = arg("--case");
  const backend = (arg("--backend") ?? "auto") as BackendChoice;
  const showProgress = process.argv.includes("--progress");
  const cases = CASES.filter((c) => (only === undefined ? c.name !== "mnist-10" : c.name === only));
  console.log(
    `analyze benchmark, commit ${currentCommit()}, distance kernel ${getDistanceKernel(backend).name}`,
  );
  for (const c of cases) {
    const ds = await c.load();
    const load0 = loadavg()[0];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // With --progress: each new phase on stderr, with the wall and CPU seconds since the start.
    let phase = "";
    const onProgress = (e: ProgressEvent) => {
      const name = `${e.phase}${e.detail !== undefined ? ` (${e.detail})` : ""}`;
      if (!showProgress || name === phase) return;
      phase = name;
      const c = process.cpuUsage(cpu0);
      const at = `${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU`;
      process.stderr.write(`  [${at}] ${name}\n`);
    };
    const r = analyzeDataset(ds, {
      kernel: getDistanceKernel(backend),
      onProgress,
      lambda: 1,
      check: false,
      ...(c.fit ? { fit: { kernels: getKernels(backend), n: 1000 } } : {}),
      ...(c.fit
        ? {}
        : { problems: ds.classNames.length === 2 ? [0] : ds.classNames.map((_, k) => k) }),
    });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const load = [load0, loadavg()[0]].map((v) => v.toFixed(1)).join(" → ");
    const stages = Object.entries(r.seconds)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ");
    const rssMB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `${c.name}: ${ds.size} points, ${wall.toFixed(1)} s wall (target < ${c.targetSeconds} s: ` +
        `${wall < c.targetSeconds ? "met" : "MISSED"}), ${cpuSeconds.toFixed(1)} s CPU, ` +
        `load average ${load} on ${cpus().length} cores (wall is not the machine's speed when the ` +
        `load exceeds the cores), peak RSS ${rssMB.toFixed(0)} MB; wall seconds by stage ${stages}; ` +
        `M⁻ ${r.problems.map((p) => p.negative.m).join("/")}`,
    );
    mkdirSync("bench/results", { recursive: true });
    appendFileSync(
      "bench/results/analyze.jsonl",
      JSON.stringify({
        case: c.name,
        commit: currentCommit(),
        kernel: getDistanceKernel(backend).name,
        points: ds.size,
        wallSeconds: wall,
        cpuSeconds,
        loadAverage: [load0, loadavg()[0]],
        cores: cpus().length,
        peakRssMB: rssMB,
        stages: r.seconds,
        mMinus: r.problems.map((p) => p.negative.m),
        mPlus: r.problems.map((p) => p.positive.m),
      }) + "\n",
    );
  }
}

await main();
