// The native backend: C++ kernels (cpp/: one kernel table per instruction set, avx512, avx2,
// neon or portable, chosen when a context is made; a thread pool over all cores). The addon is
// found by node-gyp-build's resolution in cpp/: the local build (cpp/build/Release, made by
// scripts/build-native.mjs with node-gyp) first, else the prebuilt binary for this platform that
// the npm package ships (cpp/prebuilds/linux-x64, linux-arm64; scripts/prebuild-native.mjs).
// Importing this module registers the backend as "native" (priority above wasm) and its kernels
// (all of them but ReLU scoring); where no addon is found or it does not load, "auto" falls back
// to WebAssembly. Arguments arrive validated by the ops (src/ops/). Node.js only.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { registerBackend, registerKernel, type BackendInstance } from "../registry.js";
import { HeapWorkspace } from "../reference/workspace.js";
import type { DenseLayerT, KernelSignatures, Workspace } from "../types.js";

/** The first-layer call's options (see cpp/kernels.cc). */
interface FirstLayerOptions {
  x: Float32Array;
  rows: number;
  dim: number;
  weights: Float32Array;
  width: number;
  bias: Float32Array;
  bits: Uint32Array | null;
  wordsPerRow: number;
  values: Float32Array | null;
  rowOffset: number;
}

/** One context of the addon: its kernel table, thread pool and scratch buffers. */
interface NativeContext {
  firstLayer(options: FirstLayerOptions): void;
  maskedMinMany(
    bits: Uint32Array,
    wordsPerRow: number,
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Int32Array,
  ): number;
  maskedBelow(
    bits: Uint32Array,
    wordsPerRow: number,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number;
  separation(
    bits: Uint32Array,
    wordsPerRow: number,
    validBits: number,
    negativeRows: Int32Array,
    positiveRows: Int32Array,
    stopAtFirstFailure: boolean,
    out: Float64Array,
  ): number;
  maskedAnyBelow(
    bits: Uint32Array,
    wordsPerRow: number,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): number;
  sampleHyperplanes(
    state: Float64Array,
    dim: number,
    count: number,
    lambda: number,
    weights: Float32Array,
    bias: Float32Array,
  ): void;
  coverage(
    bits: Uint32Array,
    wordsPerRow: number,
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): number;
  info(): { simd: string; threads: number };
  close(): void;
}

/** A kernel table compiled into the addon, and whether this CPU runs it. */
export interface NativeTable {
  readonly name: string;
  readonly supported: boolean;
}

/** What the addon exports (see cpp/kernels.cc). */
interface NativeAddon {
  tables(): NativeTable[];
  Context: new (simd: string, threads: number) => NativeContext;
}

/** The addon's folder, relative to this module (dist/src/backends/native → src/backends/native/cpp). */
export const NATIVE_ADDON_DIR = fileURLToPath(
  new URL("../../../../src/backends/native/cpp/", import.meta.url),
);

const requireCjs = createRequire(import.meta.url);
/** node-gyp-build's resolution: build/Release, then prebuilds/<platform>-<arch> (libc tagged). */
const nodeGypBuild = requireCjs("node-gyp-build") as { path(dir: string): string };

/**
 * The addon file this platform uses in `dir`: the local build, else the matching prebuild, else
 * null (nothing built or shipped for this platform).
 */
export function resolveNativeAddon(dir = NATIVE_ADDON_DIR): string | null {
  try {
    return nodeGypBuild.path(dir);
  } catch {
    return null;
  }
}

/**
 * Path of the addon that loads (see resolveNativeAddon); where there is none, the path a local
 * build would have, which does not exist.
 */
export const NATIVE_ADDON_PATH =
  resolveNativeAddon() ?? join(NATIVE_ADDON_DIR, "build", "Release", "memonet_native.node");

function fail(kernel: string, message: string): never {
  throw new Error(`native.${kernel}: ${message}`);
}

/** The addon's "-1 - t" answer (rows[t] is not a row): the ops check rows, so this is a bug. */
function checkResult(kernel: string, result: number): number {
  if (result < 0) fail(kernel, `the addon refused row index ${-1 - result} that the op accepted`);
  return result;
}

/** The kernels of the native backend, and its instance (name and workspaces). */
export type NativeKernels = BackendInstance &
  Omit<KernelSignatures, "reluMinMany" | "reluBelow" | "reluAnyBelow" | "reluCoverage">;

function loadAddon(path: string): NativeAddon {
  if (!existsSync(path)) {
    throw new Error(
      `native backend: no addon for ${process.platform}-${process.arch} (${path} is not built: ` +
        `npm run build builds it where g++ works; the npm package ships linux-x64 and linux-arm64)`,
    );
  }
  return requireCjs(path) as NativeAddon;
}

/** The addon's kernel tables, fastest first; "auto" takes the first this CPU supports. */
export function nativeTables(path = NATIVE_ADDON_PATH): NativeTable[] {
  return loadAddon(path).tables();
}

/** Options of createNativeKernels. */
export interface NativeOptions {
  /** Kernel table ("auto", "avx512", "avx2", "neon", "portable"); default MEMONET_SIMD or auto. */
  readonly simd?: string;
  /** Threads of the context's pool; default MEMONET_THREADS or all cores. */
  readonly threads?: number;
}

/**
 * Loads the addon and wraps one context of it; throws when it is missing, does not load, or the
 * kernel table asked for is not one this CPU runs (the error names those it runs).
 */
export function createNativeKernels(
  path = NATIVE_ADDON_PATH,
  options: NativeOptions = {},
): NativeKernels {
  const addon = loadAddon(path);
  const simd = options.simd ?? (process.env.MEMONET_SIMD || "auto");
  const ctx = new addon.Context(simd, options.threads ?? 0);
  const stopBound = (v: number) =>
    Number.isNaN(v) ? -(2 ** 31) : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.floor(v)));
  // The addon reads W (weight panels packed from it): W^T is never computed for it.
  const runFirstLayer = (
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    bits: Uint32Array | null,
    wordsPerRow: number,
    values: Float32Array | null,
    rowOffset: number,
  ) => {
    const { dim, width, weights, bias } = layer;
    ctx.firstLayer({ x, rows, dim, weights, width, bias, bits, wordsPerRow, values, rowOffset });
  };
  const kernels: NativeKernels = {
    name: `native`,
    workspace: (): Workspace => new HeapWorkspace(),
    thresholdLayer(x, rows, layer, out, outRowOffset) {
      runFirstLayer(x, rows, layer, out.data, out.wordsPerRow, null, outRowOffset);
    },
    reluLayer(x, rows, layer, out, outRowOffset) {
      runFirstLayer(x, rows, layer, null, 0, out, outRowOffset);
    },
    separation(bits, negativeRows, positiveRows, stopAtFirstFailure) {
      const out = new Float64Array(4);
      const r = ctx.separation(
        bits.data,
        bits.wordsPerRow,
        bits.bits,
        negativeRows,
        positiveRows,
        stopAtFirstFailure,
        out,
      );
      checkResult("separation", r);
      return {
        maxFirst: out[0],
        unseparated: out[1],
        exampleNegative: out[2],
        examplePositive: out[3],
      };
    },
    maskedAnyBelow(bits, masks, thresholds, maskCount, rows, count, out) {
      const r = ctx.maskedAnyBelow(
        bits.data,
        bits.wordsPerRow,
        masks,
        thresholds,
        maskCount,
        rows,
        count,
        out,
      );
      checkResult("maskedAnyBelow", r);
    },
    sampleHyperplanes(state, dim, count, lambda, weights, bias) {
      ctx.sampleHyperplanes(state, dim, count, lambda, weights, bias);
    },
    maskedMin(bits, mask, rows, count, stopAt) {
      const out = new Int32Array(1);
      kernels.maskedMinMany(bits, mask, 1, rows, count, stopAt, out);
      return out[0];
    },
    maskedMinMany(bits, masks, maskCount, rows, count, stopAt, out) {
      const r = ctx.maskedMinMany(
        bits.data,
        bits.wordsPerRow,
        masks,
        maskCount,
        rows,
        count,
        stopBound(stopAt),
        out,
      );
      checkResult("maskedMinMany", r);
    },
    maskedBelow(bits, mask, rows, count, bound, out) {
      if (Number.isNaN(bound)) return 0;
      const r = ctx.maskedBelow(bits.data, bits.wordsPerRow, mask, rows, count, bound, out);
      return checkResult("maskedBelow", r);
    },
    coverage(bits, masks, maskCount, bounds, rows, count, out) {
      const r = ctx.coverage(
        bits.data,
        bits.wordsPerRow,
        masks,
        maskCount,
        bounds,
        rows,
        count,
        out,
      );
      checkResult("coverage", r);
    },
  };
  const info = ctx.info();
  return { ...kernels, name: `native (${info.simd}, ${info.threads} threads)` };
}

registerBackend("native", 20, () => createNativeKernels());
registerKernel("native", "thresholdLayer", (b: NativeKernels, ...a) => b.thresholdLayer(...a));
registerKernel("native", "reluLayer", (b: NativeKernels, ...a) => b.reluLayer(...a));
registerKernel("native", "maskedMin", (b: NativeKernels, ...a) => b.maskedMin(...a));
registerKernel("native", "maskedMinMany", (b: NativeKernels, ...a) => b.maskedMinMany(...a));
registerKernel("native", "maskedBelow", (b: NativeKernels, ...a) => b.maskedBelow(...a));
registerKernel("native", "maskedAnyBelow", (b: NativeKernels, ...a) => b.maskedAnyBelow(...a));
registerKernel("native", "separation", (b: NativeKernels, ...a) => b.separation(...a));
registerKernel("native", "sampleHyperplanes", (b: NativeKernels, ...a) =>
  b.sampleHyperplanes(...a),
);
registerKernel("native", "coverage", (b: NativeKernels, ...a) => b.coverage(...a));
