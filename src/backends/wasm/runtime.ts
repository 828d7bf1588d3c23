// Loading the WebAssembly kernels module: the few WebAssembly API types it needs (the project's
// TypeScript lib has no DOM/WebAssembly declarations), base64 decoding without Buffer (so it runs
// in a browser), and instantiation against a shared memory.

import { decodeBase64 } from "../../util/base64.js";
import { KERNELS_WASM_BASE64, KERNELS_WASM_MAXIMUM_PAGES } from "./kernelsWasm.generated.js";

/** The part of WebAssembly.Memory used here. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}

/** The exports of assembly/kernels.ts (pointers are byte addresses in the shared memory). */
export interface KernelExports {
  maskedMin(
    bits: number,
    wordsPerRow: number,
    nRows: number,
    mask: number,
    rows: number,
    count: number,
    stopAt: number,
  ): number;
  maskedMinMany(
    bits: number,
    wordsPerRow: number,
    nRows: number,
    masks: number,
    maskCount: number,
    rows: number,
    count: number,
    stopAt: number,
    out: number,
  ): number;
  maskedBelow(
    bits: number,
    wordsPerRow: number,
    nRows: number,
    mask: number,
    rows: number,
    count: number,
    bound: number,
    out: number,
  ): number;
  maskedCoverage(
    bits: number,
    wordsPerRow: number,
    nRows: number,
    masks: number,
    maskCount: number,
    bounds: number,
    rows: number,
    count: number,
    out: number,
  ): number;
  collectNonZeros(
    x: number,
    rows: number,
    dim: number,
    width: number,
    nz: number,
    rowStart: number,
  ): number;
  thresholdLayer(
    nz: number,
    rowStart: number,
    rows: number,
    width: number,
    weightsT: number,
    bias: number,
    out: number,
    wordsPerRow: number,
    blockNeurons: number,
  ): void;
  reluLayer(
    nz: number,
    rowStart: number,
    rows: number,
    width: number,
    weightsT: number,
    bias: number,
    out: number,
    blockNeurons: number,
  ): void;
}

/** A loaded module: its exports and the shared memory they address. */
export interface KernelModule {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

const EXPORT_NAMES: readonly (keyof KernelExports)[] = [
  "maskedMin",
  "maskedMinMany",
  "maskedBelow",
  "maskedCoverage",
  "collectNonZeros",
  "thresholdLayer",
  "reluLayer",
];

/** Pages (64 KiB) the memory starts with: 16 MiB. */
const INITIAL_PAGES = 256;

/** Decodes base64 (the one decoder of src/util/base64.ts). */
export { decodeBase64 };

/** The global WebAssembly object, or null when this JavaScript engine has none. */
function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api ?? null;
}

/** A shared memory of `initial` pages, trying smaller maxima when the engine refuses 4 GiB. */
function createSharedMemory(api: WasmApi): WasmMemory {
  let lastError: unknown = null;
  for (let maximum = KERNELS_WASM_MAXIMUM_PAGES; maximum >= 4096; maximum /= 2) {
    try {
      return new api.Memory({ initial: INITIAL_PAGES, maximum, shared: true });
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`cannot create a shared WebAssembly.Memory: ${String(lastError)}`);
}

/**
 * Compiles and instantiates the kernels module (synchronously; it is a few KiB) with a fresh
 * shared memory. Throws an Error saying why when WebAssembly, SIMD or shared memory is missing.
 */
export function loadKernelModule(): KernelModule {
  const api = wasmApi();
  if (api === null) throw new Error("this JavaScript engine has no WebAssembly");
  const memory = createSharedMemory(api);
  let instance: { readonly exports: Record<string, unknown> };
  try {
    const module = new api.Module(decodeBase64(KERNELS_WASM_BASE64));
    instance = new api.Instance(module, { env: { memory } });
  } catch (error) {
    throw new Error(`cannot instantiate the kernels module (needs SIMD and threads): ${error}`);
  }
  for (const name of EXPORT_NAMES) {
    if (typeof instance.exports[name] !== "function") {
      throw new Error(`the kernels module lacks the export ${name}`);
    }
  }
  return { exports: instance.exports as unknown as KernelExports, memory };
}
