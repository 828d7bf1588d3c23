#!/usr/bin/env node
// Builds the optional native kernels (src/backends/native/cpp/kernels.cc) with node-gyp against the local Node.js
// headers. Never fails the build: where no compiler, headers or node-gyp are available, memonet
// falls back to its WebAssembly kernels, and this script only says so. Skips the compile when
// the sources and the Node.js version are unchanged (a hash is kept beside the addon).
//
// Usage: node scripts/build-native.mjs [--force]

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "src", "backends", "native", "cpp");
const addon = join(dir, "build", "Release", "memonet_native.node");
const stamp = join(dir, "build", "source.hash");

function sourceHash() {
  const h = createHash("sha256");
  const sources = [
    ...readdirSync(dir).filter((f) => /\.(cc|h)$/.test(f) || f === "binding.gyp"),
    ...readdirSync(join(dir, "simd")).map((f) => join("simd", f)),
  ];
  for (const f of sources.sort()) h.update(readFileSync(join(dir, f)));
  h.update(process.version);
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest("hex");
}

/** node-gyp: the one npm runs scripts with, else the copy bundled with npm, else on PATH. */
function nodeGypCommand() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const bundled = resolve(
    dirname(process.execPath),
    "..",
    "lib",
    "node_modules",
    "npm",
    "node_modules",
    "node-gyp",
    "bin",
    "node-gyp.js",
  );
  if (existsSync(bundled)) return [process.execPath, bundled];
  return ["node-gyp"];
}

/** Node's headers: npm's nodedir setting, else the installation prefix of this node binary. */
function nodedirArgs() {
  const configured = process.env.npm_config_nodedir;
  if (configured) return [`--nodedir=${configured}`];
  const prefix = resolve(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? [`--nodedir=${prefix}`] : [];
}

const hash = sourceHash();
if (
  !process.argv.includes("--force") &&
  existsSync(addon) &&
  existsSync(stamp) &&
  readFileSync(stamp, "utf8") === hash
) {
  process.exit(0);
}
const [cmd, ...pre] = nodeGypCommand();
const r = spawnSync(cmd, [...pre, "rebuild", ...nodedirArgs()], {
  cwd: dir,
  encoding: "utf8",
  env: { ...process.env },
});
if (r.status === 0 && existsSync(addon)) {
  writeFileSync(stamp, hash);
  console.error("memonet: native kernels built");
} else {
  const why = (r.stderr || r.error?.message || "")
    .split("\n")
    .filter((l) => /error/i.test(l))
    .slice(0, 3);
  console.error(
    "memonet: note: the native kernels could not be built; the WebAssembly kernels will be used." +
      (why.length ? `\n  ${why.join("\n  ")}` : ""),
  );
}
