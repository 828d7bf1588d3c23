// The fit worker: runs fits, grids of fits and the exact construction off the main thread and
// reports progress. The page cancels a run by terminating the worker.

import { type FitProgress, getKernels } from "../../src/browser.js";
import { memorizePoints } from "./exact.js";
import { fitPicture } from "./fitting.js";
import type { WorkerReply, WorkerRequest } from "./protocol.js";

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}

const scope = self as unknown as WorkerScope;
const kernels = getKernels("auto");
scope.postMessage({ id: 0, kind: "ready", backend: kernels.name });

/** A progress callback posting at most every 50 ms. */
function progressFor(id: number, prefix = ""): (event: FitProgress) => void {
  let last = 0;
  return (event) => {
    const now = performance.now();
    if (now - last < 50) return;
    last = now;
    let fraction = 0;
    let text = "";
    if (event.stage === "first-layer") {
      fraction = (0.5 * event.done) / event.total;
      text = `first layer: ${event.done} of ${event.total} points`;
    } else if (event.stage === "separation") {
      text = `Algorithm 1: trying ${event.width} hyperplanes`;
    } else {
      fraction = 0.5 + (0.5 * (event.subnetwork + event.covered / event.total)) / event.subnetworks;
      text = `second layer: ${event.covered} of ${event.total} points covered`;
    }
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
