// The WebAssembly backend of the distance tile kernel (assembly/distances.ts, built by
// scripts/build-wasm.mjs): rows are copied into the module's own memory, which grows as needed.

import { decodeBase64 } from "../../util/base64.js";
import { checkDistanceTile, type DistanceKernel } from "../reference/distances.js";
import { DISTANCES_WASM_BASE64 } from "./distancesWasm.generated.js";

interface Memory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

interface DistanceExports {
  readonly memory: Memory;
  squaredDistances(
    a: number,
    aRows: number,
    b: number,
    bRows: number,
    dim: number,
    out: number,
    scratch: number,
  ): void;
  scratchBytes(bRows: number, dim: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

const PAGE = 65536;

/** Rounds up to a multiple of 16 bytes. */
const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Instantiates the module; throws where WebAssembly (with SIMD) is not available. */
export function createWasmDistanceKernel(): DistanceKernel {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) throw new Error("wasm distance kernel: WebAssembly is not available");
  const module = new api.Module(decodeBase64(DISTANCES_WASM_BASE64));
  const exports = new api.Instance(module, { env: {} }).exports as unknown as DistanceExports;
  const memory = exports.memory;
  return {
    name: "wasm",
    squaredDistances(a, aRows, b, bRows, dim, out) {
      checkDistanceTile("wasm", a, aRows, b, bRows, dim, out);
      const aBytes = align(aRows * dim * 4);
      const bBytes = align(bRows * dim * 4);
      const base = 16;
      const outBytes = align(aRows * bRows * 8);
      const scratch = base + aBytes + bBytes + outBytes;
      const need = scratch + exports.scratchBytes(bRows, dim);
      if (need > memory.buffer.byteLength) {
        memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      }
      const buffer = memory.buffer;
      new Float32Array(buffer, base, aRows * dim).set(a.subarray(0, aRows * dim));
      new Float32Array(buffer, base + aBytes, bRows * dim).set(b.subarray(0, bRows * dim));
      const outPtr = base + aBytes + bBytes;
      exports.squaredDistances(base, aRows, base + aBytes, bRows, dim, outPtr, scratch);
      out.set(new Float64Array(buffer, outPtr, aRows * bRows));
    },
  };
}
