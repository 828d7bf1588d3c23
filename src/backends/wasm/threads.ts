// Where the WebAssembly backend's helper threads come from. This module is browser-safe: the
// platform supplies a worker factory (Node.js: ./node/threads.ts over node:worker_threads; a browser page:
// Web Workers, see web/src/worker.ts) whose workers run serveKernels (./helper.ts). Without one,
// or where shared memory cannot be sent to a worker, the kernels run on the calling thread only.

/** What the backend needs of a worker: a Web Worker or a node:worker_threads Worker. */
export interface KernelWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Makes the helper workers; each must run serveKernels() on the messages it receives. */
export interface WorkerFactory {
  /** Threads to use, the calling one included (e.g. the number of cores). */
  readonly threads: number;
  create(): KernelWorker;
}

let factory: WorkerFactory | null = null;

/**
 * Sets (or, with null, removes) the worker factory that backends created afterwards use for
 * their helper threads. Backends created earlier keep what they had.
 */
export function setWasmWorkerFactory(next: WorkerFactory | null): void {
  if (next !== null && !(Number.isInteger(next.threads) && next.threads >= 1)) {
    throw new RangeError(`wasm backend: worker factory threads must be an integer >= 1`);
  }
  factory = next;
}

/** The current worker factory, or null when shared memory cannot reach a worker here. */
export function wasmWorkerFactory(): WorkerFactory | null {
  // A page without cross-origin isolation cannot post shared memory to a worker.
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return null;
  return factory;
}
