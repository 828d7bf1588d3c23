// `npm run bench:perf` (issue 5): fit times, peak memory and scoring time at the paper's scales,
// as ratios to the Python reference figures measured on this 2-core machine (NumPy + OpenBLAS
// AVX-512, 2 threads, seed 0), or, when MEMONET_REFERENCE names a checkout of the paper's code,
// to the reference run on the same data in the same run (alternating with memonet; Debian's
// python3 with NumPy and scikit-learn, or MEMONET_PYTHON). Each case runs in its own process so
// its peak RSS is its own.
//   node dist/bench/performance.bench.js [--only NAME] [--skip-long] [--simd TABLE]
//     [--backend wasm|native] [--tables] [--repeat K]
// --simd forces a native kernel table (MEMONET_SIMD); --tables runs every case on each native
// table this CPU supports and on wasm, side by side (one reference run per round serves them
// all); --repeat alternates memonet and the reference K times (medians reported).
// Writes bench/results/performance.json (with the machine and the commit).

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { formatTable } from "../src/cli/format.js";
import { currentCommit } from "./util.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Case {
  readonly name: string;
  readonly description: string;
  readonly referenceSeconds?: number;
  readonly referenceRssMB?: number;
  /** Speed-up targets by kernel table ("avx512", "avx2", "wasm", ...), from issues 5 and 10. */
  readonly targetSpeedup?: Readonly<Record<string, number>>;
  readonly targetRssFraction?: number;
  readonly long?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: "mnist-1v9-n5000",
    description: "MNIST 1 vs 9, n = 5000, λ = 0.5",
    referenceSeconds: 1.52,
    targetSpeedup: { avx512: 6, avx2: 4 },
  },
  {
    name: "mnist-10-n1000",
    description: "MNIST 10 classes, n = 1000, λ = 0.5",
    referenceSeconds: 80.7,
    referenceRssMB: 1390,
    targetSpeedup: { avx512: 60, avx2: 40, wasm: 15 },
  },
  {
    name: "mnist-10-n5000",
    description: "MNIST 10 classes, n = 5000, λ = 0.5",
    referenceSeconds: 356.5,
    referenceRssMB: 2100,
    targetSpeedup: { avx512: 80, avx2: 50 },
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
  const { fitModel } = await import("../src/dfg/fit.js");
  const { predictRows } = await import("../src/dfg/predict.js");
  const { modelStats } = await import("../src/dfg/model.js");
  const { makeDataset } = await import("../src/data/dataset.js");
  const { Rng } = await import("../src/random/rng.js");
  const { getKernels } = await import("../src/ops/index.js");
  await import("../src/backends/native/index.js");
  // Helper threads for the WebAssembly kernels (as the CLI has).
  await import("../src/backends/wasm/node/threads.js");
  const backendArg = process.argv.indexOf("--backend");
  const kernels = getKernels(backendArg >= 0 ? (process.argv[backendArg + 1] as "wasm") : "auto");
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

/** The paper's code on one case's data (written by --dump), or undefined where not set up. */
const REFERENCE_DRIVER = `
import json, resource, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
import algorithm
d = json.load(open(sys.argv[2] + "/meta.json"))
X = np.fromfile(sys.argv[2] + "/x.f32", dtype=np.float32).reshape(d["rows"], d["dim"])
y = np.fromfile(sys.argv[2] + "/y.i32", dtype=np.int32)
model = algorithm.get_model({"activation": "thres", "n_iter": d["n"], "max_bias": d["lambda"]}, random_state=0)
t0 = time.perf_counter()
model.fit(X, y)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

/** Writes a case's normalized data set for the reference driver (x.f32, y.i32, meta.json). */
async function dumpCase(name: string, dir: string): Promise<void> {
  const { loadMnist } = await import("../src/node/loaders.js");
  const pre = await import("../src/data/preprocess.js");
  const all = pre.scalePixels(await loadMnist({ split: "all" }));
  const [ds, n] =
    name === "mnist-1v9-n5000"
      ? [pre.normalizeRadius(pre.binarySubproblem(all, "1", "9")), 5000]
      : [pre.normalizeRadius(all), name === "mnist-10-n1000" ? 1000 : 5000];
  writeFileSync(join(dir, "x.f32"), ds.features);
  writeFileSync(join(dir, "y.i32"), Int32Array.from(ds.labels));
  writeFileSync(
    join(dir, "meta.json"),
    JSON.stringify({ rows: ds.size, dim: ds.features.length / ds.size, n, lambda: 0.5 }),
  );
}

const REFERENCE_CASES = new Set(["mnist-1v9-n5000", "mnist-10-n1000", "mnist-10-n5000"]);

/** Runs the paper's code on a case in the same run; undefined when MEMONET_REFERENCE is unset. */
function runReference(self: string, name: string): { seconds: number; rssMB: number } | undefined {
  const ref = process.env.MEMONET_REFERENCE;
  if (!ref || !REFERENCE_CASES.has(name)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "memonet-ref-"));
  try {
    const dump = spawnSync(process.execPath, [self, "--dump", name, dir], { encoding: "utf8" });
    if (dump.status !== 0) throw new Error(dump.stderr);
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    if (process.env.MEMONET_REFERENCE_CORETYPE) {
      env.OPENBLAS_CORETYPE = process.env.MEMONET_REFERENCE_CORETYPE;
    }
    const python = process.env.MEMONET_PYTHON ?? "/usr/bin/python3";
    const r = spawnSync(python, ["-c", REFERENCE_DRIVER, ref, dir], { encoding: "utf8", env });
    if (r.status !== 0) throw new Error(`reference run failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The kernel table a backend name reports: "native (avx2, 2 threads)" → "avx2", "wasm …" → "wasm". */
function tableOf(backend: string): string {
  const native = /^native \(([a-z0-9]+)/.exec(backend);
  if (native) return native[1];
  return backend.startsWith("wasm") ? "wasm" : backend;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Native kernel tables this CPU supports (empty without the addon). */
async function supportedTables(): Promise<string[]> {
  try {
    const { nativeTables } = await import("../src/backends/native/index.js");
    return nativeTables()
      .filter((t) => t.supported)
      .map((t) => t.name);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const caseArg = process.argv.indexOf("--case");
  if (caseArg >= 0) return runCase(process.argv[caseArg + 1]);
  const dumpArg = process.argv.indexOf("--dump");
  if (dumpArg >= 0) return dumpCase(process.argv[dumpArg + 1], process.argv[dumpArg + 2]);
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const simd = arg("--simd");
  const repeat = Math.max(1, Number(arg("--repeat") ?? 1));
  // Configurations: the default (auto, or --simd / --backend), or with --tables every native
  // table this CPU supports and wasm.
  const configs: { label: string; args: string[]; env: Record<string, string> }[] =
    process.argv.includes("--tables")
      ? [
          ...(await supportedTables()).map((t) => ({
            label: `native ${t}`,
            args: ["--backend", "native"],
            env: { MEMONET_SIMD: t },
          })),
          { label: "wasm", args: ["--backend", "wasm"], env: {} },
        ]
      : [
          {
            label: "",
            args: arg("--backend") ? ["--backend", arg("--backend")!] : [],
            env: simd ? { MEMONET_SIMD: simd } : {},
          },
        ];
  const onlyArg = process.argv.indexOf("--only");
  const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;
  const skipLong = process.argv.includes("--skip-long");
  const self = fileURLToPath(import.meta.url);
  const rows: string[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const c of CASES) {
    if (only !== undefined && c.name !== only) continue;
    if (skipLong && c.long) continue;
    // Every configuration and then (where set up) the reference, `repeat` times: one reference
    // run per round serves all the configurations of that round.
    const runs = configs.map(() => [] as Record<string, number | string>[]);
    const failed = configs.map(() => "");
    const refRuns: { seconds: number; rssMB: number }[] = [];
    for (let k = 0; k < repeat; k++) {
      configs.forEach((config, i) => {
        if (failed[i] !== "") return;
        console.error(`running ${c.name} ${config.label} ...`);
        const r = spawnSync(process.execPath, [self, "--case", c.name, ...config.args], {
          encoding: "utf8",
          maxBuffer: 1 << 24,
          env: { ...process.env, ...config.env },
        });
        if (r.status !== 0) failed[i] = r.stderr || `exit ${r.status}`;
        else runs[i].push(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}"));
      });
      if (failed.every((f) => f !== "")) break;
      const ref = runReference(self, c.name);
      if (ref !== undefined) refRuns.push(ref);
    }
    configs.forEach((config, i) => {
      if (failed[i] !== "") {
        rows.push([c.description, config.label, "failed", "", "", "", "", ""]);
        console.error(failed[i]);
        return;
      }
      const seconds = median(runs[i].map((o) => Number(o.seconds)));
      const rssMB = Math.max(...runs[i].map((o) => Number(o.rssMB)));
      const out: Record<string, number | string> = { ...runs[i][0], seconds, rssMB };
      const referenceSeconds =
        refRuns.length > 0 ? median(refRuns.map((o) => o.seconds)) : c.referenceSeconds;
      const measured = refRuns.length > 0;
      const speedup = referenceSeconds !== undefined ? referenceSeconds / seconds : undefined;
      const target = c.targetSpeedup?.[tableOf(String(out.backend ?? config.label))];
      const met = [
        target !== undefined && speedup !== undefined
          ? speedup >= target
            ? `≥${target}x yes`
            : `≥${target}x NO`
          : "",
        c.targetRssFraction !== undefined && c.referenceRssMB !== undefined
          ? rssMB <= c.targetRssFraction * c.referenceRssMB
            ? "RSS yes"
            : `RSS NO (> ${(c.targetRssFraction * c.referenceRssMB).toFixed(0)} MB)`
          : "",
      ]
        .filter(Boolean)
        .join(", ");
      results.push({
        ...c,
        ...out,
        config: config.label,
        runs: runs[i],
        referenceRuns: refRuns,
        referenceSeconds,
        speedup,
        target,
      });
      rows.push([
        c.description,
        String(out.backend ?? config.label),
        `${seconds.toFixed(2)} s`,
        referenceSeconds !== undefined
          ? `${referenceSeconds.toFixed(1)} s${measured ? " (measured)" : ""}`
          : "",
        speedup !== undefined ? `${speedup.toFixed(1)}x` : "",
        `${rssMB.toFixed(0)} MB`,
        out.width !== undefined ? String(out.width) : "",
        met,
      ]);
    });
  }
  console.log(
    `memonet performance benchmark: ${cpus().length} cores, ${cpus()[0]?.model ?? "?"}, commit ${currentCommit()}`,
  );
  console.log(
    formatTable(
      [
        "case",
        "backend",
        "time",
        "reference",
        "speed-up",
        "peak RSS",
        "2nd-layer width",
        "target met",
      ],
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
