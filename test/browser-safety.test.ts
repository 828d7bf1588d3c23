// The algorithm, model, RNG, kernel and data modules must bundle for a browser: no Node built-ins.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../../src/", import.meta.url));
const BROWSER_SAFE = ["dfg", "random", "ops", "backends", "data", "util", "vys", "geometry"];
/**
 * Node-only parts of the browser-safe folders: the native addon's TypeScript side and the
 * WebAssembly backend's Node.js worker threads (a page supplies Web Workers instead).
 */
const NODE_PARTS = [join("backends", "native"), join("backends", "wasm", "node")];
const NODE_ONLY =
  /from\s+"(node:[^"]+|fs|path|os|zlib|worker_threads|child_process|crypto)(\/[^"]*)?"|\bprocess\.|\bBuffer\b|\brequire\(/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

test("browser-safe modules import nothing Node-specific", () => {
  const files = BROWSER_SAFE.flatMap((d) => sources(join(src, d))).filter(
    (f) => !NODE_PARTS.some((part) => f.startsWith(join(src, part))),
  );
  files.push(join(src, "browser.ts"), join(src, "errors.ts"), join(src, "validation.ts"));
  assert.ok(files.length > 15);
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const imports = text.match(/^(import|export)[^;]*from\s+"[^"]+";/gms) ?? [];
    for (const statement of imports) {
      assert.doesNotMatch(statement, NODE_ONLY, `${file}: ${statement}`);
      const target = /from\s+"([^"]+)"/.exec(statement)?.[1] ?? "";
      assert.ok(
        !target.includes("/node/") && !target.includes("/cli/"),
        `${file} imports ${target}`,
      );
    }
    assert.doesNotMatch(text.replace(/\/\/.*$/gm, ""), /\bprocess\.|\bBuffer\.|\brequire\(/, file);
  }
});
