// `memonet analyze-experiment experiments/analyze/covering.json`: `analyze` over growing data — Two Moons
// prefixes of one sample (Fig. 8), MNIST nested subsets (Fig. 9), all of MNIST — written as a CSV
// row per (case, N, problem) and figures of M⁻ and n̂ against N. Its own small runner (one
// analysis per row), not the sweep machinery, whose trial is one fit.

import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import type { Dataset } from "../data/dataset.js";
import { DataError } from "../data/dataset.js";
import { makeMoons } from "../data/generators.js";
import { normalizeRadius, stratifiedNestedSubsets, subset } from "../data/preprocess.js";
import { analyzeDataset, getDistanceKernel } from "../geometry/index.js";
import { getKernels, type BackendChoice } from "../ops/index.js";
import { writeFileAtomic } from "../node/modelStore.js";
import { writeFigure } from "../plots/render.js";
import { loadTrainingData, type DataOptions } from "./dataOptions.js";

interface CoveringCase {
  readonly name: string;
  readonly data: "moons" | "mnist";
  readonly classes?: string;
  readonly noise?: number;
  readonly pool?: number;
  readonly lambda: number;
  readonly n: number;
  readonly sizes: readonly number[];
  readonly quickSizes: readonly number[];
}

interface CoveringExperiment {
  readonly options: { constant: number; eta: number; draws: number; seed: number };
  readonly cases: readonly CoveringCase[];
}

/** The CSV columns, one row per (case, N, X⁻ class). */
const COLUMNS = [
  "case",
  "size",
  "negative_class",
  "m_minus",
  "m_plus",
  "delta",
  "omega",
  "predicted_n",
  "predicted_nhat",
  "built_nhat_alg2",
  "n_alg2",
  "interpolates_alg2",
  "seconds",
] as const;

async function readExperiment(path: string): Promise<CoveringExperiment> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new DataError(`${path}: ${(e as Error).message}`);
  }
  const x = json as Partial<CoveringExperiment>;
  if (x.options === undefined || !Array.isArray(x.cases)) {
    throw new DataError(`${path}: a covering experiment needs "options" and "cases"`);
  }
  return x as CoveringExperiment;
}

/** The data sets of a case, smallest first. */
async function* caseData(c: CoveringCase, sizes: readonly number[]): AsyncGenerator<Dataset> {
  if (c.data === "moons") {
    const pool = normalizeRadius(makeMoons(c.pool ?? Math.max(...sizes), c.noise ?? 0.05, 0));
    for (const n of sizes) {
      yield subset(
        pool,
        Int32Array.from({ length: n }, (_, i) => i),
        `moons[${n}]`,
      );
    }
    return;
  }
  const options: DataOptions = {
    data: "mnist",
    split: "all",
    noise: 0.05,
    distance: 0.1,
    normalize: true,
    ...(c.classes !== undefined ? { classes: c.classes } : {}),
  };
  const { dataset } = await loadTrainingData(options);
  const full = sizes.filter((n) => n >= dataset.size);
  const part = sizes.filter((n) => n < dataset.size);
  const subsets = part.length > 0 ? stratifiedNestedSubsets(dataset, part, 0) : [];
  for (let i = 0; i < part.length; i++)
    yield subset(dataset, subsets[i], `${dataset.name}[${part[i]}]`);
  if (full.length > 0) yield dataset;
}

function lineFigure(
  rows: Record<string, string | number>[],
  name: string,
  value: string,
  title: string,
) {
  return {
    name,
    caption: title,
    spec: {
      title,
      width: 420,
      height: 280,
      data: { values: rows },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "size", type: "quantitative", scale: { type: "log" }, title: "N" },
        y: { field: value, type: "quantitative", scale: { type: "log" }, title: value },
        color: { field: "series", type: "nominal", title: "case / X⁻" },
      },
    } as unknown as TopLevelSpec,
  };
}

/** Runs the experiment; writes the CSV and the figures. */
export async function runCoveringExperiment(
  path: string,
  o: { out: string; figures?: string; quick?: boolean; fit: boolean; backend: BackendChoice },
): Promise<void> {
  const exp = await readExperiment(path);
  await mkdir(dirname(o.out), { recursive: true });
  const rows: Record<string, string | number>[] = [];
  const lines = [COLUMNS.join(",")];
  for (const c of exp.cases) {
    const sizes = o.quick ? c.quickSizes : c.sizes;
    for await (const ds of caseData(c, sizes)) {
      const t0 = performance.now();
      const report = analyzeDataset(ds, {
        kernel: getDistanceKernel(o.backend),
        constant: exp.options.constant,
        lambda: c.lambda,
        eta: exp.options.eta,
        draws: exp.options.draws,
        seed: exp.options.seed,
        ...(o.fit
          ? {
              fit: {
                kernels: getKernels(o.backend),
                n: c.n,
                seed: exp.options.seed,
                algorithms: [2],
              },
            }
          : {}),
        // Without a fit: the problems a fit would solve (binary: one; multi-class: one per class).
        ...(o.fit
          ? {}
          : { problems: ds.classNames.length === 2 ? [0] : ds.classNames.map((_, k) => k) }),
        check: false,
      });
      const seconds = (performance.now() - t0) / 1000;
      const alg2 = report.fits.find((f) => f.algorithm === 2);
      for (const p of report.problems) {
        const row = {
          case: c.name,
          size: ds.size,
          negative_class: ds.classNames[p.negativeClass],
          m_minus: p.negative.m,
          m_plus: p.positive.m,
          delta: p.delta,
          omega: p.omega,
          predicted_n: p.predicted.n,
          predicted_nhat: p.predicted.nHat,
          built_nhat_alg2: p.built.algorithm2 ?? "",
          n_alg2: alg2?.n ?? "",
          interpolates_alg2: alg2 === undefined ? "" : String(alg2.interpolates),
          seconds,
        };
        lines.push(COLUMNS.map((k) => String(row[k])).join(","));
        rows.push({
          ...row,
          series: report.problems.length > 1 ? `${c.name} ${row.negative_class}` : c.name,
        });
      }
      console.log(
        `${c.name} N = ${ds.size}: ` +
          report.problems
            .map(
              (p) =>
                `X⁻ ${ds.classNames[p.negativeClass]}: M⁻ ${p.negative.m}, M⁺ ${p.positive.m}, n̂ ${p.built.algorithm2 ?? "-"}`,
            )
            .join("; ") +
          ` (${seconds.toFixed(1)} s)`,
      );
      await writeFileAtomic(o.out, lines.join("\n") + "\n");
    }
  }
  if (o.figures !== undefined) {
    const nhat = rows.filter((r) => r.built_nhat_alg2 !== "");
    for (const f of [
      lineFigure(rows, "m-minus-vs-size", "m_minus", "Greedy mutual covering number M⁻ against N"),
      ...(nhat.length > 0
        ? [
            lineFigure(
              nhat,
              "nhat-vs-size",
              "built_nhat_alg2",
              "Built second-layer width n̂ (Algorithm 2) against N",
            ),
          ]
        : []),
    ]) {
      const w = await writeFigure(o.figures, f);
      for (const file of w.files) console.log(`figure written to ${file}`);
    }
  }
}
