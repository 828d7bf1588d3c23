// Reports at the paper's scale: results streamed and aggregated as read (a 700 000-row file
// plotted and reported), one panel per data set (Fig. 9's two files), figure options (PDF,
// size, scale, vmin/vmax, contour levels, saved Vega-Lite specs), findings read off the same
// smoothed surface the heatmap draws, and plot's own default output directory.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CsvRecordStream } from "../src/sweeps/csvStream.js";
import { parseCsvRecords } from "../src/sweeps/csv.js";
import { parseExperiment } from "../src/sweeps/config.js";
import {
  datasetFamily,
  datasetLabel,
  parseResults,
  resultColumns,
  type ResultRow,
  streamResults,
} from "../src/sweeps/results.js";
import { readResultsTable, ResultsTable } from "../src/sweeps/resultsTable.js";
import { aggregate } from "../src/sweeps/stats.js";
import { summarize } from "../src/sweeps/summary.js";
import { defaultFiguresDir } from "../src/sweeps/reproduce.js";
import { defaultPlotDir, runExperimentCli } from "../src/cli/experimentCommands.js";
import { CONTOUR_LEVEL, heatmapFigure, probabilitySurface } from "../src/plots/heatmap.js";
import { slicesFigure } from "../src/plots/slices.js";
import { toSvg } from "../src/plots/render.js";
import { writeReport } from "../src/plots/report.js";
import { svgToPdf } from "../src/plots/pdf.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "memonet-report-"));
}

const HEADER = resultColumns(1).join(",");

/** One results line in memonet's columns (binary data, one subnetwork). */
function line(
  dataset: string,
  lambda: number,
  n: number,
  restart: number,
  ok: boolean,
  width: number,
  samples: number,
): string {
  const score = ok ? "1.0" : "0.9";
  return (
    `thres,${dataset},${lambda},${n},${restart},${score},0.001,0.0001,2,${n},${n},${width},${n},${width},` +
    `${ok ? "True" : "False"},${samples},${restart + 1}\n`
  );
}

/** Interpolates where n is large enough for λ (a valley around λ = 1), with noise by restart. */
function interpolates(n: number, lambda: number, restart: number): boolean {
  return lambda > 0 && n + ((restart * 37) % 50) >= 100 + 150 * Math.abs(lambda - 1);
}

test("the streaming CSV reader gives parseCsvRecords' records at any chunk boundary", () => {
  const text = '\uFEFFa,b,c\r\n1,"x, y",3\n\n4,"multi\nline ""q""",6\r\n7,8,9\n10,11';
  const clean = text.replace(/^\uFEFF/, "");
  const expected = parseCsvRecords(clean);
  for (const size of [1, 2, 3, 5, 7, 64]) {
    const records: string[][] = [];
    const lines: number[] = [];
    const csv = new CsvRecordStream((fields, l) => {
      records.push(fields);
      lines.push(l);
    });
    for (let i = 0; i < clean.length; i += size) csv.push(clean.slice(i, i + size));
    assert.deepEqual(records, expected.records, `chunks of ${size}`);
    assert.deepEqual(lines, expected.lines, `lines, chunks of ${size}`);
    assert.equal(csv.end(), expected.partial);
  }
});

test("streamResults reads what parseResults reads; bad files are one-line errors", async () => {
  const dir = tempDir();
  let text = `${HEADER}\n`;
  for (let r = 0; r < 40; r++)
    text += line("moons_N1000", (r % 5) / 2, 10 * ((r % 4) + 1), r, r % 3 === 0, r % 7, 1000);
  const path = join(dir, "r.csv");
  writeFileSync(path, `${text}thres,moons_N1000,0.5`);
  const rows: ResultRow[] = [];
  const info = await streamResults(path, (row) => rows.push(row));
  const parsed = parseResults(readFileSync(path, "utf8"), path);
  assert.deepEqual(rows, parsed.rows);
  assert.equal(info.rows, 40);
  assert.equal(info.partial, "thres,moons_N1000,0.5");
  await assert.rejects(
    streamResults(join(dir, "none.csv"), () => {}),
    /none\.csv: no such results file/,
  );
  writeFileSync(path, `${HEADER}\nthres,moons_N1000,0.5,10,0,1.0,0,0,2,10\n`);
  await assert.rejects(
    streamResults(path, () => {}),
    /r\.csv: line 2 has 10 fields, the header has 17/,
  );
  writeFileSync(path, "");
  await assert.rejects(
    streamResults(path, () => {}),
    /empty results file/,
  );
});

test("the results table aggregates as the rows would (means, intervals, probabilities)", () => {
  const rows = parseResults(
    HEADER +
      "\n" +
      Array.from({ length: 300 }, (_, r) =>
        line("moons_N1000", (r % 6) / 4, 10 * ((r % 5) + 1), r, r % 4 !== 0, (r * 13) % 17, 1000),
      ).join(""),
    "x.csv",
  ).rows;
  const table = ResultsTable.of(rows);
  for (const value of ["interpolation", "width"] as const) {
    const want = aggregate(rows, value, "lambda", "n");
    const got = table.aggregate(value, "lambda", "n");
    assert.equal(got.size, want.size);
    for (const [key, c] of want) {
      const g = got.get(key);
      assert.ok(g !== undefined, key);
      assert.equal(g.stats.count, c.stats.count);
      for (const k of ["mean", "low", "high", "interpolation"] as const) {
        assert.ok(Math.abs(g.stats[k] - c.stats[k]) < 1e-9, `${key} ${k}`);
      }
    }
  }
});

test("a 700 000-row results file is plotted and reported through the CLI in well under a minute", async () => {
  const dir = tempDir();
  const path = join(dir, "big.csv");
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  // The moons grid (50 × 51 cells) with 275 runs per cell: 701 250 rows, about 70 MB.
  let rows = 0;
  let chunk = "";
  for (let i = 1; i <= 50; i++) {
    for (let l = 0; l <= 50; l++) {
      const lambda = Number((l * 0.05).toFixed(2));
      for (let r = 0; r < 275; r++) {
        const n = 10 * i;
        const ok = interpolates(n, lambda, r);
        chunk += line("moons_N1000", lambda, n, r, ok, ok ? 5 + (r % 3) : 10 + (r % 9), 1000);
        rows++;
      }
      if (chunk.length > 1 << 20) {
        out.write(chunk);
        chunk = "";
      }
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  assert.ok(rows >= 700_000);

  const t0 = performance.now();
  const { table } = await readResultsTable([path]);
  const readSeconds = (performance.now() - t0) / 1000;
  assert.equal(table.rows, rows);
  console.log(
    `# streamed ${rows} rows in ${readSeconds.toFixed(2)} s (${Math.round(rows / readSeconds)} rows/s)`,
  );

  const figures = join(dir, "figures");
  const t1 = performance.now();
  const code = await runExperimentCli(["plot", path, "--out", figures, "--format", "svg"]);
  const seconds = (performance.now() - t1) / 1000;
  assert.equal(code, 0);
  console.log(`# plot of ${rows} rows: ${seconds.toFixed(1)} s`);
  assert.ok(seconds < 60, `plot took ${seconds} s`);
  const html = readFileSync(join(figures, "index.html"), "utf8");
  assert.ok(html.includes("701,250 trials"), "findings count every row");
  assert.ok(
    html.includes("99% contour (interpolation probability smoothed with σ = 1 cell, as drawn)"),
  );
  for (const name of ["heatmap-interpolation", "slices-width-n"]) {
    assert.ok(existsSync(join(figures, `${name}.svg`)), name);
    const spec = JSON.parse(readFileSync(join(figures, `${name}.vl.json`), "utf8")) as {
      layer?: { data?: { values?: { runs?: number }[] } }[];
    };
    if (name.startsWith("heatmap")) {
      const cells = spec.layer?.[0].data?.values ?? [];
      assert.equal(cells.length, 2550);
      assert.ok(cells.every((c) => c.runs === 275));
    }
  }
});

/** Rows of the paper's Fig. 9 files: its names, 10 sizes, n ∈ {500, 5000}. */
function fig9Text(pair: "1v9" | "1v8"): string {
  let text =
    "activation,dataset,max_bias,n_iter,restart,score,fit_time,score_time,first_dim_in,first_dim_out,second_dim_in_0,second_dim_out_0,second_dim_in,second_dim_out\n";
  for (let p = 10; p <= 100; p += 10) {
    for (const n of [500, 5000]) {
      for (let r = 0; r < 5; r++) {
        const width = Math.round((pair === "1v9" ? 40 : 60) + Math.log(p) * 10 + r);
        const score = n === 5000 ? "1.0" : "0.998";
        text += `thres,mnist_${pair}_size_${p},0.5,${n},${r},${score},0.1,0.1,784,${n},${n},${width},${n},${width}\n`;
      }
    }
  }
  return text;
}

test("one panel per data set: Fig. 9's two files are two panels, not one saw-tooth curve", async () => {
  assert.equal(datasetFamily("mnist_1v9_size_10"), "mnist_1v9");
  assert.equal(datasetFamily("mnist_1v9_N1483"), "mnist_1v9");
  assert.equal(datasetFamily("moons_N100000_of1000000"), "moons_of1000000");
  assert.equal(datasetFamily("moons_size_100k"), "moons_size");
  assert.equal(datasetFamily("moons"), "moons");
  assert.equal(datasetLabel("mnist_1v8"), "MNIST 1 vs 8");
  assert.equal(datasetLabel("moons_of1000000"), "Two Moons, pool 1,000,000");
  const dir = tempDir();
  const a = join(dir, "mnist_1vs9_size.csv");
  const b = join(dir, "mnist_1vs8_size.csv");
  writeFileSync(a, fig9Text("1v9"));
  writeFileSync(b, fig9Text("1v8"));
  const { table } = await readResultsTable([a, b]);
  assert.deepEqual(
    table.panels().map((p) => p.label),
    ["MNIST 1 vs 8", "MNIST 1 vs 9"],
  );
  const fig = slicesFigure(table, {
    name: "w",
    value: "width",
    x: "size",
    series: "n",
    title: "MNIST",
  });
  const spec = fig.spec as unknown as {
    concat: { title: string; data: { values: { x: number; panel: string }[] } }[];
  };
  assert.equal(spec.concat.length, 2);
  for (const [k, label, top] of [
    [0, "MNIST 1 vs 8", 14702],
    [1, "MNIST 1 vs 9", 14835],
  ] as const) {
    assert.equal(spec.concat[k].title, label);
    const xs = spec.concat[k].data.values.map((v) => v.x);
    assert.equal(Math.max(...xs), top, "each panel has its own sizes: no alternating curve");
    assert.ok(spec.concat[k].data.values.every((v) => v.panel === label));
  }
  const svg = await toSvg(fig.spec);
  assert.ok(svg.includes("MNIST 1 vs 8") && svg.includes("MNIST 1 vs 9"));
  const findings = summarize(table);
  assert.ok(
    findings.some((f) => f.startsWith("MNIST 1 vs 9: n = 5,000: mean second-layer width by N")),
  );
  assert.ok(findings.some((f) => f.startsWith("MNIST 1 vs 8: n = 500:")));
});

test(
  "the paper's own Fig. 9 files (results.zip) plot as two panels",
  { skip: paperZipSkip() },
  async () => {
    const dir = tempDir();
    const zip = join(process.env.MEMONET_REFERENCE ?? "", "results.zip");
    const r = spawnSync("unzip", [
      "-oq",
      zip,
      "results/mnist_1vs9_size.csv",
      "results/mnist_1vs8_size.csv",
      "-d",
      dir,
    ]);
    assert.equal(r.status, 0, String(r.stderr));
    const out = join(dir, "fig9");
    const files = ["mnist_1vs9_size.csv", "mnist_1vs8_size.csv"].map((f) =>
      join(dir, "results", f),
    );
    const code = await runExperimentCli(["plot", ...files, "--out", out, "--format", "svg"]);
    assert.equal(code, 0);
    const svg = readFileSync(join(out, "slices-width-size.svg"), "utf8");
    assert.ok(svg.includes("MNIST 1 vs 9") && svg.includes("MNIST 1 vs 8"));
    const html = readFileSync(join(out, "index.html"), "utf8");
    assert.match(html, /MNIST 1 vs 9: n = 5,000: mean second-layer width by N: 1,483: /);
  },
);

function paperZipSkip(): string | false {
  const ref = process.env.MEMONET_REFERENCE;
  if (ref === undefined) return "MEMONET_REFERENCE=<checkout of the paper's code> is not set";
  if (!existsSync(join(ref, "results.zip"))) return `${ref}/results.zip is missing`;
  if (spawnSync("unzip", ["-v"]).status !== 0) return "unzip is missing (apt-get install unzip)";
  return false;
}

test("findings are read off the smoothed surface the heatmap draws, and omitted for few runs", () => {
  const rows: ResultRow[] = [];
  for (let i = 1; i <= 20; i++)
    for (let l = 0; l <= 20; l++)
      for (let r = 0; r < 10; r++) {
        const n = 10 * i;
        const lambda = l / 10;
        const ok = interpolates(n, lambda, r);
        rows.push({
          activation: "threshold",
          dataset: "moons_N1000",
          lambda,
          n,
          restart: r,
          score: ok ? 1 : 0.9,
          fitTime: 0,
          scoreTime: 0,
          firstDimIn: 2,
          firstDimOut: n,
          perClass: [],
          secondDimIn: n,
          secondDimOut: ok ? 5 : 12,
          interpolated: ok,
          samples: 1000,
        });
      }
  const findings = summarize(rows);
  const contour = findings.find((f) => f.startsWith("99% contour"));
  assert.ok(contour, findings.join("\n"));
  const surface = probabilitySurface(rows, "lambda", "n", 1);
  const at = (lambda: number, n: number) =>
    surface.smoothed[surface.ys.indexOf(n) * surface.xs.length + surface.xs.indexOf(lambda)];
  const pairs = [...contour.matchAll(/λ = ([\d.]+): n = ([\d,]+)/g)].map((m) => [
    Number(m[1]),
    Number(m[2].replace(/,/g, "")),
  ]);
  assert.ok(pairs.length > 3);
  for (const [lambda, n] of pairs) {
    assert.ok(at(lambda, n) >= CONTOUR_LEVEL, `smoothed P(${lambda}, ${n}) ≥ 99%`);
    if (n > 10)
      assert.ok(
        at(lambda, n - 10) < CONTOUR_LEVEL,
        `the cell below (${lambda}, ${n - 10}) is outside`,
      );
  }
  // Raw and smoothed disagree somewhere on this grid: the raw threshold would be another n.
  const unsmoothed = summarize(rows, { sigma: 0 }).find((f) => f.startsWith("99% contour"));
  assert.notEqual(unsmoothed, contour);
  // One run per cell (as moons-boundary): no probability findings, and why.
  const single = summarize(rows.filter((r) => r.restart === 0));
  assert.ok(!single.some((f) => f.startsWith("99% contour") || f.startsWith("Width plateau")));
  assert.ok(
    single.some((f) => /findings omitted: 1 run per cell \(at least 5 are needed\)/.test(f)),
  );
});

test("figure options: size, vmin/vmax, levels; PDF; specs beside the figures; configs checked", async () => {
  const rows = parseResults(
    HEADER +
      "\n" +
      Array.from({ length: 6 * 6 * 6 }, (_, k) => {
        const [i, l, r] = [Math.floor(k / 36) + 1, Math.floor(k / 6) % 6, k % 6];
        const ok = interpolates(40 * i, l / 2.5, r);
        return line("moons_N1000", l / 2.5, 40 * i, r, ok, ok ? 4 : 30, 1000);
      }).join(""),
    "x.csv",
  ).rows;
  const heat = heatmapFigure(rows, {
    name: "h",
    value: "width",
    x: "lambda",
    y: "n",
    title: "T",
    width: 300,
    height: 200,
    vmax: 12,
    levels: [0.5],
    sigma: 0,
  });
  const spec = heat.spec as unknown as {
    width: number;
    height: number;
    layer: {
      encoding?: { color?: { scale?: Record<string, unknown> } };
      data: { values: { level?: string }[] };
    }[];
  };
  assert.equal(spec.width, 300);
  assert.equal(spec.height, 200);
  assert.deepEqual(spec.layer[0].encoding?.color?.scale, {
    scheme: "plasma",
    domainMin: 0,
    domainMax: 12,
    clamp: true,
  });
  assert.ok(
    spec.layer[1].data.values.some((p) => p.level === "50%"),
    "a 50% iso-probability line",
  );
  const svg = await toSvg(heat.spec);
  assert.ok(svg.includes("50% iso-probability contours"));
  assert.ok(svg.includes("colour scale fixed to 0–12"));
  const pdf = await svgToPdf(svg, "h");
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  assert.ok(pdf.length > 5000);

  const dir = tempDir();
  const report = await writeReport(
    dir,
    {
      rows,
      quick: false,
      title: "T",
      resultsFiles: ["x.csv"],
      overrides: { vmax: 10, width: 250 },
    },
    ["svg", "png", "pdf"],
    undefined,
    { scale: 1 },
  );
  for (const f of report.figures) {
    assert.deepEqual(
      f.files.map((x) => x.slice(dir.length + 1)),
      ["svg", "png", "pdf"].map((e) => `${f.name}.${e}`),
    );
    const saved = JSON.parse(readFileSync(join(dir, `${f.name}.vl.json`), "utf8")) as {
      $schema: string;
      width: number;
      config: { font: string };
    };
    assert.match(saved.$schema, /vega-lite\/v6/);
    assert.equal(saved.width, 250);
    assert.match(saved.config.font, /DejaVu Sans/);
  }
  const png = readFileSync(join(dir, "heatmap-width.png"));
  const widthAt1 = png.readUInt32BE(16);
  const svgWidth = Number(
    /width="([\d.]+)"/.exec(readFileSync(join(dir, "heatmap-width.svg"), "utf8"))?.[1],
  );
  assert.ok(Math.abs(widthAt1 - svgWidth) <= 1, "scale 1: PNG as wide as the SVG");
  const widthSpec = JSON.parse(readFileSync(join(dir, "heatmap-width.vl.json"), "utf8")) as {
    layer: { encoding?: { color?: { scale?: { domainMax?: number } } } }[];
  };
  assert.equal(widthSpec.layer[0].encoding?.color?.scale?.domainMax, 10);
  const html = readFileSync(report.page, "utf8");
  assert.ok(html.includes('<script src="vendor/vega-embed.min.js"></script>'));
  assert.ok(existsSync(join(dir, "vendor", "vega.min.js")));
  assert.ok(html.includes("heatmap-width.vl.json"));

  const base = {
    dataset: { kind: "moons", size: 100 },
    grid: { n: [10], lambda: [1] },
    restarts: 1,
  };
  const parse = (figure: object, extra: object = {}) =>
    parseExperiment(JSON.stringify({ ...base, ...extra, figures: [figure] }), "x", "x.json");
  const ok = parse(
    {
      kind: "heatmap",
      value: "width",
      x: "lambda",
      y: "n",
      vmin: 0,
      vmax: 26,
      levels: [0.5, 0.9],
      width: 300,
    },
    { output: { formats: ["pdf"], scale: 3 } },
  );
  assert.deepEqual(ok.output, { formats: ["pdf"], scale: 3 });
  assert.throws(
    () => parse({ kind: "heatmap", value: "width", x: "lambda", y: "n", levels: [1.5] }),
    /x\.json: figures\[0\]\.levels\[0\]: expected a probability between 0 and 1, got 1\.5/,
  );
  assert.throws(
    () => parse({ kind: "slices", value: "width", x: "n", series: "lambda", vmin: 5, vmax: 2 }),
    /figures\[0\]\.vmax: must exceed vmin \(5\), got 2/,
  );
  assert.throws(
    () => parse({ kind: "dataset" }, { output: { formats: ["jpg"] } }),
    /output\.formats: expected a list of "svg", "png" and\/or "pdf"/,
  );
});

test("plot writes to plots/<file>, never into reproduce's figures/<experiment>", () => {
  assert.equal(defaultPlotDir("results/moons-quick.csv"), join("plots", "moons-quick"));
  assert.notEqual(defaultPlotDir("results/moons-quick.csv"), defaultFiguresDir("moons", true));
});
