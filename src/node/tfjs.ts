// TensorFlow.js on its WebAssembly backend in Node.js: the .wasm files ship in the npm package
// @tensorflow/tfjs-backend-wasm and are loaded from there (never downloaded).

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { BackendUnavailableError } from "../errors.js";

let ready: Promise<void> | undefined;

/**
 * Selects tfjs's WebAssembly backend with the package's own .wasm files (once per process), with
 * `threads` threads where the threaded build loads. BackendUnavailableError if it cannot start.
 */
export function useTfjsWasm(threads = 1): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = join(
      dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")),
      "dist",
    );
    setWasmPaths(`${dir}/`);
    setThreadsCount(threads);
    const ok = await tf.setBackend("wasm");
    if (!ok)
      throw new BackendUnavailableError(
        "method sgd: TensorFlow.js could not start its WebAssembly backend",
      );
    await tf.ready();
  })();
  return ready;
}
