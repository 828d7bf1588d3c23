// The main job (`npm start`): the paper's two MNIST headline settings on the built-in data.

import { binarySubproblem, normalizeRadius, scalePixels } from "../data/preprocess.js";
import { InterpolatingNetwork } from "../dfg/estimator.js";
import { modelStats } from "../dfg/model.js";
import { getKernels, type BackendChoice } from "../ops/index.js";
import { loadMnist } from "../node/loaders.js";
import { formatCount, formatTable } from "./format.js";
import { progressReporter } from "./progress.js";

/**
 * Fits MNIST 10 classes (n = 1000) and 1 vs 9 (n = 5000), λ = 0.5, seed 0; prints a table. The
 * fits show a progress bar on a terminal (unless `progress` is false).
 */
export async function runDemo(backend: BackendChoice, progress = true): Promise<void> {
  const kernels = getKernels(backend);
  console.log(
    `memonet demo: MNIST (all 70,000 images, pixels in [0,1], radius 1), ${kernels.name} kernels`,
  );
  const loading = progressReporter({ enabled: progress });
  loading.phase("loading MNIST");
  let raw: Awaited<ReturnType<typeof loadMnist>>;
  try {
    raw = await loadMnist({ split: "all" });
  } finally {
    loading.stop();
  }
  const mnist = scalePixels(raw);
  const problems = [
    { label: "10 classes", data: normalizeRadius(mnist), n: 1000 },
    { label: "1 vs 9", data: normalizeRadius(binarySubproblem(mnist, "1", "9")), n: 5000 },
  ];
  const rows: string[][] = [];
  for (const p of problems) {
    console.log(`fitting ${p.label} (${formatCount(p.data.size)} images, n = ${p.n}, λ = 0.5) ...`);
    const bar = progressReporter({ enabled: progress, label: p.label });
    let net: InterpolatingNetwork;
    try {
      bar.phase("checking the data");
      net = await new InterpolatingNetwork(
        { n: p.n, lambda: 0.5, seed: 0 },
        { kernels, onProgress: bar.onProgress },
      ).fit(p.data);
    } finally {
      bar.stop();
    }
    const s = modelStats(net.model);
    const i = net.model.info;
    rows.push([
      p.label,
      formatCount(p.data.size),
      `${i.fitSeconds.toFixed(2)} s`,
      formatCount(s.firstLayerWidth),
      formatCount(s.secondLayerWidth),
      formatCount(s.parameters),
      i.trainingAccuracy.toFixed(4),
    ]);
  }
  console.log();
  console.log(
    formatTable(
      ["problem", "N", "fit time", "n", "2nd-layer width", "parameters", "train acc"],
      rows,
    ),
  );
}
