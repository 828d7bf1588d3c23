// Two-way interchange with the paper's scripts: memonet's results, written with the paper's
// names (`reproduce --paper-names`), are read by the paper's own plot.py unchanged (run from a
// checkout named by MEMONET_REFERENCE, with Debian's python3 and pandas/matplotlib/seaborn);
// without the paper's names plot.py cannot find its data sets. Skipped with a message where the
// checkout or the Python modules are missing. (memonet reading the paper's files is tested in
// experiments-results.test.ts and plots-report.test.ts.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadExperiment } from "../src/sweeps/registry.js";
import { paperDatasetName, writePaperResults } from "../src/sweeps/paperResults.js";
import { runSweep } from "../src/sweeps/runner.js";

const PYTHON = "/usr/bin/python3";
const REFERENCE = process.env.MEMONET_REFERENCE;

/** Runs Python as the paper's code expects (OpenBLAS overrides of this machine unset). */
function python(args: string[], cwd: string) {
  const env: Record<string, string> = { ...process.env, MPLBACKEND: "Agg" } as Record<
    string,
    string
  >;
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return spawnSync(PYTHON, args, { cwd, env, encoding: "utf8", timeout: 300_000 });
}

function skipReason(): string | false {
  if (REFERENCE === undefined) {
    return "MEMONET_REFERENCE=<checkout of the paper's code> is not set: interchange test skipped";
  }
  for (const f of ["plot.py", "utils.py", "data.py", "experiments/moons.json"]) {
    if (!existsSync(join(REFERENCE, f))) return `${REFERENCE}/${f} is missing: skipped`;
  }
  if (!existsSync(PYTHON)) return `${PYTHON} is missing: skipped`;
  const r = python(["-c", "import pandas, matplotlib, seaborn, scipy, sklearn"], tmpdir());
  if (r.status !== 0) {
    return `${PYTHON} lacks pandas/matplotlib/seaborn/scipy/sklearn (apt-get install python3-seaborn): skipped`;
  }
  return false;
}

test("the paper's data-set names", () => {
  assert.equal(paperDatasetName("moons_N1000"), "moons");
  assert.equal(paperDatasetName("moons_N100000_of1000000"), "moons_size_100k");
  assert.equal(paperDatasetName("moons_N100_of1000000"), "moons_size_100");
  assert.equal(paperDatasetName("mnist_1v9_N1483"), "mnist_1v9_size_10");
  assert.equal(paperDatasetName("mnist_1v8_N14702"), "mnist_1v8_size_100");
  assert.equal(paperDatasetName("mnist"), "mnist");
  assert.equal(paperDatasetName("cifar10"), "cifar10");
  assert.equal(paperDatasetName("lines_N20_d0.1"), "lines");
  // No name in the paper: kept.
  assert.equal(paperDatasetName("moons_N500"), "moons_N500");
  assert.equal(paperDatasetName("mnist_N3000"), "mnist_N3000");
  assert.equal(paperDatasetName("moons_N1000_noise0.1"), "moons_N1000_noise0.1");
});

test(
  "the paper's plot.py draws memonet's results (paper names) unchanged",
  { skip: skipReason() },
  async () => {
    const ref = REFERENCE as string;
    const work = mkdtempSync(join(tmpdir(), "memonet-paper-"));
    for (const f of ["plot.py", "utils.py", "data.py", "algorithm.py"]) {
      copyFileSync(join(ref, f), join(work, f));
    }
    // A real sweep of a small Two Moons grid that holds the paper's slices (n = 50, 200, 500 and
    // λ = 0, 0.75, 2.5), named "moons" as the checked-in experiment (same seeds).
    const cfgDir = join(work, "cfg");
    mkdirSync(cfgDir);
    const cfgPath = join(cfgDir, "moons.json");
    writeFileSync(
      cfgPath,
      JSON.stringify({
        title: "Two Moons",
        dataset: { kind: "moons", size: 1000, noise: 0.05, seed: 0 },
        grid: { n: [50, 100, 200, 500], lambda: [0, 0.5, 0.75, 1.5, 2.5] },
        restarts: 2,
      }),
    );
    const config = await loadExperiment(cfgPath);
    assert.equal(config.name, "moons");
    const ours = join(work, "memonet-moons.csv");
    await runSweep({ config, quick: false, resultsPath: ours, workers: 1, backend: "reference" });
    const paper = await writePaperResults(config, false, ours, join(work, "results"));
    assert.deepEqual(paper.files, [{ path: join(work, "results", "moons.csv"), rows: 40 }]);
    assert.deepEqual(paper.unnamed, []);
    assert.match(
      readFileSync(join(work, "results", "moons.csv"), "utf8"),
      /\nthres,moons,0\.0,50,0,/,
    );

    // The paper's experiment file, its heatmaps and slices (the boundary plots refit networks with
    // the paper's own algorithm and read no results), and its data set made by its data.py.
    const paperConfig = JSON.parse(
      readFileSync(join(ref, "experiments", "moons.json"), "utf8"),
    ) as {
      plots: { type: string; name: string }[];
    };
    paperConfig.plots = paperConfig.plots.filter(
      (p) => p.type === "heatmap" || p.type === "slices",
    );
    mkdirSync(join(work, "experiments"));
    writeFileSync(join(work, "experiments", "moons.json"), JSON.stringify(paperConfig));
    const made = python(
      [
        "-c",
        "import data, utils; X, y = data.normalize(data.moons)(1000, noise=0.05); utils.save_dataset('moons', X, y)",
      ],
      work,
    );
    assert.equal(made.status, 0, made.stderr);

    const run = python(["plot.py", "--name", "moons"], work);
    assert.equal(run.status, 0, `plot.py failed:\n${run.stderr}`);
    assert.match(run.stdout, /\* n_samples/);
    for (const p of paperConfig.plots) {
      const pdf = join(work, "plots", "moons", `${p.name}.pdf`);
      assert.ok(existsSync(pdf), pdf);
      assert.equal(readFileSync(pdf).subarray(0, 5).toString("latin1"), "%PDF-");
    }

    // memonet's own names are not the paper's: plot.py looks for datasets/moons_N1000.npz.
    copyFileSync(ours, join(work, "results", "moons.csv"));
    const plain = python(["plot.py", "--name", "moons"], work);
    assert.notEqual(plain.status, 0);
    assert.match(plain.stderr, /moons_N1000\.npz/);
  },
);
