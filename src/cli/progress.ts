// A progress bar on stderr for long fits (only when stderr is a terminal).

import cliProgress from "cli-progress";
import type { FitProgress } from "../dfg/fit.js";

/** Returns a progress callback and a stop function; both do nothing when disabled. */
export function fitProgressBar(enabled: boolean): {
  onProgress: (e: FitProgress) => void;
  stop: () => void;
} {
  if (!enabled || !process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{stage} |{bar}| {percentage}% | ETA {eta_formatted} | {detail}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { stage: "first layer ", detail: "" });
  let lastStage = "";
  const onProgress = (e: FitProgress) => {
    if (e.stage !== lastStage) {
      lastStage = e.stage;
      bar.update(0); // a new stage restarts the bar and its ETA
      bar.start(1000, 0, { stage: "", detail: "" });
    }
    if (e.stage === "first-layer") {
      bar.update(Math.round((1000 * e.done) / e.total), {
        stage: "first layer ",
        detail: `${e.done}/${e.total} points`,
      });
    } else if (e.stage === "separation") {
      bar.update(0, { stage: "separation  ", detail: `checking n = ${e.width}` });
    } else {
      const fraction = (e.subnetwork + e.covered / e.total) / e.subnetworks;
      bar.update(Math.round(1000 * fraction), {
        stage: "second layer",
        detail: `class ${e.subnetwork + 1}/${e.subnetworks}: ${e.covered}/${e.total} covered`,
      });
    }
  };
  return { onProgress, stop: () => bar.stop() };
}
