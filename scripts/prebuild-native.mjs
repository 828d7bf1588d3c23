#!/usr/bin/env node
// Builds the prebuilt native addons that ship in the npm package, with prebuildify (node-gyp,
// N-API: one binary per platform for every Node.js version) into
// src/backends/native/cpp/prebuilds/<platform>-<arch>/memonet.glibc.node, where node-gyp-build's
// resolution (src/backends/native/index.ts) finds them: linux-x64 and linux-arm64, each with the
// host's g++ when the host is that architecture and with Debian's cross compiler otherwise
// (x86_64-linux-gnu-g++, aarch64-linux-gnu-g++). Node's headers come from the local Node.js
// installation (nothing is downloaded). Each binary is checked to be an ELF object of its
// architecture, and the host's own one to load and list its kernel tables. Skips a target whose
// sources, compiler and Node.js version are unchanged since its last build.
//
// A target whose compiler is missing is skipped with a note, unless --require-all is given or
// npm runs this for `npm publish` (then it is an error: a release ships every target).
//
// Usage: node scripts/prebuild-native.mjs [--arch x64,arm64] [--require-all] [--force] [--verbose]

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch as hostArch, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  cppDir,
  elfMachine,
  hasCommand,
  nodeGypCommand,
  nodedir,
  root,
  sourceHash,
  toolVersion,
} from "./native-toolchain.mjs";

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** The targets: Node's arch name, the GNU triplet's prefix, the ELF machine number. */
const TARGETS = {
  x64: { gnu: "x86_64-linux-gnu", elf: 62 },
  arm64: { gnu: "aarch64-linux-gnu", elf: 183 },
};

/** The compiler tools for a target: the host's for its own architecture, else the cross ones. */
function toolchain(arch) {
  const prefix = arch === hostArch() ? "" : `${TARGETS[arch].gnu}-`;
  return {
    cc: `${prefix}gcc`,
    cxx: `${prefix}g++`,
    ar: `${prefix}ar`,
    strip: `${prefix}strip`,
  };
}

function prebuildify(opts) {
  return new Promise((resolve, reject) =>
    require("prebuildify")(opts, (err) => (err ? reject(err) : resolve())),
  );
}

function fail(message) {
  console.error(`prebuild-native: error: ${message}`);
  process.exit(1);
}

/** Builds one target into prebuilds/linux-<arch>; returns the file or undefined when skipped. */
async function buildTarget(arch, requireAll) {
  const tools = toolchain(arch);
  const outDir = join(cppDir, "prebuilds", `${platform()}-${arch}`);
  const file = join(outDir, "memonet.glibc.node");
  const stamp = join(outDir, "source.hash");
  if (!hasCommand(tools.cxx)) {
    const message = `${tools.cxx} not found: no ${platform()}-${arch} prebuild (Debian: apt-get install g++-${TARGETS[arch].gnu.replace(/_/g, "-")})`;
    if (requireAll) fail(message);
    console.error(`prebuild-native: note: ${message}`);
    return undefined;
  }
  const hash = sourceHash(
    arch,
    toolVersion(tools.cxx),
    readFileSync(fileURLToPath(import.meta.url), "utf8"),
  );
  if (
    !argv.includes("--force") &&
    existsSync(file) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === hash
  ) {
    return file;
  }
  const headers = nodedir();
  if (!headers) fail("Node's headers (include/node/node_api.h) not found beside this node binary");
  // node-gyp rebuilds in its working directory: build a copy of the sources, so that the local
  // build (cpp/build/Release) stays as it is.
  const stage = mkdtempSync(join(tmpdir(), `memonet-prebuild-${arch}-`));
  try {
    cpSync(cppDir, stage, {
      recursive: true,
      filter: (src) => !/[/\\](build|prebuilds|test)$/.test(src),
    });
    const [node, gyp] = nodeGypCommand();
    await prebuildify({
      cwd: stage,
      out: cppDir,
      arch,
      platform: platform(),
      napi: true,
      targets: [process.versions.node],
      name: "memonet",
      tagLibc: true,
      strip: true,
      stripBin: tools.strip,
      nodeGyp: gyp ? `"${node}" "${gyp}"` : node,
      shell: true,
      quiet: !argv.includes("--verbose"),
    }).catch(async (err) => {
      throw new Error(`${err.message} (rerun with --verbose for node-gyp's output)`);
    });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  if (!existsSync(file)) fail(`prebuildify wrote no ${file}`);
  const machine = elfMachine(file);
  if (machine !== TARGETS[arch].elf) {
    fail(`${file} is not an ${arch} ELF object (machine ${machine})`);
  }
  if (arch === hostArch()) {
    const check = spawnSync(
      process.execPath,
      ["-e", `console.log(require(${JSON.stringify(file)}).tables().length)`],
      { encoding: "utf8" },
    );
    if (check.status !== 0) fail(`${file} does not load: ${check.stderr.trim()}`);
  }
  writeFileSync(stamp, hash);
  console.error(`prebuild-native: built ${file.slice(root.length + 1)}`);
  return file;
}

if (platform() !== "linux") fail(`prebuilds are made on Linux (this is ${platform()})`);
const requireAll = argv.includes("--require-all") || process.env.npm_command === "publish";
const arches = (option("--arch") ?? "x64,arm64").split(",");
for (const a of arches) {
  if (!(a in TARGETS)) fail(`--arch: unknown architecture "${a}" (x64, arm64)`);
}
// node-gyp in the staged copy resolves node-addon-api from this package's node_modules.
process.env.NODE_PATH = join(root, "node_modules");
process.env.npm_config_nodedir = nodedir() ?? "";
for (const a of arches) {
  const tools = toolchain(a);
  Object.assign(process.env, { CC: tools.cc, CXX: tools.cxx, LINK: tools.cxx, AR: tools.ar });
  try {
    await buildTarget(a, requireAll);
  } catch (err) {
    fail(`${platform()}-${a}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
