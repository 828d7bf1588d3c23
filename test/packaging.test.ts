// The npm package as a user gets it: prebuilt native addons (scripts/prebuild-native.mjs) packed by
// `npm pack`, installed offline into a scratch project by `npm ci --offline` (its lockfile is this
// project's, less the dev dependencies, so every tarball comes from the npm cache that this
// project's own `npm ci` filled), then fits there: on the prebuilt addon as installed (npm ≥ 11
// runs no dependency's install script unless allowed), after the install step with the prebuild
// removed and no compiler (WebAssembly), and after it with a compiler (built from source).
// dist/ is the one the test runs from (`npm test` builds it), so `npm pack --ignore-scripts`
// packs it without its prepack step (`npm run build` plus the prebuilds, done here directly).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const tuple = `${process.platform}-${process.arch}`;
const hostHasPrebuild = tuple === "linux-x64" || tuple === "linux-arm64";
const crossArch = process.arch === "x64" ? "arm64" : "x64";
const crossCxx = process.arch === "x64" ? "aarch64-linux-gnu-g++" : "x86_64-linux-gnu-g++";

/** The environment without the npm_* variables of an enclosing `npm test` (its prefix, its
 * script's settings), keeping the npm cache it uses. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) || /^npm_config_cache$/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv()): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} (in ${cwd})\n${r.stdout}\n${r.stderr}`);
  return r;
}

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [field: string]: unknown;
}

/** The scratch project's lockfile: this project's runtime packages, and memonet from the tarball. */
function scratchLock(tarball: string, integrity: string): object {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    version: string;
    license: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
    engines: Record<string, string>;
  };
  const packages: Record<string, LockEntry> = {
    "": { name: "scratch", dependencies: { memonet: `file:${tarball}` } },
    "node_modules/memonet": {
      version: pkg.version,
      resolved: `file:${tarball}`,
      integrity,
      hasInstallScript: true,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  // This project's lockfile may omit the tarball addresses (npm's
  // omit-lockfile-registry-resolved): without one, npm would ask the registry for the package's
  // metadata, so name the registry's tarball (npm then takes it from its cache by integrity).
  const registry = run("npm", ["config", "get", "registry"], root).stdout.trim().replace(/\/$/, "");
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || entry.dev) continue;
    const { devOptional, ...rest } = entry;
    const name = typeof entry.name === "string" ? entry.name : path.split("node_modules/").pop()!;
    const resolved =
      entry.resolved ??
      `${registry}/${name}/-/${name.split("/").pop()}-${String(entry.version)}.tgz`;
    packages[path] = { ...rest, resolved, ...(devOptional ? { optional: true } : {}) };
  }
  // Where a dev-only package held the top-level place of a name, npm would hoist the nested copy
  // there (@tensorflow/tfjs's dist requires tfjs-core's "long" from the top): do the same.
  for (const path of Object.keys(packages)) {
    const top = `node_modules/${path.split("/node_modules/").pop()}`;
    if (path.includes("/node_modules/") && !(top in packages)) {
      const nested = `${path}/node_modules/`;
      if (Object.keys(packages).some((p) => p.startsWith(nested))) continue;
      packages[top] = packages[path];
      delete packages[path];
    }
  }
  return { name: "scratch", lockfileVersion: 3, requires: true, packages };
}

/** `memonet fit --json` in the scratch project: its reported backend, and the model file. */
function fit(
  scratch: string,
  env = cleanEnv(),
  backend = "auto",
): { backend: string; model: string } {
  const out = join(scratch, `model-${backend}.json`);
  const r = run(
    process.execPath,
    [
      "node_modules/memonet/bin/memonet.js",
      "fit",
      ...["--data", "mnist", "--classes", "1,9", "--size", "2000", "--n", "400"],
      ...["--lambda", "0.5", "--backend", backend, "--out", out, "--json", "--no-progress"],
    ],
    scratch,
    env,
  );
  const summary = JSON.parse(r.stdout) as { info: { backend: string; interpolates: boolean } };
  assert.equal(summary.info.interpolates, true);
  return { backend: summary.info.backend, model: readFileSync(out, "utf8") };
}

test(
  "npm pack + offline install: the prebuilt native addon fits; the install step falls back to source, then WebAssembly",
  {
    skip: (!hostHasPrebuild && `no prebuild for ${tuple}`) || (!has("g++") && "g++ not installed"),
    timeout: 600_000,
  },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "memonet-pack-"));
    try {
      // The prebuilds: the host's, and the other architecture's where its cross compiler is here.
      const cross = has(crossCxx);
      const arches = cross ? "x64,arm64" : process.arch;
      run(
        process.execPath,
        ["scripts/prebuild-native.mjs", "--arch", arches, "--require-all"],
        root,
      );

      const packed = run(
        "npm",
        ["pack", "--ignore-scripts", "--json", "--pack-destination", dir],
        root,
      );
      const [info] = JSON.parse(packed.stdout) as {
        filename: string;
        integrity: string;
        files: { path: string }[];
      }[];
      const files = info.files.map((f) => f.path);
      const prebuild = (t: string) => `src/backends/native/cpp/prebuilds/${t}/memonet.glibc.node`;
      assert.ok(files.includes(prebuild(tuple)), `the package lacks ${prebuild(tuple)}`);
      if (cross) assert.ok(files.includes(prebuild(`linux-${crossArch}`)));
      assert.ok(files.includes("src/backends/native/cpp/kernels.cc"));
      assert.ok(files.includes("scripts/install-native.mjs"));
      assert.ok(!files.some((f) => f.includes("cpp/build/")), "a local build was packed");

      const scratch = join(dir, "scratch");
      run("mkdir", ["-p", scratch], dir);
      const tarball = `../${info.filename}`;
      writeFileSync(
        join(scratch, "package.json"),
        JSON.stringify({
          name: "scratch",
          private: true,
          dependencies: { memonet: `file:${tarball}` },
        }),
      );
      writeFileSync(
        join(scratch, "package-lock.json"),
        JSON.stringify(scratchLock(tarball, info.integrity)),
      );
      run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], scratch);
      const installed = join(
        scratch,
        "node_modules",
        "memonet",
        "src",
        "backends",
        "native",
        "cpp",
      );
      assert.ok(existsSync(join(installed, prebuild(tuple).split("cpp/")[1])));

      // As installed (the prebuild, no local build), and bit for bit the WebAssembly model.
      assert.ok(!existsSync(join(installed, "build")), "npm ran the install step unasked");
      const native = fit(scratch);
      assert.match(native.backend, /^native \((avx512|avx2|neon|portable), \d+ threads\)$/);
      const wasm = fit(scratch, cleanEnv(), "wasm");
      assert.match(wasm.backend, /^wasm/);
      assert.equal(native.model, wasm.model, "the prebuilt addon's model differs from wasm's");

      // The install step keeps a prebuild that loads.
      const step = ["node_modules/memonet/scripts/install-native.mjs"];
      const kept = run(process.execPath, step, scratch);
      assert.match(kept.stderr, new RegExp(`prebuilds/${tuple}/memonet\\.glibc\\.node`));
      assert.ok(!existsSync(join(installed, "build", "Release")));

      // No prebuild and no working compiler: the step succeeds and memonet runs WebAssembly.
      rmSync(join(installed, "prebuilds"), { recursive: true });
      const noCompiler = cleanEnv({ CXX: "false", CC: "false" });
      const failed = run(process.execPath, step, scratch, noCompiler);
      assert.match(failed.stderr, /could not be built here/);
      assert.match(fit(scratch).backend, /^wasm/);

      // No prebuild, a compiler: the step builds the addon from source, and native runs again.
      const built = run(process.execPath, step, scratch);
      assert.match(built.stderr, /native kernels built/);
      const source = fit(scratch);
      assert.match(source.backend, /^native \(/);
      assert.equal(source.model, native.model);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
