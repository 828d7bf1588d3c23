// The playground in a real browser (Debian's Chromium via playwright-core): built once with
// Vite, served on localhost. Checks that fits match the Node library bit for bit, that the
// picture reacts to the knobs, drawing, downloads, the exact construction, and that the page
// works with and without cross-origin isolation. Page and console errors fail every test.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { makeMoons } from "../src/data/generators.js";
import { radius, scaleFeatures } from "../src/data/preprocess.js";
import { fitModel } from "../src/dfg/fit.js";
import type { FitParams } from "../src/dfg/model.js";
import { modelFromJson, modelToJson } from "../src/dfg/modelFile.js";
import { modelStats } from "../src/dfg/model.js";
import { referenceKernels } from "../src/ops/index.js";
import {
  buildPage,
  collectErrors,
  launchBrowser,
  servePage,
  setInput,
  SKIP_BROWSER,
  stat,
  waitForFits,
} from "./webHarness.js";

const bin = fileURLToPath(new URL("../../bin/memonet.js", import.meta.url));

/** The model file without the fields that legitimately differ between runs (times, backend). */
function comparable(json: string): unknown {
  const doc = JSON.parse(json) as { model?: { info?: Record<string, unknown> } } & Record<
    string,
    unknown
  >;
  const strip = (info: Record<string, unknown> | undefined) => {
    if (info === undefined) return;
    for (const key of Object.keys(info)) if (/Seconds$|^backend$/.test(key)) delete info[key];
  };
  strip(doc.model?.info);
  delete doc.training; // the CLI records its data options; the page has none to record
  strip((doc as { info?: Record<string, unknown> }).info);
  return doc;
}

/** What `memonet fit --data moons --size N --noise σ --data-seed s` fits, in the Node library. */
function nodeMoonsModel(size: number, noise: number, dataSeed: number, params: Partial<FitParams>) {
  const raw = makeMoons(size, noise, dataSeed);
  const scale = 1 / radius(raw);
  const model = fitModel(
    scaleFeatures(raw, scale),
    { ...params, maxWidth: 100_000 },
    {
      kernels: referenceKernels,
    },
  );
  return { ...model, preprocessing: { scale } };
}

describe("playground in Chromium", { skip: SKIP_BROWSER }, () => {
  let dist = "";
  let isolated: { url: string; server: Server };
  let plain: { url: string; server: Server };
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let tmp = "";

  before(async () => {
    dist = await buildPage();
    isolated = await servePage(dist, true);
    plain = await servePage(dist, false);
    browser = await launchBrowser();
    context = browser.context;
    tmp = await mkdtemp(join(tmpdir(), "memonet-web-test-"));
  });

  after(async () => {
    await browser?.close();
    isolated?.server.close();
    plain?.server.close();
    if (dist) await rm(dist, { recursive: true, force: true });
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Opens the page at `query`; returns it with its error list. */
  async function open(
    query: string,
    base = isolated.url,
  ): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(base + query);
    await page.waitForFunction(`document.body.dataset.ready === "1"`);
    return { page, errors };
  }

  async function done(page: Page, errors: string[]): Promise<void> {
    await page.close();
    assert.deepEqual(errors, []);
  }

  const MOONS =
    "?preset=moons&N=300&noise=0.1&dataSeed=2&alg=2&n=60&lambda=0.5&act=threshold&seed=7";

  test("the selection control fits with the chosen strategy, as the Node library does", async () => {
    const { page, errors } = await open(MOONS + "&sel=greedy%2Bprune");
    await waitForFits(page, 1);
    assert.equal(await page.locator("#selection").inputValue(), "greedy+prune");
    const node = nodeMoonsModel(300, 0.1, 2, {
      algorithm: 2,
      n: 60,
      lambda: 0.5,
      seed: 7,
      selection: "greedy+prune",
    });
    const random = nodeMoonsModel(300, 0.1, 2, { algorithm: 2, n: 60, lambda: 0.5, seed: 7 });
    assert.ok(modelStats(node).secondLayerWidth <= modelStats(random).secondLayerWidth);
    assert.equal(await stat(page, "second-widths"), modelStats(node).secondLayerWidths.join(", "));
    assert.match(page.url(), /sel=greedy%2Bprune/);
    await done(page, errors);
  });

  test("a preset fit reports the Node library's widths; the model file equals the CLI's", async () => {
    const { page, errors } = await open(MOONS);
    await waitForFits(page, 1);
    const node = nodeMoonsModel(300, 0.1, 2, { algorithm: 2, n: 60, lambda: 0.5, seed: 7 });
    const stats = modelStats(node);
    assert.equal(await stat(page, "first-width"), String(stats.firstLayerWidth));
    assert.equal(await stat(page, "second-widths"), stats.secondLayerWidths.join(", "));
    assert.equal(
      await stat(page, "interpolates"),
      `${node.info.interpolates ? "yes" : "no"} (training accuracy ${node.info.trainingAccuracy})`,
    );

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#download-model").click(),
    ]);
    const file = join(tmp, "page-model.json");
    await download.saveAs(file);
    const text = await readFile(file, "utf8");
    // Bit for bit: the same file as the Node library writes, up to times and backend name.
    assert.deepEqual(comparable(text), comparable(modelToJson(node)));
    const loaded = modelFromJson(text, file);
    assert.deepEqual(loaded.firstLayer.weights, node.firstLayer.weights);

    // The CLI loads it, and fits the same model itself.
    const data = ["--data", "moons", "--size", "300", "--noise", "0.1", "--data-seed", "2"];
    const evaluated = spawnSync(process.execPath, [bin, "eval", file, ...data, "--json"], {
      encoding: "utf8",
    });
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const accuracy = (JSON.parse(evaluated.stdout) as { accuracy: number }).accuracy;
    assert.equal(accuracy, node.info.trainingAccuracy);
    const cliFile = join(tmp, "cli-model.json");
    const fitted = spawnSync(
      process.execPath,
      [
        bin,
        "fit",
        ...data,
        "--n",
        "60",
        "--lambda",
        "0.5",
        "--seed",
        "7",
        "--out",
        cliFile,
        "--no-progress",
      ],
      { encoding: "utf8" },
    );
    assert.equal(fitted.status, 0, fitted.stderr);
    assert.deepEqual(comparable(text), comparable(await readFile(cliFile, "utf8")));
    assert.match((await page.locator("#cli").textContent()) ?? "", /--data moons --size 300/);
    await done(page, errors);
  });

  test("moving a slider refits, changes the picture and the URL", async () => {
    const { page, errors } = await open(MOONS);
    await waitForFits(page, 1);
    const before = await page.locator("#plot").screenshot();
    const widthBefore = await stat(page, "first-width");
    await setInput(page, "n", "15");
    await waitForFits(page, 2);
    const after = await page.locator("#plot").screenshot();
    assert.notEqual(Buffer.compare(before, after), 0, "the picture did not change");
    assert.notEqual(await stat(page, "first-width"), widthBefore);
    assert.equal(await stat(page, "first-width"), "15");
    const node = nodeMoonsModel(300, 0.1, 2, { algorithm: 2, n: 15, lambda: 0.5, seed: 7 });
    assert.equal(await stat(page, "second-widths"), modelStats(node).secondLayerWidths.join(", "));
    assert.match(page.url(), /[?&]n=15(&|$)/);
    await done(page, errors);
  });

  test("clicks add points of the chosen class, a drag erases; CSV export", async () => {
    const { page, errors } = await open("?preset=moons&N=20&n=50");
    await waitForFits(page, 1);
    await page.locator("#clear").click();
    const plot = page.locator("#plot");
    const box = await plot.boundingBox();
    assert.ok(box);
    const at = async (fx: number, fy: number) =>
      page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    await page.locator("#draw-class").selectOption("0");
    // One class only: the fit's DataError is shown on the page (not as a console error).
    await at(0.5, 0.9);
    await page.waitForFunction(
      `document.getElementById("status").className === "error" && document.body.dataset.busy === "0"`,
    );
    assert.match((await page.locator("#status").textContent()) ?? "", /class/);
    for (const [x, y] of [
      [0.2, 0.2],
      [0.3, 0.7],
      [0.25, 0.45],
    ])
      await at(x, y);
    await page.locator("#draw-class").selectOption("1");
    for (const [x, y] of [
      [0.8, 0.2],
      [0.7, 0.7],
      [0.75, 0.45],
    ])
      await at(x, y);
    await waitForFits(page, 2);
    await page.waitForFunction(
      `document.querySelector('[data-stat="data"]')?.dataset.value.startsWith("7 points")`,
    );
    assert.match(await stat(page, "interpolates"), /^yes/);
    // Drag across the first point: it is erased.
    await page.mouse.move(box.x + 0.15 * box.width, box.y + 0.2 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.2 * box.width, box.y + 0.2 * box.height, { steps: 5 });
    await page.mouse.move(box.x + 0.25 * box.width, box.y + 0.2 * box.height, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      `document.querySelector('[data-stat="data"]')?.dataset.value.startsWith("6 points")`,
    );
    assert.match(page.url(), /preset=custom/);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#export-csv").click(),
    ]);
    const csv = join(tmp, "points.csv");
    await download.saveAs(csv);
    const lines = (await readFile(csv, "utf8")).trim().split("\n");
    assert.equal(lines[0], "x,y,label");
    assert.equal(lines.length, 7);
    assert.deepEqual(
      lines
        .slice(1)
        .map((l) => l.split(",")[2])
        .sort(),
      ["0", "0", "0", "1", "1", "1"],
    );
    await done(page, errors);
  });

  test("without cross-origin isolation the page still fits (same widths)", async () => {
    const { page, errors } = await open(MOONS, plain.url);
    await waitForFits(page, 1);
    assert.equal(await page.evaluate("crossOriginIsolated"), false);
    const node = nodeMoonsModel(300, 0.1, 2, { algorithm: 2, n: 60, lambda: 0.5, seed: 7 });
    assert.equal(await stat(page, "second-widths"), modelStats(node).secondLayerWidths.join(", "));
    // Without shared memory for workers the WebAssembly kernels run on the fit worker alone.
    assert.equal(await stat(page, "backend"), "wasm");
    await done(page, errors);
    const isolatedPage = await open(MOONS);
    await waitForFits(isolatedPage.page, 1);
    assert.equal(await isolatedPage.page.evaluate("crossOriginIsolated"), true);
    // Cross-origin isolated: helper Web Workers, one per further core.
    const cores = Number(await isolatedPage.page.evaluate("navigator.hardwareConcurrency"));
    const threads = Math.min(64, cores);
    assert.equal(
      await stat(isolatedPage.page, "backend"),
      threads > 1
        ? `wasm (${threads} threads) (cross-origin isolated)`
        : "wasm (cross-origin isolated)",
    );
    if (threads > 1) {
      const helpers = isolatedPage.page.workers().filter((w) => /kernelHelper/.test(w.url()));
      assert.equal(helpers.length, threads - 1, "the fit worker started its helper workers");
    }
    await done(isolatedPage.page, isolatedPage.errors);
  });

  test("exact network: verified on small N, a clear message on large N", async () => {
    const { page, errors } = await open("?preset=moons&N=40&n=50");
    await waitForFits(page, 1);
    await setInput(page, "row", "3");
    await page.locator("#memorize").click();
    await page.waitForSelector('[data-exact="ok"]', { timeout: 60_000 });
    const text = (await page.locator("#exact").textContent()) ?? "";
    assert.match(text, /40 of 40 points exact/);
    assert.match(text, /journey of point 3/);
    assert.match(text, /stage I/);
    await page.goto(isolated.url + "?preset=moons&N=1500&n=20");
    await waitForFits(page, 1);
    await page.locator("#memorize").click();
    assert.match(
      (await page.locator("#exact").textContent()) ?? "",
      /too many for the exact construction/,
    );
    await done(page, errors);
  });

  test("n × λ panels, PNG and SVG downloads, cancel", async () => {
    const { page, errors } = await open("?preset=circles&N=100&n=40");
    await waitForFits(page, 1);
    await page.locator("#panels").click();
    await page.waitForFunction(
      `document.getElementById("status").textContent === "grid drawn"`,
      undefined,
      {
        timeout: 60_000,
      },
    );
    assert.equal(await page.locator("#panel-grid canvas").count(), 16);
    assert.match(
      (await page.locator("#panel-grid").textContent()) ?? "",
      /n = 10, λ = 0.25 · n̂ = \d+/,
    );
    for (const [id, check] of [
      ["download-png", (b: Buffer) => b.subarray(1, 4).toString() === "PNG"],
      ["download-svg", (b: Buffer) => b.toString().startsWith("<svg")],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.locator(`#${id}`).click(),
      ]);
      const file = join(tmp, download.suggestedFilename());
      await download.saveAs(file);
      assert.ok(check(await readFile(file)), id);
    }
    // A run is cancelled before it can answer (the worker is terminated); the page stays usable.
    await page.evaluate(
      `document.getElementById("memorize").click(); document.getElementById("cancel").click()`,
    );
    assert.equal(await page.locator("#status").textContent(), "cancelled");
    assert.equal(await page.evaluate("document.body.dataset.busy"), "0");
    await setInput(page, "n", "30");
    await waitForFits(page, 2);
    assert.equal(await stat(page, "first-width"), "30");
    await done(page, errors);
  });
});
