// The fit worker: runs fits, grids of fits and the exact construction off the main thread and
// reports progress. The page cancels a run by terminating the worker.

import { type ProgressEvent, getKernels, setWasmWorkerFactory } from "../../src/browser.js";
import { memorizePoints } from "./exact.js";
import { fitPicture } from "./fitting.js";
import type { WorkerReply, WorkerRequest } from "./protocol.js";

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}

const scope = self as unknown as WorkerScope;
// Helper threads for the WebAssembly kernels: one Web Worker per further core. They need shared
// memory, so they are used only where the page is cross-origin isolated (else one thread).
setWasmWorkerFactory({
  threads: Math.max(1, Math.min(64, navigator.hardwareConcurrency || 1)),
  create: () => new Worker(new URL("./kernelHelper.ts", import.meta.url), { type: "module" }),
});
const kernels = getKernels("auto");
scope.postMessage({ id: 0, kind: "ready", backend: kernels.name });

/** A progress callback posting at most every 50 ms. */
function progressFor(id: number, prefix = ""): (event: ProgressEvent) => void {
  let last = 0;
  return (event) => {
    const now = performance.now();
    if (now - last < 50) return;
    last = now;
    // The first layer fills the first half of the bar, the second layer the second half.
    const part = event.total > 0 ? event.done / event.total : 0;
    const fraction = event.phase === "second layer" ? 0.5 + 0.5 * part : 0.5 * part;
    const counts = event.total > 0 ? `: ${event.done} of ${event.total} ${event.unit}` : "";
    const text = `${event.phase}${counts}${event.detail === undefined ? "" : ` (${event.detail})`}`;
    scope.postMessage({ id, kind: "progress", fraction, text: prefix + text });
  };
}

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.kind === "fit") {
      const picture = fitPicture(
        request.points,
        request.knobs,
        request.grid,
        kernels,
        progressFor(request.id),
      );
      scope.postMessage({ id: request.id, kind: "fit", picture, backend: kernels.name });
    } else if (request.kind === "panels") {
      request.knobs.forEach((knobs, index) => {
        const total = request.knobs.length;
        scope.postMessage({
          id: request.id,
          kind: "progress",
          fraction: index / total,
          text: `panel ${index + 1} of ${total}: n = ${knobs.n}, λ = ${knobs.lambda}`,
        });
        const picture = fitPicture(request.points, knobs, request.grid, kernels);
        scope.postMessage({ id: request.id, kind: "panel", index, picture });
      });
    } else {
      scope.postMessage({ id: request.id, kind: "progress", fraction: 0, text: "building" });
      const summary = memorizePoints(request.points, request.seed, request.row);
      scope.postMessage({ id: request.id, kind: "memorize", summary });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    scope.postMessage({ id: request.id, kind: "error", message });
  }
};
