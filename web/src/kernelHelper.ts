// A helper thread of the WebAssembly kernels (a Web Worker started by the fit worker, see
// worker.ts): it instantiates the kernels over the fit worker's shared memory and works on the
// chunks of its jobs until the fit worker is terminated.

import { serveKernels } from "../../src/browser.js";

interface HelperScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
}

const scope = self as unknown as HelperScope;
serveKernels((handler) => {
  scope.onmessage = (event) => handler(event.data);
});
