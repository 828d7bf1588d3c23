// Backend selection over the ops. getKernels(choice) gives the ops bound to a backend choice:
// "reference" (plain TypeScript, implements every kernel), "wasm" (WebAssembly SIMD), "native"
// (the Node addon, registered by src/backends/native/ where it loads), or "auto": per kernel,
// the registered kernel of the highest-priority backend that loads. A named backend runs its own
// kernels and the reference's for the rest.

import "../backends/reference/index.js";
import "../backends/wasm/index.js";
import { loadBackend, registeredBackends, type BackendName } from "../backends/registry.js";
import { BoundKernels } from "./kernels.js";
import { requireBackend, type BackendChoice } from "./dispatch.js";
import type { Kernels } from "../backends/types.js";

export type {
  BitMatrix,
  DenseLayerT,
  KernelName,
  Kernels,
  SeparationResult,
  ValueMatrix,
  Workspace,
} from "../backends/types.js";
export { KERNEL_NAMES, coverWordsFor, wordsPerRowFor } from "../backends/types.js";
export {
  registerBackend,
  registerKernel,
  type BackendInstance,
  type BackendName,
} from "../backends/registry.js";
export type { BackendChoice } from "./dispatch.js";

const bound = new Map<BackendChoice, BoundKernels>();

/**
 * The ops for a backend choice. "auto" (the default) uses, per kernel, the available backend of
 * highest priority (native > wasm > reference) that implements it; asking for a backend that
 * cannot load throws an Error saying why. The same choice always gives the same object.
 */
export function getKernels(name: BackendChoice = "auto"): Kernels {
  if (name !== "auto") requireBackend(name);
  let k = bound.get(name);
  if (k === undefined) {
    k = new BoundKernels(name);
    bound.set(name, k);
  }
  return k;
}

/** The ops of the reference backend (plain TypeScript): the specification of every kernel. */
export const referenceKernels: Kernels = getKernels("reference");

/** The registered backends that load in this JavaScript engine, fastest last. */
export function availableBackends(): BackendName[] {
  return registeredBackends()
    .reverse()
    .filter((name) => loadBackend(name) !== null);
}
