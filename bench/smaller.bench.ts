// Second-layer selection strategies: widths, parameters, fit time and test accuracy per strategy,
// mean ± sd over seeds. `npm run bench:smaller [-- --quick]` (--quick: Two Moons and MNIST 1 vs 9
// subsets only, 2 seeds).

import "../src/backends/native/index.js";
import type { Dataset } from "../src/data/dataset.js";
import { makeMoons } from "../src/data/generators.js";
import { binarySubproblem, radius, scaleFeatures, scalePixels } from "../src/data/preprocess.js";
import { InterpolatingNetwork } from "../src/dfg/estimator.js";
import { SELECTION_STRATEGIES } from "../src/dfg/model.js";
import { getKernels } from "../src/ops/index.js";
import { loadFashionMnist, loadMnist } from "../src/node/loaders.js";
import { currentCommit } from "./util.js";

interface Problem {
  readonly label: string;
  readonly train: Dataset;
  readonly test?: Dataset;
  readonly n: number;
  readonly lambda: number;
}

/** Scales pixels to [0,1] and the training set to radius 1; the test set with the same factor. */
function images(train: Dataset, test?: Dataset): { train: Dataset; test?: Dataset } {
  const px = scalePixels(train);
  const f = 1 / radius(px);
  const out = { train: scaleFeatures(px, f) };
  return test === undefined ? out : { ...out, test: scaleFeatures(scalePixels(test), f) };
}

const meanSd = (xs: number[]): string => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${m.toFixed(m < 10 ? 3 : 1)} ± ${sd.toFixed(m < 10 ? 3 : 1)}`;
};

async function problems(quick: boolean): Promise<Problem[]> {
  const moons = makeMoons(1000, 0.05, 0);
  const list: Problem[] = [
    {
      label: "Two Moons N = 1000",
      train: scaleFeatures(moons, 1 / radius(moons)),
      n: 500,
      lambda: 1,
    },
  ];
  const train = await loadMnist({ split: "train" });
  const test = await loadMnist({ split: "test" });
  for (const [a, b] of [
    ["1", "9"],
    ["1", "8"],
  ] as const) {
    const d = images(binarySubproblem(train, a, b), binarySubproblem(test, a, b));
    list.push({
      label: `MNIST ${a} vs ${b} (train split)`,
      ...d,
      n: quick ? 1000 : 5000,
      lambda: 0.5,
    });
  }
  if (quick) return list;
  list.push({
    label: "MNIST 10 classes (train split)",
    ...images(train, test),
    n: 1000,
    lambda: 0.5,
  });
  try {
    const ftrain = await loadFashionMnist(undefined, { split: "train" });
    const ftest = await loadFashionMnist(undefined, { split: "test" });
    list.push({
      label: "Fashion-MNIST 10 classes",
      ...images(ftrain, ftest),
      n: 1000,
      lambda: 0.5,
    });
  } catch (e) {
    console.log(`(Fashion-MNIST skipped: ${(e as Error).message})`);
  }
  return list;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const seeds = quick ? 2 : 5;
  const kernels = getKernels("auto");
  console.log(
    `memonet bench:smaller (commit ${currentCommit()}, ${kernels.name} kernels, ${seeds} seeds)`,
  );
  console.log(
    "| problem | selection | 2nd-layer width | n after prune-first | parameters | non-zero | fit s | test acc |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const p of await problems(quick)) {
    for (const selection of SELECTION_STRATEGIES) {
      const width: number[] = [];
      const params: number[] = [];
      const nonzero: number[] = [];
      const fit: number[] = [];
      const acc: number[] = [];
      const firstAfter: number[] = [];
      for (let seed = 0; seed < seeds; seed++) {
        const net = await new InterpolatingNetwork(
          { n: p.n, lambda: p.lambda, seed, selection },
          { kernels },
        ).fit(p.train);
        const s = net.stats();
        width.push(s.secondLayerWidth);
        params.push(s.parameters);
        nonzero.push(s.nonzeroParameters);
        fit.push(net.model.info.fitSeconds);
        if (p.test !== undefined) acc.push(await net.score(p.test));
        if (p.train.size <= 20000) {
          const pruned = await new InterpolatingNetwork(
            { n: p.n, lambda: p.lambda, seed, selection, pruneFirst: true },
            { kernels },
          ).fit(p.train);
          firstAfter.push(pruned.model.firstLayer.width);
        }
      }
      console.log(
        `| ${p.label}, n = ${p.n}, λ = ${p.lambda} | ${selection} | ${meanSd(width)} | ` +
          `${firstAfter.length > 0 ? meanSd(firstAfter) : "–"} | ${meanSd(params)} | ` +
          `${meanSd(nonzero)} | ${meanSd(fit)} | ${acc.length > 0 ? meanSd(acc) : "–"} |`,
      );
    }
  }
}

await main();
