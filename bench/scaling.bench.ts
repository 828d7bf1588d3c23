// `node dist/bench/scaling.bench.js` (issue 5): how fit time grows with N, n and d, with the
// exponents of power laws fitted by least squares on log–log scales, to compare with Prop. 8 and
// Remark 9 of the paper (Algorithm 1's first loop O(n N²), the second layer O(M⁻ N⁺)).
//   N: MNIST 10 classes, stratified subsets 10 %…100 %, n = 1000, λ = 0.5
//   n: MNIST 1 vs 9 (all 14 835 images), n = 1000…10 000, λ = 0.5
//   d: 20 000 random points in [0,1]^d with 10 random classes, d = 64…2048, n = 1000, λ = 0
// Writes bench/results/scaling.json.

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { makeDataset, type Dataset } from "../src/data/dataset.js";
import * as pre from "../src/data/preprocess.js";
import { fitModel } from "../src/dfg/fit.js";
import { modelStats } from "../src/dfg/model.js";
import { getKernels } from "../src/ops/index.js";
import "../src/backends/native/index.js";
import { loadMnist } from "../src/node/loaders.js";
import { Rng } from "../src/random/rng.js";
import { formatTable } from "../src/cli/format.js";
import { powerLawExponent } from "./util.js";

interface Point {
  readonly x: number;
  readonly seconds: number;
  readonly first: number;
  readonly second: number;
  readonly width: number;
}

const kernels = getKernels("auto");

function measure(ds: Dataset, n: number, lambda: number, x: number): Point {
  const m = fitModel(ds, { n, lambda, seed: 0 }, { kernels });
  const p = {
    x,
    seconds: m.info.fitSeconds,
    first: m.info.firstLayerSeconds,
    second: m.info.secondLayerSeconds,
    width: modelStats(m).secondLayerWidth,
  };
  console.error(`  x = ${x}: ${p.seconds.toFixed(2)} s, width ${p.width}`);
  return p;
}

function randomData(d: number): Dataset {
  const rng = new Rng(1, d);
  const N = 20000;
  const x = new Float32Array(N * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const labels = Int32Array.from({ length: N }, () => rng.below(10));
  const names = Array.from({ length: 10 }, (_, k) => String(k));
  return pre.normalizeRadius(makeDataset(`random d=${d}`, x, d, labels, names));
}

async function main(): Promise<void> {
  const mnist = pre.scalePixels(await loadMnist({ split: "all" }));
  const series: Record<string, Point[]> = { N: [], n: [], d: [] };
  console.error("N (MNIST 10 classes, n = 1000):");
  const fractions = [0.1, 0.2, 0.4, 0.6, 0.8, 1];
  const sizes = fractions.map((f) => Math.round(f * mnist.size));
  const subsets = pre.stratifiedNestedSubsets(mnist, sizes, 0);
  subsets.forEach((rows, i) => {
    series.N.push(measure(pre.normalizeRadius(pre.subset(mnist, rows)), 1000, 0.5, sizes[i]));
  });
  console.error("n (MNIST 1 vs 9):");
  const pair = pre.normalizeRadius(pre.binarySubproblem(mnist, "1", "9"));
  for (const n of [1000, 2000, 5000, 10000]) series.n.push(measure(pair, n, 0.5, n));
  console.error("d (20 000 random points, 10 classes, n = 1000):");
  for (const d of [64, 256, 1024, 2048]) series.d.push(measure(randomData(d), 1000, 0, d));

  const rows = Object.entries(series).map(([name, pts]) => {
    const xs = pts.map((p) => p.x);
    return [
      name,
      pts.map((p) => `${p.x}: ${p.seconds.toFixed(2)} s`).join(", "),
      powerLawExponent(
        xs,
        pts.map((p) => p.seconds),
      ).toFixed(2),
      powerLawExponent(
        xs,
        pts.map((p) => p.first),
      ).toFixed(2),
      powerLawExponent(
        xs,
        pts.map((p) => p.second),
      ).toFixed(2),
    ];
  });
  console.log(`memonet scaling benchmark: ${kernels.name}, ${cpus().length} cores`);
  console.log(
    formatTable(["varied", "fit times", "exponent (fit)", "first layer", "second layer"], rows),
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/scaling.json",
    JSON.stringify({ backend: kernels.name, series }, null, 2),
  );
}

await main();
