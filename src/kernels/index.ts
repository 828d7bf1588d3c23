// Backend selection: every backend implements the same Kernels (see types.ts); "reference" is
// plain TypeScript, "wasm" is the WebAssembly SIMD backend, "auto" picks wasm when it loads.

import { referenceKernels } from "./reference.js";
import type { Kernels } from "./types.js";
import { createWasmKernels } from "./wasm.js";

export type { BitMatrix, DenseLayerT, Kernels, Workspace } from "./types.js";
export { wordsPerRowFor } from "./types.js";

/** A concrete backend. */
export type BackendName = "reference" | "wasm";

/** What getKernels accepts: a backend, or "auto" for the fastest one that loads here. */
export type BackendChoice = BackendName | "auto";

/** The wasm backend once loaded, or the reason it cannot load (both cached). */
let wasmKernels: Kernels | null = null;
let wasmError: Error | null = null;

/** The (shared, lazily created) wasm kernels, or null with wasmError set. */
function tryWasm(): Kernels | null {
  if (wasmKernels === null && wasmError === null) {
    try {
      wasmKernels = createWasmKernels();
    } catch (error) {
      wasmError = error instanceof Error ? error : new Error(String(error));
    }
  }
  return wasmKernels;
}

/**
 * The kernels of a backend. "auto" (the default) is "wasm" when WebAssembly with SIMD and shared
 * memory is available and "reference" otherwise; asking for "wasm" where it cannot load throws
 * an Error saying why.
 */
export function getKernels(name: BackendChoice = "auto"): Kernels {
  switch (name) {
    case "reference":
      return referenceKernels;
    case "wasm": {
      const kernels = tryWasm();
      if (kernels === null) throw wasmError ?? new Error("wasm backend unavailable");
      return kernels;
    }
    case "auto":
      return tryWasm() ?? referenceKernels;
    default:
      throw new Error(`unknown kernel backend "${String(name)}" (use reference, wasm or auto)`);
  }
}

/** The backends that load in this JavaScript engine, fastest last. */
export function availableBackends(): BackendName[] {
  return tryWasm() === null ? ["reference"] : ["reference", "wasm"];
}
