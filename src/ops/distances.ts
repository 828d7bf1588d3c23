// Backends of the distance tile kernel, chosen like the fit's kernels (src/ops/index.ts):
// "reference" (TypeScript), "wasm" (WebAssembly SIMD), and "native" where src/node/ registers it;
// "auto" takes the available one of highest priority.

import type { BackendChoice, BackendName } from "./index.js";
import { referenceDistanceKernel, type DistanceKernel } from "../backends/reference/distances.js";
import { createWasmDistanceKernel } from "../backends/wasm/distances.js";

interface Registration {
  readonly priority: number;
  readonly create: () => DistanceKernel;
  kernel?: DistanceKernel;
  error?: Error;
}

const registry = new Map<BackendName, Registration>([
  ["reference", { priority: 0, create: () => referenceDistanceKernel }],
  ["wasm", { priority: 10, create: createWasmDistanceKernel }],
]);

/** Registers a distance backend (`create` runs once, on first use; if it throws, it is skipped). */
export function registerDistanceBackend(
  name: BackendName,
  priority: number,
  create: () => DistanceKernel,
): void {
  registry.set(name, { priority, create });
}

function load(r: Registration): DistanceKernel | null {
  if (r.kernel === undefined && r.error === undefined) {
    try {
      r.kernel = r.create();
    } catch (error) {
      r.error = error instanceof Error ? error : new Error(String(error));
    }
  }
  return r.kernel ?? null;
}

/** The distance kernel of a backend ("auto": the fastest that loads); throws if it cannot load. */
export function getDistanceKernel(name: BackendChoice = "auto"): DistanceKernel {
  if (name === "auto") {
    for (const r of [...registry.values()].sort((a, b) => b.priority - a.priority)) {
      const kernel = load(r);
      if (kernel !== null) return kernel;
    }
    return referenceDistanceKernel;
  }
  const r = registry.get(name);
  if (r === undefined) {
    throw new Error(`distance kernel backend "${name}" is not available here`);
  }
  const kernel = load(r);
  if (kernel === null) throw r.error ?? new Error(`distance kernel backend "${name}" failed`);
  return kernel;
}

/** The distance backends that load here. */
export function availableDistanceBackends(): BackendName[] {
  return [...registry.entries()]
    .sort((a, b) => a[1].priority - b[1].priority)
    .filter(([, r]) => load(r) !== null)
    .map(([name]) => name);
}
