// The native backend: C++ kernels (native/kernels.cc, AVX-512 where the CPU has it, a thread
// pool over all cores) built by scripts/build-native.mjs with node-gyp. Importing this module
// registers the backend as "native" (priority above wasm); where the addon was not built or does
// not load, "auto" falls back to WebAssembly.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { registerBackend } from "../kernels/index.js";
import { HeapWorkspace } from "../kernels/reference.js";
import type { BitMatrix, DenseLayerT, Kernels, Workspace } from "../kernels/types.js";

/** The functions the addon exports (see native/kernels.cc). */
interface NativeAddon {
  firstLayer(
    x: Float32Array,
    rows: number,
    dim: number,
    weights: Float32Array,
    weightsT: Float32Array | null,
    width: number,
    bias: Float32Array,
    outBits: Uint32Array | null,
    wordsPerRow: number,
    outValues: Float32Array | null,
    outRowOffset: number,
  ): number;
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

/** Loads the addon and wraps it as Kernels; throws when it is missing or does not load. */
export function createNativeKernels(path = NATIVE_ADDON_PATH): Kernels {
  if (!existsSync(path)) {
    throw new Error(
      `native backend: ${path} is not built (npm run build builds it where g++ works)`,
    );
  }
  const addon = createRequire(import.meta.url)(path) as NativeAddon;
  const stopBound = (v: number) =>
    Number.isNaN(v) ? -(2 ** 31) : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.floor(v)));
  // The addon reads W; only where it answers 1 (dense data, or no AVX-512) does it need W^T.
  const runFirstLayer = (
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    bits: Uint32Array | null,
    wordsPerRow: number,
    values: Float32Array | null,
    outRowOffset: number,
  ) => {
    const args = [layer.width, layer.bias, bits, wordsPerRow, values, outRowOffset] as const;
    if (addon.firstLayer(x, rows, layer.dim, layer.weights, null, ...args) === 1) {
      const weightsT = layer.weightsT;
      if (weightsT.length < layer.dim * layer.width) fail("firstLayer", "weightsT is too short");
      addon.firstLayer(x, rows, layer.dim, layer.weights, weightsT, ...args);
    }
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
      const r = addon.separation(
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
      const r = addon.maskedAnyBelow(
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
      addon.sampleHyperplanes(state, dim, count, lambda, weights, bias);
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
      const r = addon.maskedMinMany(
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
      const r = addon.maskedBelow(bits.data, bits.wordsPerRow, mask, rows, count, bound, out);
      return checkResult("maskedBelow", r, bits, rows);
    },
  };
  const info = addon.info();
  return { ...kernels, name: `native (${info.simd}, ${info.threads} threads)` };
}

registerBackend("native", 20, () => createNativeKernels());
