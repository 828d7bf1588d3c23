#!/usr/bin/env node
// npm's install step for memonet: keeps the prebuilt native addon where the package ships one
// that loads on this machine (linux-x64, linux-arm64), else builds the addon from source
// (scripts/build-native.mjs: node-gyp, g++ and Node's headers), else leaves memonet on its
// WebAssembly kernels. Never fails the install. (npm ≥ 11 runs a dependency's install script
// only when the project allows it, `npm install --allow-scripts=memonet`; without it the
// prebuilt addon is used as shipped, and where none fits, WebAssembly.)
//
// Usage: node scripts/install-native.mjs

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { cppDir, root } from "./native-toolchain.mjs";

const require = createRequire(import.meta.url);

/** The addon node-gyp-build resolves in cpp/ (local build, else prebuild), or undefined. */
function resolved() {
  try {
    return require("node-gyp-build").path(cppDir);
  } catch {
    return undefined;
  }
}

/** Whether an addon file loads in a fresh process (a bad binary cannot take this one down). */
function loads(file) {
  const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(file)}).tables()`], {
    encoding: "utf8",
  });
  return { ok: r.status === 0, why: (r.stderr || "").trim().split("\n")[0] };
}

const found = resolved();
const check = found ? loads(found) : { ok: false, why: "" };
if (found && check.ok) {
  console.error(`memonet: native kernels: ${found.slice(root.length + 1)}`);
} else {
  if (found) console.error(`memonet: note: ${found} does not load here (${check.why})`);
  else
    console.error(`memonet: no prebuilt native kernels for ${platform()}-${arch()}; building them`);
  spawnSync(process.execPath, [join(root, "scripts", "build-native.mjs")], { stdio: "inherit" });
}
