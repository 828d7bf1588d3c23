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
  minManyChunk(
    bits: number,
    words: number,
    nRows: number,
    masks: number,
    maskCount: number,
    rows: number,
    k0: number,
    k1: number,
    stopAt: number,
    state: number,
    hitBy: number,
    chunk: number,
  ): number;
  belowChunk(
    bits: number,
    words: number,
    nRows: number,
    mask: number,
    rows: number,
    k0: number,
    k1: number,
    bound: number,
    out: number,
    countAt: number,
  ): number;
  anyBelowChunk(
    bits: number,
    words: number,
    nRows: number,
    masks: number,
    bounds: number,
    maskCount: number,
    rows: number,
    k0: number,
    k1: number,
    out: number,
  ): number;
  coverageChunk(
    bits: number,
    words: number,
    nRows: number,
    masks: number,
    maskCount: number,
    bounds: number,
    rows: number,
    k0: number,
    k1: number,
    out: number,
    outWords: number,
  ): number;
  reluMinManyChunk(
    values: number,
    width: number,
    nRows: number,
    masks: number,
    maskWords: number,
    maskCount: number,
    rows: number,
    k0: number,
    k1: number,
    stopAt: number,
    state: number,
    hitBy: number,
    chunk: number,
  ): number;
  reluBelowChunk(
    values: number,
    width: number,
    nRows: number,
    mask: number,
    rows: number,
    k0: number,
    k1: number,
    bound: number,
    out: number,
    countAt: number,
  ): number;
  reluAnyBelowChunk(
    values: number,
    width: number,
    nRows: number,
    masks: number,
    maskWords: number,
    thresholds: number,
    maskCount: number,
    rows: number,
    k0: number,
    k1: number,
    out: number,
  ): number;
  reluCoverageChunk(
    values: number,
    width: number,
    nRows: number,
    masks: number,
    maskWords: number,
    maskCount: number,
    bounds: number,
    rows: number,
    k0: number,
    k1: number,
    out: number,
    outWords: number,
  ): number;
  allFinite(p: number, count: number): number;
  groupScratchBytes(rows: number, dim: number): number;
  groupBlock(
    x: number,
    dim: number,
    r0: number,
    r1: number,
    group: number,
    scratch: number,
    members: number,
    unionCounts: number,
    bits: number,
    words: number,
  ): void;
  fillBlock(
    x: number,
    dim: number,
    members: number,
    unionStart: number,
    g0: number,
    g1: number,
    cols: number,
    vals: number,
  ): void;
  panelBufferBytes(dim: number): number;
  panelChunk(
    w: number,
    dim: number,
    width: number,
    bias: number,
    t: number,
    g0: number,
    g1: number,
    members: number,
    unionStart: number,
    cols: number,
    vals: number,
    buf: number,
    call: number,
    bits: number,
    words: number,
    values: number,
  ): void;
}

/** A loaded module: its exports, the shared memory they address, and the compiled module. */
export interface KernelModule {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** The WebAssembly.Module, which helper threads instantiate over the same memory. */
  readonly module: object;
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
  "minManyChunk",
  "belowChunk",
  "anyBelowChunk",
  "coverageChunk",
  "reluMinManyChunk",
  "reluBelowChunk",
  "reluAnyBelowChunk",
  "reluCoverageChunk",
  "allFinite",
  "groupScratchBytes",
  "groupBlock",
  "fillBlock",
  "panelBufferBytes",
  "panelChunk",
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

/** The kernels' exports from an instance of `module` over `memory` (checked to be complete). */
export function instantiateKernels(module: object, memory: WasmMemory): KernelExports {
  const api = wasmApi();
  if (api === null) throw new Error("this JavaScript engine has no WebAssembly");
  const instance = new api.Instance(module, { env: { memory } });
  for (const name of EXPORT_NAMES) {
    if (typeof instance.exports[name] !== "function") {
      throw new Error(`the kernels module lacks the export ${name}`);
    }
  }
  return instance.exports as unknown as KernelExports;
}

/**
 * Compiles and instantiates the kernels module (synchronously; it is a few KiB) with a fresh
 * shared memory. Throws an Error saying why when WebAssembly, SIMD or shared memory is missing.
 */
export function loadKernelModule(): KernelModule {
  const api = wasmApi();
  if (api === null) throw new Error("this JavaScript engine has no WebAssembly");
  const memory = createSharedMemory(api);
  let module: object;
  let exports: KernelExports;
  try {
    module = new api.Module(decodeBase64(KERNELS_WASM_BASE64));
    exports = instantiateKernels(module, memory);
  } catch (error) {
    throw new Error(`cannot instantiate the kernels module (needs SIMD and threads): ${error}`);
  }
  return { exports, memory, module };
}
