// Node.js only: the script of a WebAssembly helper thread (see ./threads.ts and ../helper.ts).

import { parentPort } from "node:worker_threads";
import { serveKernels } from "../helper.js";

if (parentPort !== null) {
  const port = parentPort;
  serveKernels((handler) => port.on("message", handler));
}
