// Shared harness of the browser tests and the page benchmark (not a test file itself): builds
// the playground once with Vite, serves it on localhost (with or without the cross-origin
// isolation headers) and drives Debian's Chromium through playwright-core (never downloaded).

import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests are skipped here, or false when they can run. */
export const SKIP_BROWSER: string | false = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`;

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Builds the page into a fresh temporary directory; returns it. */
export async function buildPage(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "memonet-web-"));
  const { build } = await import("vite");
  await build({
    configFile: join(root, "web", "vite.config.ts"),
    logLevel: "silent",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** A static file server on localhost; `isolated` adds COOP/COEP (for SharedArrayBuffer). */
export async function servePage(
  dir: string,
  isolated: boolean,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const headers: Record<string, string> = {
          "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        };
        if (isolated) {
          headers["Cross-Origin-Opener-Policy"] = "same-origin";
          headers["Cross-Origin-Embedder-Policy"] = "require-corp";
        }
        res.writeHead(200, headers).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, server };
}

/** A headless Chromium with a fresh profile; close() removes the profile. */
export async function launchBrowser(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), "memonet-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Page errors and console errors seen on `page` (the tests fail when any appear). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console error: ${message.text()}`);
  });
  return errors;
}

/** Waits until the page has completed `count` fits and is idle. */
export async function waitForFits(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    `Number(document.body.dataset.fits) >= ${count} && document.body.dataset.busy !== "1"`,
    undefined,
    { timeout: 60_000 },
  );
}

/** The text of a statistic of the stats table. */
export async function stat(page: Page, key: string): Promise<string> {
  return (await page.locator(`[data-stat="${key}"]`).getAttribute("data-value")) ?? "";
}

/** Sets a range or number input and fires its input and change events. */
export async function setInput(page: Page, id: string, value: string): Promise<void> {
  // A string, evaluated in the page (this file is compiled without the DOM types).
  await page.evaluate(
    `(() => { const el = document.getElementById(${JSON.stringify(id)});
      el.value = ${JSON.stringify(value)};
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true })); })()`,
  );
}
