// The layering of the source tree, checked on the imports of every module: data knows no models,
// the kernels know no models, the two constructions know neither each other nor the CLI, and
// plots turn results and inspection data into figures (type imports aside, they read no data
// sets and fit nothing; writing the finished files goes through the shared file module).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const src = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

interface Import {
  readonly file: string;
  /** Top-level folder (or file) of src the import points to, e.g. "data" or "errors.ts". */
  readonly target: string;
  readonly path: string;
  readonly typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".generated.ts") ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const out: Import[] = [];
  const re = /^(import|export)\s+(type\s+)?[^;]*?from\s+"(\.{1,2}\/[^"]+)"/gms;
  for (const m of text.matchAll(re)) {
    const abs = join(dirname(file), m[3]);
    const rel = relative(src, abs).split("/");
    out.push({
      file: relative(src, file),
      target: rel[0].replace(/\.js$/, ".ts"),
      path: rel.join("/"),
      typeOnly: m[2] !== undefined,
    });
  }
  return out;
}

function folderImports(folder: string): Import[] {
  return sources(join(src, folder)).flatMap(importsOf);
}

function assertNone(imports: Import[], forbidden: readonly string[], rule: string): void {
  const bad = imports.filter((i) => forbidden.includes(i.target));
  assert.deepEqual(
    bad.map((i) => `${i.file} -> ${i.path}`),
    [],
    rule,
  );
}

const MODELS = ["dfg", "vys", "geometry", "baselines", "export"];
const TOP = ["cli", "sweeps", "plots", "node"];

test("data knows no models, kernels, experiments, plots or CLI", () => {
  assertNone(folderImports("data"), [...MODELS, ...TOP, "ops", "backends"], "data");
});

test("the kernels (ops, backends) know no models", () => {
  for (const folder of ["ops", "backends"]) {
    assertNone(
      folderImports(folder).filter((i) => !i.file.startsWith("backends/native/")),
      [...MODELS, "cli", "sweeps", "plots", "node"],
      folder,
    );
  }
});

test("the two constructions know neither each other nor the CLI, experiments or plots", () => {
  assertNone(folderImports("dfg"), ["vys", ...TOP, "geometry", "baselines"], "DFG");
  assertNone(folderImports("vys"), ["dfg", ...TOP, "geometry", "baselines"], "VYS");
});

test("plots know only results and inspection data", () => {
  const imports = folderImports("plots").filter((i) => !i.typeOnly);
  const allowed = new Set(["plots", "sweeps", "errors.ts", "util"]);
  const bad = imports.filter(
    (i) =>
      !allowed.has(i.target) &&
      i.path !== "node/files.js" &&
      !(
        i.target === "sweeps" &&
        /sweeps\/(boundary|datasets|figureData|runner|reproduce)/.test(i.path)
      ),
  );
  assert.deepEqual(
    bad.map((i) => `${i.file} -> ${i.path}`),
    [],
  );
  const fitting = imports.filter((i) =>
    /sweeps\/(boundary|datasets|figureData|runner|reproduce)/.test(i.path),
  );
  assert.deepEqual(
    fitting.map((i) => `${i.file} -> ${i.path}`),
    [],
    "plots import no data loading or fitting (only types of boundary data)",
  );
});
