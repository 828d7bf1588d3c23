// Vardi–Yehudai–Shamir on the page's points: build the exact network (Thm 3.1), verify it in
// exact arithmetic, and trace one point through its stages.

import {
  dyadic,
  memorize,
  problemFromDataset,
  traceExact,
  verifyNetwork,
} from "../../src/browser.js";
import { trainingSet } from "./fitting.js";
import type { JourneyStep, MemorizeSummary, PointsMessage } from "./protocol.js";

/** Largest N the page builds (memorize + verify take about a second at N = 1000 here). */
export const MEMORIZE_MAX_POINTS = 1000;

/** Up to `limit` values of a layer, as short numbers. */
function show(values: readonly dyadic.Dyadic[], limit = 6): string {
  const shown = values.slice(0, limit).map((v) => {
    const x = dyadic.toNumber(v);
    return Number.isInteger(x) ? String(x) : x.toPrecision(6);
  });
  return shown.join(", ") + (values.length > limit ? `, … (${values.length} neurons)` : "");
}

/** Builds, verifies and traces; throws an Error with a clear message beyond the size limit. */
export function memorizePoints(points: PointsMessage, seed: number, row: number): MemorizeSummary {
  const size = points.labels.length;
  if (size > MEMORIZE_MAX_POINTS) {
    throw new Error(
      `the exact construction is limited to ${MEMORIZE_MAX_POINTS} points on this page ` +
        `(these data have ${size}); use \`memonet memorize\` for more`,
    );
  }
  if (row < 0 || row >= size) throw new Error(`point ${row} does not exist (0 … ${size - 1})`);
  const t0 = performance.now();
  const { dataset } = trainingSet(points);
  const problem = problemFromDataset(dataset);
  const result = memorize(problem, { seed });
  const check = verifyNetwork(result.network, problem);
  const trace = traceExact(result.network, dataset.features.subarray(2 * row, 2 * row + 2));
  // Stage II adds each interval's values to accumulators: only the interval holding the point
  // changes them, so the spans that leave every value unchanged are folded into one line.
  const journey: JourneyStep[] = [];
  let unchanged = 0;
  let previous: readonly dyadic.Dyadic[] = [];
  for (const span of result.network.spans) {
    const values = trace[span.last];
    const same =
      values.length === previous.length &&
      values.every((v, i) => v.m === previous[i].m && v.e === previous[i].e);
    previous = values;
    const stageTwo = span.name.startsWith("stage II ");
    if (stageTwo && same) {
      unchanged++;
      continue;
    }
    const layers =
      span.first === span.last ? `${span.first + 1}` : `${span.first + 1}–${span.last + 1}`;
    const name = stageTwo ? `${span.name}: values change` : span.name;
    journey.push({ name, layers, values: show(values) });
  }
  if (unchanged > 0) {
    journey.splice(1, 0, {
      name: `stage II: ${unchanged} other interval(s)`,
      layers: "",
      values: "leave every value unchanged (the point is far from their windows)",
    });
  }
  const r = result.report;
  const label = points.classNames[points.labels[row]];
  return {
    theorem: r.theorem,
    depth: r.network.depth,
    width: r.network.width,
    parameters: r.network.parameters,
    biases: r.network.biases,
    bits: r.network.bitComplexity,
    neurons: r.network.neurons,
    verified: `${check.correct} of ${check.points} points exact (${(check.seconds * 1000).toFixed(0)} ms)`,
    ok: check.ok,
    stageOne:
      `direction of ${r.stageOne.directionNonZeros} non-zeros (${r.stageOne.directionBits} bits), ` +
      `projections up to 2^${r.stageOne.log2ProjectedMax.toFixed(1)}`,
    split: `${r.split.intervals} intervals, ${r.split.subsets} subset(s) of ${r.split.subsetSize} points`,
    row: row,
    journey: [
      ...journey,
      {
        name: "label of the point",
        layers: "",
        values: `class ${label} (output ${points.labels[row] + 1})`,
      },
    ],
    seconds: (performance.now() - t0) / 1000,
  };
}
