// The README's TypeScript examples type-check against the package as users import it: every
// ```ts block is written as its own module inside the package (so `from "memonet"` resolves to
// the built package through its "exports") and compiled with the project's compiler options.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The ```ts blocks of the README with the line each starts on. */
function tsBlocks(text: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```ts") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

test("every TypeScript example of the README compiles against the package", () => {
  const blocks = tsBlocks(readFileSync(join(root, "README.md"), "utf8"));
  assert.ok(blocks.length >= 7, `found ${blocks.length} blocks`);
  const dir = join(root, "dist", "readme-snippets");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.map((b) => {
    const file = join(dir, `readme-line-${b.line}.ts`);
    // `export {}` makes even an import-free block a module (top-level await is allowed).
    writeFileSync(file, `${b.code}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts"],
    types: ["node"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file && d.start !== undefined
        ? (() => {
            const { line } = d.file.getLineAndCharacterOfPosition(d.start);
            const block = /readme-line-(\d+)\.ts$/.exec(d.file.fileName);
            return block ? `README.md line ${Number(block[1]) + line}` : d.file.fileName;
          })()
        : "";
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
  assert.deepEqual(problems, []);
  // The check can fail: a block with a wrong call is reported.
  const wrong = join(dir, "wrong.ts");
  writeFileSync(wrong, `import { networkToJson } from "memonet";\nnetworkToJson(42);\n`);
  const bad = ts.createProgram([wrong], program.getCompilerOptions());
  const messages = ts
    .getPreEmitDiagnostics(bad)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  assert.match(messages.join("\n"), /not assignable to parameter of type 'NetworkDocument'/);
});
