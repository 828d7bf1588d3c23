// The report page in a real browser (Debian's Chromium via playwright-core), opened from disk as
// a user opens it: every chart becomes interactive from the scripts beside the page (no network),
// no page or console errors, a tooltip with the cell's values appears on hover, and the static
// images stay where JavaScript is off.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext } from "playwright-core";
import type { ResultRow } from "../src/sweeps/results.js";
import { writeReport } from "../src/plots/report.js";
import { collectErrors, launchBrowser, SKIP_BROWSER } from "./webHarness.js";

function rows(): ResultRow[] {
  const out: ResultRow[] = [];
  for (const dataset of ["mnist_1v9_N1000", "mnist_1v8_N1000"])
    for (const n of [10, 20, 40, 80])
      for (const lambda of [0, 0.5, 1, 1.5])
        for (let restart = 0; restart < 5; restart++) {
          const ok = lambda > 0 && n >= 20 + restart * 5;
          out.push({
            activation: "threshold",
            dataset,
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
            secondDimOut: ok ? 4 + restart : 12,
            interpolated: ok,
            samples: 1000,
          });
        }
  return out;
}

describe("report page in Chromium", { skip: SKIP_BROWSER }, () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let page = "";
  let figures = 0;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "memonet-page-"));
    const report = await writeReport(dir, {
      rows: rows(),
      quick: false,
      title: "Test",
      resultsFiles: ["t.csv"],
    });
    page = pathToFileURL(report.page).href;
    figures = report.figures.length;
    browser = await launchBrowser();
    context = browser.context;
  });

  after(async () => {
    await browser?.close();
  });

  test("every chart renders interactively, offline, with no errors; hovering shows a tooltip", async () => {
    const p = await context.newPage();
    const errors = collectErrors(p);
    const requests: string[] = [];
    p.on("request", (r) => requests.push(r.url()));
    await p.goto(page);
    await p.waitForSelector('body[data-charts="ready"]', { timeout: 60_000 });
    assert.equal(await p.locator(".chart.interactive").count(), figures);
    assert.equal(await p.locator(".chart.interactive svg.marks").count(), figures);
    // Only the page's own files were loaded: no network.
    assert.ok(requests.length > 3);
    for (const url of requests)
      assert.ok(url.startsWith("file://") || url.startsWith("data:"), url);
    // Hover a cell of the first heatmap: vega-tooltip shows its values.
    const cell = p.locator("#heatmap-interpolation g.mark-rect.role-mark path").first();
    await cell.hover();
    const tooltip = p.locator("#vg-tooltip-element.visible");
    await tooltip.waitFor({ timeout: 10_000 });
    const text = (await tooltip.textContent()) ?? "";
    assert.match(text, /runs/);
    assert.match(text, /interpolation probability/);
    assert.match(text, /MNIST 1 vs [89]/, "the panel's data set is named");
    // A point of a slices chart too.
    await p.mouse.move(0, 0);
    await p.locator("#slices-width-n g.mark-symbol.role-mark path").first().hover({ force: true });
    await p.locator("#vg-tooltip-element.visible").waitFor({ timeout: 10_000 });
    assert.match((await p.locator("#vg-tooltip-element").textContent()) ?? "", /95% CI low/);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test("where the chart scripts cannot load, the static figures stay", async () => {
    const dir = mkdtempSync(join(tmpdir(), "memonet-page-"));
    const report = await writeReport(dir, {
      rows: rows(),
      quick: false,
      title: "Test",
      resultsFiles: ["t.csv"],
    });
    rmSync(join(dir, "vendor"), { recursive: true });
    const p = await context.newPage();
    await p.goto(pathToFileURL(report.page).href);
    await p.waitForLoadState("load");
    assert.equal(await p.locator(".chart img").count(), report.figures.length);
    assert.equal(await p.locator(".chart.interactive").count(), 0);
    // The SVG fallback is displayed (loaded, with its size).
    await p.waitForFunction(
      `[...document.querySelectorAll(".chart img")].every((img) => img.complete && img.naturalWidth > 100)`,
      undefined,
      { timeout: 10_000 },
    );
    await p.close();
  });
});
