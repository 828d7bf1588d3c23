// The native backend: C++ kernels (native/: one kernel table per instruction set, avx512, avx2,
// neon or portable, chosen when a context is made; a thread pool over all cores) built by scripts/build-native.mjs with node-gyp. Importing this module
// registers the backend as "native" (priority above wasm); where the addon was not built or does
// not load, "auto" falls back to WebAssembly.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { registerBackend } from "../kernels/index.js";
import { HeapWorkspace } from "../kernels/reference.js";
import type { BitMatrix, DenseLayerT, Kernels, Workspace } from "../kernels/types.js";

/** The first-layer call's options (see native/kernels.cc). */
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
  info(): { simd: string; threads: number };
  close(): void;
}

/** A kernel table compiled into the addon, and whether this CPU runs it. */
export interface NativeTable {
  readonly name: string;
  readonly supported: boolean;
}

/** What the addon exports (see native/kernels.cc). */
interface NativeAddon {
  tables(): NativeTable[];
  Context: new (simd: string, threads: number) => NativeContext;
}

/** Path of the built addon, relative to this module (dist/src/node → native/build/Release). */
export const NATIVE_ADDON_PATH = fileURLToPath(
  new URL("../../../native/build/Release/memonet_native.node", import.meta.url),
);

function fail(kernel: string, message: string): never {
  throw new RangeError(`native.${kernel}: ${message}`);
}

function checkCount(kernel: string, rows: Int32Array, count: number): void {
  if (!Number.isInteger(count) || count < 0 || count > rows.length) {
    fail(kernel, `count = ${count} is not an integer in [0, ${rows.length}]`);
  }
}

/** Turns the addon's "-1 - t" (rows[t] is not a row of bits) into an error naming it. */
function checkResult(kernel: string, result: number, bits: BitMatrix, rows: Int32Array): number {
  if (result >= 0) return result;
  const t = -1 - result;
  fail(kernel, `rows[${t}] = ${rows[t]} is not a row of bits (0..${bits.rows - 1})`);
}

function checkLayer(kernel: string, x: Float32Array, rows: number, layer: DenseLayerT): void {
  if (x.length < rows * layer.dim)
    fail(kernel, `x has ${x.length} values, needs ${rows * layer.dim}`);
  if (layer.weights.length < layer.dim * layer.width) fail(kernel, "weights is too short");
  if (layer.bias.length < layer.width) fail(kernel, "bias is too short");
}

function loadAddon(path: string): NativeAddon {
  if (!existsSync(path)) {
    throw new Error(
      `native backend: ${path} is not built (npm run build builds it where g++ works)`,
    );
  }
  return createRequire(import.meta.url)(path) as NativeAddon;
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
 * Loads the addon and wraps one context of it as Kernels; throws when it is missing, does not
 * load, or the kernel table asked for is not one this CPU runs (the error names those it runs).
 */
export function createNativeKernels(
  path = NATIVE_ADDON_PATH,
  options: NativeOptions = {},
): Kernels {
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
  const kernels: Kernels = {
    name: `native`,
    workspace: (): Workspace => new HeapWorkspace(),
    thresholdLayer(x, rows, layer, out, outRowOffset) {
      checkLayer("thresholdLayer", x, rows, layer);
      if (out.data.length < (outRowOffset + rows) * out.wordsPerRow)
        fail("thresholdLayer", "out is too short");
      runFirstLayer(x, rows, layer, out.data, out.wordsPerRow, null, outRowOffset);
    },
    reluLayer(x, rows, layer, out, outRowOffset) {
      checkLayer("reluLayer", x, rows, layer);
      if (out.length < (outRowOffset + rows) * layer.width) fail("reluLayer", "out is too short");
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
      if (r < 0) {
        const t = -1 - r;
        const [list, k] =
          t < negativeRows.length ? [negativeRows, t] : [positiveRows, t - negativeRows.length];
        fail("separation", `row ${list[k]} is not a row of bits (0..${bits.rows - 1})`);
      }
      return {
        maxFirst: out[0],
        unseparated: out[1],
        exampleNegative: out[2],
        examplePositive: out[3],
      };
    },
    maskedAnyBelow(bits, masks, thresholds, maskCount, rows, count, out) {
      checkCount("maskedAnyBelow", rows, count);
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
      checkResult("maskedAnyBelow", r, bits, rows);
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
      checkCount("maskedMinMany", rows, count);
      if (masks.length < maskCount * bits.wordsPerRow) fail("maskedMinMany", "masks is too short");
      if (out.length < maskCount) fail("maskedMinMany", "out is too short");
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
      checkResult("maskedMinMany", r, bits, rows);
    },
    maskedBelow(bits, mask, rows, count, bound, out) {
      checkCount("maskedBelow", rows, count);
      if (mask.length < bits.wordsPerRow) fail("maskedBelow", "mask is too short");
      if (Number.isNaN(bound)) return 0;
      const r = ctx.maskedBelow(bits.data, bits.wordsPerRow, mask, rows, count, bound, out);
      return checkResult("maskedBelow", r, bits, rows);
    },
  };
  const info = ctx.info();
  return { ...kernels, name: `native (${info.simd}, ${info.threads} threads)` };
}

registerBackend("native", 20, () => createNativeKernels());
