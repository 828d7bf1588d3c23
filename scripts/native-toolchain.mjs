// What building the native addon needs, shared by build-native.mjs (the local build) and
// prebuild-native.mjs (the binaries shipped in the npm package): where the C++ sources are, a hash
// of them, node-gyp, and Node's headers. Nothing here downloads anything.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The addon's sources (binding.gyp, kernels.cc, headers, simd/). */
export const cppDir = join(root, "src", "backends", "native", "cpp");

/** The files that make up the addon, relative to cppDir, sorted. */
export function addonSources() {
  return [
    ...readdirSync(cppDir).filter((f) => /\.(cc|h)$/.test(f) || f === "binding.gyp"),
    ...readdirSync(join(cppDir, "simd")).map((f) => join("simd", f)),
  ].sort();
}

/** sha256 over the addon's sources, this Node.js version and the given extra strings. */
export function sourceHash(...extra) {
  const h = createHash("sha256");
  for (const f of addonSources()) h.update(readFileSync(join(cppDir, f)));
  h.update(process.version);
  for (const e of extra) h.update(e);
  return h.digest("hex");
}

/** node-gyp: the one npm runs scripts with, else the copy bundled with npm, else on PATH. */
export function nodeGypCommand() {
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

/**
 * Node's headers: npm's nodedir setting, else the installation prefix of this node binary when
 * it has include/node (Debian's nodejs, the official tarballs); undefined where neither has them
 * (node-gyp would then look in its cache, and download only if allowed to).
 */
export function nodedir() {
  const configured = process.env.npm_config_nodedir;
  if (configured) return configured;
  const prefix = resolve(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : undefined;
}

/** Whether a command is on PATH. */
export function hasCommand(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** The first line of `cmd --version` ("" when it does not run). */
export function toolVersion(cmd) {
  const r = spawnSync(cmd, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0] : "";
}

/** The ELF machine of a shared object (62 x86-64, 183 aarch64), or undefined if not ELF. */
export function elfMachine(file) {
  const b = readFileSync(file);
  if (b.length < 20 || b.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return b[5] === 1 ? b.readUInt16LE(18) : b.readUInt16BE(18);
}
