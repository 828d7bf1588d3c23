// Figures: contour lines, PNG encoding, text widths, and whole figures rendered to SVG and PNG
// from results rows (memonet's and the paper's layout) and from fitted networks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { makeMoons } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import { parseResults, type ResultRow } from "../src/sweeps/results.js";
import { referenceKernels } from "../src/ops/index.js";
import { boundaryData } from "../src/sweeps/boundary.js";
import { boundaryFigure } from "../src/plots/boundary.js";
import { contourLines, gaussianSmooth, indexToValue } from "../src/plots/contour.js";
import {
  DEFAULT_CONTOUR_SIGMA,
  heatmapFigure,
  interpolationContour,
} from "../src/plots/heatmap.js";
import { encodePng } from "../src/plots/rasterPng.js";
import { svgToPng, toSvg } from "../src/plots/render.js";
import { writeReport } from "../src/plots/report.js";
import { nearestValues, slicesFigure } from "../src/plots/slices.js";
import { textWidth } from "../src/plots/textWidth.js";

function pngSize(png: Buffer): [number, number] {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

test("marching squares: a closed ring around a bump, an open line across a ramp", () => {
  const w = 9;
  const values = new Float64Array(w * w);
  for (let j = 0; j < w; j++)
    for (let i = 0; i < w; i++) values[j * w + i] = Math.hypot(i - 4, j - 4) < 2.5 ? 1 : 0;
  const rings = contourLines({ width: w, height: w, values }, 0.5);
  assert.equal(rings.length, 1);
  const ring = rings[0];
  assert.deepEqual(ring[0], ring[ring.length - 1]);
  for (const [x, y] of ring) assert.ok(Math.abs(Math.hypot(x - 4, y - 4) - 2.5) < 0.8);

  const ramp = Float64Array.from({ length: 5 * 4 }, (_, k) => k % 5);
  const lines = contourLines({ width: 5, height: 4, values: ramp }, 2.5);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].length, 4);
  for (const [x] of lines[0]) assert.equal(x, 2.5);

  const flat = gaussianSmooth({ width: 4, height: 3, values: new Float64Array(12).fill(0.7) }, 1);
  for (const v of flat.values) assert.ok(Math.abs(v - 0.7) < 1e-12);
  assert.equal(indexToValue([10, 20, 40], 1.5), 30);
});

test("contour smoothing is scipy.ndimage.gaussian_filter(σ = 1) as in the paper's plots", () => {
  // Values from scipy 1.x: gaussian_filter(a, 1.0) (mode "reflect", truncate 4) on a 6 × 7 grid.
  const w = 7;
  const values = Float64Array.from({ length: 6 * w }, (_, k) => {
    const [j, i] = [Math.floor(k / w), k % w];
    return ((j * 7 + i * 3) % 5) / 4;
  });
  const s = gaussianSmooth({ width: w, height: 6, values }, DEFAULT_CONTOUR_SIGMA).values;
  assert.equal(DEFAULT_CONTOUR_SIGMA, 1);
  for (const [k, want] of [
    [0, 0.31137507371685225],
    [2 * w + 3, 0.4695169353162506],
    [5 * w + 6, 0.4908362850062972],
    [8, 0.430041008771],
  ]) {
    assert.ok(Math.abs(s[k] - want) < 1e-9, `cell ${k}: ${s[k]} vs ${want}`);
  }
});

test("PNG encoder writes a valid RGBA image", () => {
  const pixels = new Uint8Array(3 * 2 * 4).map((_, i) => i * 10);
  const png = encodePng({ width: 3, height: 2, pixels });
  assert.deepEqual(pngSize(png), [3, 2]);
  const idat = png.indexOf("IDAT");
  const length = png.readUInt32BE(idat - 4);
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + length));
  assert.equal(raw.length, 2 * (1 + 12));
  assert.deepEqual([...raw.subarray(1, 13)], [...pixels.subarray(0, 12)]);
});

test("text widths follow DejaVu Sans", () => {
  assert.ok(Math.abs(textWidth({ fontSize: 10 }, "iiii") - 4 * 2.78) < 1e-9);
  assert.ok(
    textWidth({ fontSize: 12, fontWeight: "bold" }, "Two Moons") >
      textWidth({ fontSize: 12 }, "Two Moons"),
  );
  assert.equal(textWidth({ fontSize: 12 }, null), 0);
});

/** Synthetic results: interpolation once n >= 40 + 40·|λ − 1|, never at λ = 0. */
function syntheticRows(
  ns = [10, 20, 40, 60, 80, 100, 120],
  lambdas = [0, 0.5, 1, 1.5, 2],
  restarts = 5,
): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const n of ns) {
    for (const lambda of lambdas) {
      for (let restart = 0; restart < restarts; restart++) {
        const ok = lambda > 0 && n >= 40 + 40 * Math.abs(lambda - 1);
        rows.push({
          activation: "threshold",
          dataset: "moons_N1000",
          lambda,
          n,
          restart,
          score: ok ? 1 : 0.9,
          fitTime: 0,
          scoreTime: 0,
          firstDimIn: 2,
          firstDimOut: n,
          perClass: [],
          secondDimIn: n,
          secondDimOut: ok ? 5 + restart : 20,
          interpolated: ok,
          samples: 1000,
        });
      }
    }
  }
  return rows;
}

test("heatmap with the 99% contour, and slices with confidence bands, render to SVG and PNG", async () => {
  const rows = syntheticRows();
  // On this 5 × 7 grid the default smoothing (σ = 1 cell, as the paper's plots) leaves only a
  // short line; unsmoothed, the whole line is found.
  const contour = interpolationContour(rows, "lambda", "n", 0);
  assert.ok(contour.length > 3, "a contour line is found");
  for (const p of contour) assert.ok(p.x >= 0 && p.x <= 2 && p.y >= 10 && p.y <= 120);
  // σ is a parameter: on a 21 × 21 grid unsmoothed and σ = 2 give other lines than σ = 1.
  const big = syntheticRows(
    Array.from({ length: 21 }, (_, i) => 10 + 10 * i),
    Array.from({ length: 21 }, (_, i) => i / 10),
  );
  const line = (sigma?: number) => JSON.stringify(interpolationContour(big, "lambda", "n", sigma));
  assert.ok(line().length > 100);
  assert.notEqual(line(0), line());
  assert.notEqual(line(2), line());
  assert.equal(line(1), line());

  const heat = heatmapFigure(rows, {
    name: "h",
    value: "width",
    x: "lambda",
    y: "n",
    title: "Test data",
  });
  const svg = await toSvg(heat.spec);
  assert.match(svg, /^<svg/);
  for (const text of [
    "Test data: width of the second layer",
    "maximal bias λ",
    "width of first layer n",
    "99% interpolation-probability contour",
  ]) {
    assert.ok(svg.includes(text), text);
  }
  const [w, h] = pngSize(svgToPng(svg));
  assert.ok(w > 600 && h > 500, `${w}×${h}`);

  assert.deepEqual(nearestValues([10, 20, 40, 60], [18, 59, 61]), [20, 60]);
  const slices = slicesFigure(rows, {
    name: "s",
    value: "width",
    x: "n",
    series: "lambda",
    at: [0, 1],
    title: "Test data",
  });
  const ssvg = await toSvg(slices.spec);
  for (const text of ["λ = 0", "λ = 1", "95% confidence interval", "max bias λ"])
    assert.ok(ssvg.includes(text), text);
});

test("plot a results file in the paper's layout: inferred figures, SVG + PNG, and an HTML page", async () => {
  const lines = [
    "activation,dataset,max_bias,n_iter,restart,score,fit_time,score_time,first_dim_in,first_dim_out,second_dim_in_0,second_dim_out_0,second_dim_in,second_dim_out",
  ];
  for (const r of syntheticRows()) {
    lines.push(
      `thres,moons,${r.lambda.toFixed(1)},${r.n},${r.restart},${r.score},0.01,0.001,2,${r.n},${r.n},${r.secondDimOut},${r.n},${r.secondDimOut}`,
    );
  }
  const { rows } = parseResults(lines.join("\n") + "\n", "moons.csv");
  const dir = mkdtempSync(join(tmpdir(), "memonet-plot-"));
  const report = await writeReport(dir, {
    rows,
    quick: false,
    kernels: referenceKernels,
    title: "moons",
    resultsFiles: ["moons.csv"],
  });
  const names = report.figures.map((f) => f.name);
  assert.deepEqual(names, [
    "heatmap-interpolation",
    "slices-interpolation-lambda",
    "slices-interpolation-n",
    "heatmap-width",
    "slices-width-lambda",
    "slices-width-n",
  ]);
  for (const f of report.figures) {
    assert.equal(f.files.length, 2);
    for (const file of f.files) assert.ok(existsSync(file), file);
  }
  const html = readFileSync(report.page, "utf8");
  for (const n of names) assert.ok(html.includes(`<img src="${n}.svg"`), n);
  assert.ok(
    html.includes("λ = 0: the highest interpolation probability over all n (up to 120) is 0."),
  );
});

test("decision boundary: regions of the neurons, starred candidates, frame when interpolating", async () => {
  const ds = { ...normalizeRadius(makeMoons(200, 0.05, 0)), name: "moons_N200" };
  const data = boundaryData(
    ds,
    [
      { n: 300, lambda: 1, activation: "threshold", restart: 0 },
      { n: 300, lambda: 0, activation: "threshold", restart: 0 },
    ],
    { name: "b", experiment: "t", algorithm: 2, kernels: referenceKernels },
  );
  const fig = boundaryFigure(data, { name: "b", title: "Moons" });
  assert.match(fig.caption, /thick dashed frame/);
  const svg = await toSvg(fig.spec);
  assert.ok(svg.includes("data:image/png;base64,"), "activation regions as an image");
  assert.ok(svg.includes("n = 300, λ = 1") && svg.includes("n = 300, λ = 0"));
  assert.match(svg, /interpolates/);
  assert.match(svg, /stroke-dasharray="8,5"/);
  const [w] = pngSize(svgToPng(svg, 1));
  assert.ok(w > 400);
});
