// The native backend: C++ kernels (native/kernels.cc, AVX-512 where the CPU has it, a thread
// pool over all cores) built by scripts/build-native.mjs with node-gyp. Importing this module
// registers the backend as "native" (priority above wasm) and its kernels (all of them but ReLU
// scoring); where the addon was not built or does not load, "auto" falls back to WebAssembly.
// Arguments arrive validated by the ops (src/ops/). Node.js only.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { registerBackend, registerKernel, type BackendInstance } from "../registry.js";
import { HeapWorkspace } from "../reference/workspace.js";
import type { DenseLayerT, KernelSignatures, Workspace } from "../types.js";

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

/** Path of the built addon, relative to this module (dist/src/backends/native → native/build). */
export const NATIVE_ADDON_PATH = fileURLToPath(
  new URL("../../../../native/build/Release/memonet_native.node", import.meta.url),
);

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
  Omit<KernelSignatures, "reluMinMany" | "reluBelow" | "reluAnyBelow">;

/** Loads the addon and wraps it; throws when it is missing or does not load. */
export function createNativeKernels(path = NATIVE_ADDON_PATH): NativeKernels {
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
      // Not argument validation: the op checks W, and W^T is only read (and built) here.
      if (weightsT.length < layer.dim * layer.width) fail("firstLayer", "weightsT is too short");
      addon.firstLayer(x, rows, layer.dim, layer.weights, weightsT, ...args);
    }
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
      const r = addon.separation(
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
      checkResult("maskedAnyBelow", r);
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
      checkResult("maskedMinMany", r);
    },
    maskedBelow(bits, mask, rows, count, bound, out) {
      if (Number.isNaN(bound)) return 0;
      const r = addon.maskedBelow(bits.data, bits.wordsPerRow, mask, rows, count, bound, out);
      return checkResult("maskedBelow", r);
    },
  };
  const info = addon.info();
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
