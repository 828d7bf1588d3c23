// Backend selection: every backend implements the same Kernels (see types.ts). "reference" is
// plain TypeScript and "wasm" the WebAssembly SIMD backend; platform-specific backends (the
// native Node addon, src/node/nativeKernels.ts) register themselves with registerBackend.
// "auto" picks the registered backend of highest priority that loads.

import { BackendUnavailableError } from "../errors.js";
import { referenceKernels } from "./reference.js";
import type { Kernels } from "./types.js";
import { createWasmKernels } from "./wasm.js";

export type { BitMatrix, DenseLayerT, Kernels, Workspace } from "./types.js";
export { wordsPerRowFor } from "./types.js";

/** A concrete backend. */
export type BackendName = "reference" | "wasm" | "native";

/** What getKernels accepts: a backend, or "auto" for the fastest one that loads here. */
export type BackendChoice = BackendName | "auto";

interface Registration {
  readonly priority: number;
  readonly create: () => Kernels;
  kernels?: Kernels;
  error?: Error;
}

const registry = new Map<BackendName, Registration>([
  ["reference", { priority: 0, create: () => referenceKernels }],
  ["wasm", { priority: 10, create: createWasmKernels }],
]);

/**
 * Registers a backend under `name` (replacing an earlier registration). `create` is called at
 * most once, on first use; if it throws, the backend counts as unavailable and "auto" skips it.
 */
export function registerBackend(name: BackendName, priority: number, create: () => Kernels): void {
  registry.set(name, { priority, create });
}

/** The kernels of a registration, or null with its error recorded. */
function load(r: Registration): Kernels | null {
  if (r.kernels === undefined && r.error === undefined) {
    try {
      r.kernels = r.create();
    } catch (error) {
      r.error = error instanceof Error ? error : new Error(String(error));
    }
  }
  return r.kernels ?? null;
}

/**
 * The kernels of a backend. "auto" (the default) is the available backend of highest priority
 * (native > wasm > reference); asking for a backend that cannot load throws a BackendUnavailableError saying why.
 */
export function getKernels(name: BackendChoice = "auto"): Kernels {
  if (name === "auto") {
    const byPriority = [...registry.values()].sort((a, b) => b.priority - a.priority);
    for (const r of byPriority) {
      const kernels = load(r);
      if (kernels !== null) return kernels;
    }
    return referenceKernels;
  }
  const r = registry.get(name);
  if (r === undefined) {
    const known = [...registry.keys()].join(", ");
    throw new BackendUnavailableError(
      `kernel backend "${String(name)}" is not available here (available: ${known}, auto)`,
    );
  }
  const kernels = load(r);
  if (kernels === null) {
    const why = r.error?.message ?? "it failed to load";
    throw new BackendUnavailableError(
      `kernel backend "${name}" is not available here: ${why} (use --backend auto, wasm or reference)`,
    );
  }
  return kernels;
}

/** The registered backends that load in this JavaScript engine, fastest last. */
export function availableBackends(): BackendName[] {
  return [...registry.entries()]
    .sort((a, b) => a[1].priority - b[1].priority)
    .filter(([, r]) => load(r) !== null)
    .map(([name]) => name);
}
