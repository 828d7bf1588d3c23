#!/usr/bin/env node
// Builds the optional native kernels (src/backends/native/cpp/kernels.cc) with node-gyp against the local Node.js
// headers, into src/backends/native/cpp/build/Release (which the loader prefers over a prebuilt
// binary). Never fails the build: where no compiler, headers or node-gyp are available, memonet
// uses a prebuilt binary if the package has one for this platform and its WebAssembly kernels
// otherwise, and this script only says so. Skips the compile when the sources and the Node.js
// version are unchanged (a hash is kept beside the addon).
//
// Usage: node scripts/build-native.mjs [--force]

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cppDir, nodeGypCommand, nodedir, sourceHash } from "./native-toolchain.mjs";

const addon = join(cppDir, "build", "Release", "memonet_native.node");
const stamp = join(cppDir, "build", "source.hash");

const hash = sourceHash(readFileSync(fileURLToPath(import.meta.url), "utf8"));
if (
  !process.argv.includes("--force") &&
  existsSync(addon) &&
  existsSync(stamp) &&
  readFileSync(stamp, "utf8") === hash
) {
  process.exit(0);
}
const [cmd, ...pre] = nodeGypCommand();
const headers = nodedir();
const r = spawnSync(cmd, [...pre, "rebuild", ...(headers ? [`--nodedir=${headers}`] : [])], {
  cwd: cppDir,
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
    "memonet: note: the native kernels could not be built here; memonet uses its prebuilt ones " +
      "where the package has them for this platform, else WebAssembly." +
      (why.length ? `\n  ${why.join("\n  ")}` : ""),
  );
}
