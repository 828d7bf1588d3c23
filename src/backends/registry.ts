// The kernel registry, after tfjs-core's kernel_registry: backends register themselves (a name, a
// priority and a factory called once, on first use) and, separately, each kernel they implement
// by name. A kernel function receives the backend's instance first, then the kernel's arguments.
// The reference backend registers every kernel; the ops (src/ops/) fall back to it.

import type { KernelName, KernelSignatures, Workspace } from "./types.js";

/** A concrete backend. */
export type BackendName = "reference" | "wasm" | "native";

/** What a backend's factory returns: the state its kernels share. */
export interface BackendInstance {
  /** The name reported to users (e.g. "native (avx2, 2 threads)"). */
  readonly name: string;
  /** Arrays that this backend's kernels read in place (see Workspace). */
  workspace(): Workspace;
}

/** The kernel K of a backend whose instance type is B. */
export type KernelFunc<K extends KernelName, B extends BackendInstance = BackendInstance> = (
  backend: B,
  ...args: Parameters<KernelSignatures[K]>
) => ReturnType<KernelSignatures[K]>;

interface Registration {
  readonly priority: number;
  readonly create: () => BackendInstance;
  instance?: BackendInstance;
  error?: Error;
}

const backends = new Map<BackendName, Registration>();
const kernels = new Map<string, KernelFunc<KernelName>>();
let version = 0;

const key = (backend: BackendName, kernel: KernelName) => `${backend}/${kernel}`;

/**
 * Registers a backend under `name` (replacing an earlier registration). `create` is called at
 * most once, on first use; if it throws, the backend counts as unavailable and "auto" skips it.
 */
export function registerBackend(
  name: BackendName,
  priority: number,
  create: () => BackendInstance,
): void {
  backends.set(name, { priority, create });
  version++;
}

/** Registers `backend`'s implementation of `kernel` (replacing an earlier one). */
export function registerKernel<K extends KernelName, B extends BackendInstance>(
  backend: BackendName,
  kernel: K,
  run: KernelFunc<K, B>,
): void {
  // The registry only ever passes the instance that backend's own factory made.
  kernels.set(key(backend, kernel), run as unknown as KernelFunc<KernelName>);
  version++;
}

/** A counter that changes with every registration (lets callers cache lookups). */
export function registryVersion(): number {
  return version;
}

/** The registered backends, highest priority first. */
export function registeredBackends(): BackendName[] {
  return [...backends.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

/** The instance of a registered backend, or null (unregistered, or its factory threw). */
export function loadBackend(name: BackendName): BackendInstance | null {
  const r = backends.get(name);
  if (r === undefined) return null;
  if (r.instance === undefined && r.error === undefined) {
    try {
      r.instance = r.create();
    } catch (error) {
      r.error = error instanceof Error ? error : new Error(String(error));
    }
  }
  return r.instance ?? null;
}

/** Why a registered backend does not load (undefined if it loads or is not registered). */
export function backendError(name: BackendName): Error | undefined {
  loadBackend(name);
  return backends.get(name)?.error;
}

/** True when `backend` registered `kernel`. */
export function hasKernel(backend: BackendName, kernel: KernelName): boolean {
  return kernels.has(key(backend, kernel));
}

/**
 * `backend`'s `kernel` bound to its instance, or undefined when the backend does not implement
 * it or does not load.
 */
export function getKernel<K extends KernelName>(
  kernel: K,
  backend: BackendName,
): KernelSignatures[K] | undefined {
  const run = kernels.get(key(backend, kernel)) as KernelFunc<K> | undefined;
  if (run === undefined) return undefined;
  const instance = loadBackend(backend);
  if (instance === null) return undefined;
  return ((...args: Parameters<KernelSignatures[K]>) =>
    run(instance, ...args)) as KernelSignatures[K];
}

/**
 * `backend`'s `kernel` bound to an explicit `instance` of that backend (e.g. a second native
 * context running another kernel table), or undefined when the backend does not implement it.
 */
export function getKernelOn<K extends KernelName>(
  kernel: K,
  backend: BackendName,
  instance: BackendInstance,
): KernelSignatures[K] | undefined {
  const run = kernels.get(key(backend, kernel)) as KernelFunc<K> | undefined;
  if (run === undefined) return undefined;
  return ((...args: Parameters<KernelSignatures[K]>) =>
    run(instance, ...args)) as KernelSignatures[K];
}
