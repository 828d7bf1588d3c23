// `npm run bench:perf` (issue 5): fit times, peak memory and scoring time at the paper's scales,
// as ratios to the Python reference figures measured on this 2-core machine (NumPy + OpenBLAS
// AVX-512, 2 threads, seed 0). Each case runs in its own process so its peak RSS is its own.
//   node dist/bench/performance.bench.js [--only NAME] [--skip-long]
// Writes bench/results/performance.json (with the machine and the commit).

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { formatTable } from "../src/cli/format.js";
import { currentCommit } from "./util.js";

interface Case {
  readonly name: string;
  readonly description: string;
  readonly referenceSeconds?: number;
  readonly referenceRssMB?: number;
  readonly targetSpeedup?: number;
  readonly targetRssFraction?: number;
  readonly long?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: "mnist-1v9-n5000",
    description: "MNIST 1 vs 9, n = 5000, λ = 0.5",
    referenceSeconds: 1.52,
    targetSpeedup: 5,
  },
  {
    name: "mnist-10-n1000",
    description: "MNIST 10 classes, n = 1000, λ = 0.5",
    referenceSeconds: 80.7,
    referenceRssMB: 1390,
    targetSpeedup: 30,
  },
  {
    name: "mnist-10-n5000",
    description: "MNIST 10 classes, n = 5000, λ = 0.5",
    referenceSeconds: 356.5,
    referenceRssMB: 2100,
    targetSpeedup: 50,
    targetRssFraction: 0.2,
  },
  {
    name: "mnist-score-70000",
    description: "score all 70 000 MNIST images (n = 5000 model)",
    referenceSeconds: 30.7,
  },
  {
    name: "cifar-scale-n2500",
    description: "60 000 × 3072 random pixels, 10 classes, n = 2500, λ = 0",
    long: true,
  },
  { name: "moons-1e6-n200", description: "Two Moons, 10⁶ points, n = 200, λ = 1", long: true },
];

/** Runs one case in this process and prints one JSON line {seconds, ...}. */
async function runCase(name: string): Promise<void> {
  const { loadMnist } = await import("../src/node/loaders.js");
  const pre = await import("../src/data/preprocess.js");
  const { makeMoons } = await import("../src/data/generators.js");
  const { fitModel } = await import("../src/interpolation/fit.js");
  const { predictRows } = await import("../src/interpolation/predict.js");
  const { modelStats } = await import("../src/interpolation/model.js");
  const { makeDataset } = await import("../src/data/dataset.js");
  const { Rng } = await import("../src/random/rng.js");
  const { getKernels } = await import("../src/kernels/index.js");
  await import("../src/node/nativeKernels.js");
  const kernels = getKernels("auto");
  // In place: one copy of the 220 MB of features, as a memory-conscious user would do.
  const inPlace = { inPlace: true };
  const mnist = async () =>
    pre.normalizeRadius(
      pre.scalePixels(await loadMnist({ split: "all" }), 255, inPlace),
      1,
      inPlace,
    );
  const fit = (ds: Parameters<typeof fitModel>[0], n: number, lambda: number) => {
    const m = fitModel(ds, { n, lambda, seed: 0 }, { kernels });
    return {
      model: m,
      out: {
        seconds: m.info.fitSeconds,
        firstLayerSeconds: m.info.firstLayerSeconds,
        secondLayerSeconds: m.info.secondLayerSeconds,
        width: modelStats(m).secondLayerWidth,
        accuracy: m.info.trainingAccuracy,
        N: ds.size,
      },
    };
  };
  let result: Record<string, number>;
  switch (name) {
    case "mnist-1v9-n5000":
      result = fit(
        pre.normalizeRadius(
          pre.binarySubproblem(pre.scalePixels(await loadMnist({ split: "all" })), "1", "9"),
        ),
        5000,
        0.5,
      ).out;
      break;
    case "mnist-10-n1000":
      result = fit(await mnist(), 1000, 0.5).out;
      break;
    case "mnist-10-n5000":
      result = fit(await mnist(), 5000, 0.5).out;
      break;
    case "mnist-score-70000": {
      const ds = await mnist();
      const { model } = fit(ds, 5000, 0.5);
      const t0 = performance.now();
      const predicted = predictRows(model, ds.features, ds.size, kernels);
      let correct = 0;
      for (let i = 0; i < ds.size; i++) if (predicted[i] === ds.labels[i]) correct++;
      result = {
        seconds: (performance.now() - t0) / 1000,
        accuracy: correct / ds.size,
        N: ds.size,
      };
      break;
    }
    case "cifar-scale-n2500": {
      // Random pixels in [0,1], scaled to radius 1 in place (one 737 MB copy, not two).
      const rng = new Rng(0, 77);
      const N = 60000;
      const d = 3072;
      const x = new Float32Array(N * d);
      for (let i = 0; i < x.length; i++) x[i] = rng.below(256) / 255;
      const labels = Int32Array.from({ length: N }, () => rng.below(10));
      const names = Array.from({ length: 10 }, (_, k) => String(k));
      const ds = pre.normalizeRadius(makeDataset("cifar-scale random", x, d, labels, names), 1, {
        inPlace: true,
      });
      result = fit(ds, 2500, 0).out;
      break;
    }
    case "moons-1e6-n200":
      result = fit(pre.normalizeRadius(makeMoons(1_000_000, 0.05, 0)), 200, 1).out;
      break;
    default:
      throw new Error(`unknown case ${name}`);
  }
  const rssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ...result, rssMB, backend: kernels.name }));
}

async function main(): Promise<void> {
  const caseArg = process.argv.indexOf("--case");
  if (caseArg >= 0) return runCase(process.argv[caseArg + 1]);
  const onlyArg = process.argv.indexOf("--only");
  const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;
  const skipLong = process.argv.includes("--skip-long");
  const self = fileURLToPath(import.meta.url);
  const rows: string[][] = [];
  const results = [];
  for (const c of CASES) {
    if (only !== undefined && c.name !== only) continue;
    if (skipLong && c.long) continue;
    console.error(`running ${c.name} ...`);
    const r = spawnSync(process.execPath, [self, "--case", c.name], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) {
      rows.push([c.description, "failed", "", "", "", "", ""]);
      console.error(r.stderr);
      continue;
    }
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}");
    const speedup = c.referenceSeconds !== undefined ? c.referenceSeconds / out.seconds : undefined;
    const met = [
      c.targetSpeedup !== undefined
        ? speedup! >= c.targetSpeedup
          ? `≥${c.targetSpeedup}x yes`
          : `≥${c.targetSpeedup}x NO`
        : "",
      c.targetRssFraction !== undefined && c.referenceRssMB !== undefined
        ? out.rssMB <= c.targetRssFraction * c.referenceRssMB
          ? "RSS yes"
          : `RSS NO (> ${(c.targetRssFraction * c.referenceRssMB).toFixed(0)} MB)`
        : "",
    ]
      .filter(Boolean)
      .join(", ");
    results.push({ ...c, ...out, speedup });
    rows.push([
      c.description,
      `${out.seconds.toFixed(2)} s`,
      c.referenceSeconds !== undefined ? `${c.referenceSeconds} s` : "",
      speedup !== undefined ? `${speedup.toFixed(1)}x` : "",
      `${out.rssMB.toFixed(0)} MB`,
      out.width !== undefined ? String(out.width) : "",
      met,
    ]);
  }
  console.log(
    `memonet performance benchmark: ${cpus().length} cores, ${cpus()[0]?.model ?? "?"}, commit ${currentCommit()}`,
  );
  console.log(
    formatTable(
      ["case", "time", "reference", "speed-up", "peak RSS", "2nd-layer width", "target met"],
      rows,
    ),
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/performance.json",
    JSON.stringify(
      {
        date: new Date().toISOString(),
        commit: currentCommit(),
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        results,
      },
      null,
      2,
    ),
  );
  console.log("results written to bench/results/performance.json");
}

await main();
