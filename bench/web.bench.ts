// `npm run bench:web`: how fast the playground redraws in Chromium. Builds the page, fits 1000
// Two Moons points at n = 500, moves the λ slider K times (default 9) and reports the medians of
// the page's own timings: fit (worker), grid (regions + decision of every cell) and the whole
// update from the slider event to the redrawn picture. With and without cross-origin isolation.
// Options: --moves K, --screenshot FILE (the picture after the first fit, for the README).

import { rm } from "node:fs/promises";
import {
  buildPage,
  collectErrors,
  launchBrowser,
  servePage,
  setInput,
  SKIP_BROWSER,
  stat,
  waitForFits,
} from "../test/webHarness.js";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (SKIP_BROWSER) {
    console.log(SKIP_BROWSER);
    return;
  }
  const moves = Number(option("--moves") ?? 9);
  const screenshot = option("--screenshot");
  const dist = await buildPage();
  const browser = await launchBrowser();
  try {
    for (const isolated of [true, false]) {
      const { url, server } = await servePage(dist, isolated);
      const page = await browser.context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${url}?preset=moons&N=1000&noise=0.05&n=500&lambda=1&seed=0`);
      await waitForFits(page, 1);
      if (screenshot !== undefined && isolated) {
        await page.locator("#app").screenshot({ path: screenshot });
      }
      const fit: number[] = [];
      const grid: number[] = [];
      const update: number[] = [];
      const draw: number[] = [];
      for (let k = 1; k <= moves; k++) {
        await setInput(page, "lambda", (k % 2 === 0 ? 1 : 0.95).toFixed(2));
        await waitForFits(page, k + 1);
        update.push(Number(await stat(page, "update-ms")));
        draw.push(Number(await stat(page, "draw-ms")));
        const times = /([\d.]+) ms \(grid ([\d.]+) ms\)/.exec(await stat(page, "fit-ms"));
        fit.push(Number(times?.[1]));
        grid.push(Number(times?.[2]));
      }
      const backend = await stat(page, "backend");
      console.log(
        `${isolated ? "COOP/COEP   " : "no isolation"}: kernels ${backend}; medians of ${moves} ` +
          `slider moves: fit ${median(fit).toFixed(1)} ms, grid ${median(grid).toFixed(1)} ms, ` +
          `drawing ${median(draw).toFixed(1)} ms, ` +
          `update (slider -> picture) ${median(update).toFixed(1)} ms ` +
          `[min ${Math.min(...update).toFixed(1)}, max ${Math.max(...update).toFixed(1)}]`,
      );
      if (errors.length > 0) throw new Error(errors.join("\n"));
      await page.close();
      server.close();
    }
  } finally {
    await browser.close();
    await rm(dist, { recursive: true, force: true });
  }
}

await main();
