// Which backend's kernel an op runs: for a backend choice, per kernel, the registered kernel of
// the first backend in the choice's order (auto: every backend that loads, by priority; a named
// backend: that one, then the reference). Lookups are cached until the registry changes.

import {
  backendError,
  getKernel,
  getKernelOn,
  loadBackend,
  registeredBackends,
  registryVersion,
  type BackendInstance,
  type BackendName,
} from "../backends/registry.js";
import type { KernelName, KernelSignatures } from "../backends/types.js";
import { BackendUnavailableError } from "../errors.js";
import { failFor, type Fail } from "./checks.js";

/** What getKernels accepts: a backend, or "auto" for the fastest one that loads here. */
export type BackendChoice = BackendName | "auto";

/** A resolved kernel: the function to run and the error factory naming it and its backend. */
export interface Resolved<K extends KernelName> {
  readonly run: KernelSignatures[K];
  readonly fail: Fail;
  readonly backend: BackendName;
}

/** Throws the Error for a backend that is unknown here or does not load. */
export function requireBackend(name: BackendName): BackendInstance {
  const instance = loadBackend(name);
  if (instance !== null) return instance;
  if (!registeredBackends().includes(name)) {
    const known = [...registeredBackends().reverse(), "auto"].join(", ");
    throw new BackendUnavailableError(
      `kernel backend "${String(name)}" is not available here (available: ${known})`,
    );
  }
  const why = backendError(name)?.message ?? "it failed to load";
  throw new BackendUnavailableError(
    `kernel backend "${name}" is not available here: ${why} (use --backend auto, wasm or reference)`,
  );
}

/** Resolves kernels for one backend choice. */
export class Dispatch {
  private cache = new Map<KernelName, Resolved<KernelName>>();
  private cachedAt = -1;

  constructor(readonly choice: BackendChoice) {}

  /** The backends tried in order, each of which loads. */
  order(): BackendName[] {
    if (this.choice === "auto") return registeredBackends().filter((b) => loadBackend(b) !== null);
    requireBackend(this.choice);
    return this.choice === "reference" ? ["reference"] : [this.choice, "reference"];
  }

  /** The instance that names this choice and hands out its workspaces: the first in order. */
  primary(): BackendInstance {
    const first = this.order()[0] ?? "reference";
    return requireBackend(first);
  }

  /** The kernel `kernel` for this choice (the reference's when no earlier backend has one). */
  kernel<K extends KernelName>(kernel: K): Resolved<K> {
    if (this.cachedAt !== registryVersion()) {
      this.cache.clear();
      this.cachedAt = registryVersion();
    }
    let r = this.cache.get(kernel) as Resolved<K> | undefined;
    if (r === undefined) {
      for (const backend of [...this.order(), "reference" as const]) {
        const run = getKernel(kernel, backend);
        if (run !== undefined) {
          r = { run, fail: failFor(backend, kernel), backend };
          break;
        }
      }
      if (r === undefined) throw new Error(`no backend implements the kernel ${kernel}`);
      this.cache.set(kernel, r as unknown as Resolved<KernelName>);
    }
    return r;
  }
}

/**
 * Resolves kernels on one explicit instance of a registered backend (its registered kernels run
 * on that instance, the rest on the reference): e.g. a native context forced to one kernel table.
 */
export class InstanceDispatch extends Dispatch {
  constructor(
    private readonly backend: BackendName,
    private readonly instance: BackendInstance,
  ) {
    super(backend);
  }

  override order(): BackendName[] {
    return [this.backend, "reference"];
  }

  override primary(): BackendInstance {
    return this.instance;
  }

  override kernel<K extends KernelName>(kernel: K): Resolved<K> {
    const own = getKernelOn(kernel, this.backend, this.instance);
    if (own !== undefined)
      return { run: own, fail: failFor(this.backend, kernel), backend: this.backend };
    const run = getKernel(kernel, "reference");
    if (run === undefined) throw new Error(`no backend implements the kernel ${kernel}`);
    return { run, fail: failFor("reference", kernel), backend: "reference" };
  }
}
