// The C++ test program src/backends/native/cpp/test/harness.cc (every kernel table against goldens of the
// TypeScript reference, without Node.js): built and run natively, and cross-compiled for
// aarch64 (the NEON table) and run under qemu where g++-aarch64-linux-gnu and qemu-user-static
// are installed (.ci/run installs them).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const FLAGS = ["-O3", "-std=c++17", "-ffp-contract=off", "-fno-fast-math", "-pthread"];

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function withGoldens(body: (dir: string, goldens: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "memonet-harness-"));
  try {
    const goldens = join(dir, "goldens.bin");
    run(process.execPath, ["scripts/native-goldens.mjs", goldens]);
    body(dir, goldens);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  "native kernel tables of this CPU equal the reference goldens (C++ harness)",
  { skip: !has("g++") && "g++ not installed", timeout: 600_000 },
  () => {
    withGoldens((dir, goldens) => {
      const exe = join(dir, "harness");
      run("g++", [...FLAGS, "src/backends/native/cpp/test/harness.cc", "-o", exe]);
      const out = run(exe, [goldens]);
      assert.match(out, /^ok portable \(1, 2, 3 threads\)$/m);
      assert.match(out, /bit-identical to the reference/);
    });
  },
);

test(
  "the NEON table (aarch64, under qemu) equals the reference goldens",
  {
    skip:
      !(has("aarch64-linux-gnu-g++") && has("qemu-aarch64-static")) &&
      "g++-aarch64-linux-gnu or qemu-user-static not installed",
    timeout: 600_000,
  },
  () => {
    withGoldens((dir, goldens) => {
      const exe = join(dir, "harness-arm64");
      run("aarch64-linux-gnu-g++", [
        ...FLAGS,
        "-static",
        "src/backends/native/cpp/test/harness.cc",
        "-o",
        exe,
      ]);
      const out = run("qemu-aarch64-static", [exe, goldens]);
      assert.match(out, /^ok neon \(1, 2, 3 threads\)$/m);
      assert.match(out, /^ok portable \(1, 2, 3 threads\)$/m);
    });
  },
);
