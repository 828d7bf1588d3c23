// `memonet memorize` and `memonet verify`: the Vardi–Yehudai–Shamir construction from the command
// line. Register with registerMemorizeCommands(program).

import { Command, Option } from "commander";
import { type MemorizationReport, memorize } from "../vys/memorize.js";
import type { NetworkDocument } from "../vys/networkFile.js";
import {
  networkDocument,
  problemForNetwork,
  VerificationError,
  verifyDocument,
} from "../vys/networkData.js";
import { networkMetrics } from "../vys/network.js";
import { type MemorizationProblem, problemFromDataset } from "../vys/problem.js";
import type { Float64Check, VerificationResult, VerifyLimits } from "../vys/verify.js";
import { ResourceLimitError } from "../errors.js";
import { saveNetworkFile } from "../node/networkStore.js";
import { loadNetworkFor } from "./fileKinds.js";
import { progressReporter, type ProgressReporter } from "./progress.js";
import {
  type DataOptions,
  addDataOptions,
  describeData,
  loadEvaluationData,
  loadTrainingData,
} from "./dataOptions.js";
import { formatCount, formatFields, formatSeconds } from "./format.js";
import { integerAtLeast, numberAbove } from "./parse.js";
import { roundNoise } from "../util/round.js";

export { VerificationError } from "../errors.js";

interface MemorizeCommandOptions extends DataOptions {
  depth?: number;
  bits?: number;
  epsilon?: number;
  intervals: "paper" | "optimal";
  seed: number;
  out?: string;
  json?: boolean;
  verify: boolean;
  timings?: boolean;
  progress: boolean;
}

interface VerifyCommandOptions extends DataOptions {
  json?: boolean;
  progress: boolean;
  timeLimit: number;
  memoryLimit: number;
}

/** verify's default time limit (seconds): all 70 000 MNIST images take about a minute. */
const VERIFY_SECONDS = 600;
/** verify's default memory limit for the exact values (MiB). */
const VERIFY_MEBIBYTES = 2048;

const positiveNumber = numberAbove(0);

/** Adds `memorize` and `verify` to the memonet program. */
export function registerMemorizeCommands(program: Command): void {
  addDataOptions(
    program
      .command("memorize")
      .description(
        "build a Vardi–Yehudai–Shamir ReLU network that memorizes the data exactly (Thm 3.1; " +
          "--depth: Thm 5.1; --bits: Thm 6.2) and verify it in exact arithmetic",
      ),
  )
    .addOption(
      new Option(
        "--depth <L>",
        "Thm 5.1: depth parameter L in 1..⌊√N⌋ (subsets of L² points side by side)",
      )
        .argParser(integerAtLeast(1))
        .conflicts("bits"),
    )
    .addOption(
      new Option(
        "--bits <B>",
        "Thm 6.2: bit parameter B in 1..⌊√N⌋ (subsets of B² points chained)",
      ).argParser(integerAtLeast(1)),
    )
    .option(
      "--epsilon <ε>",
      "regression (Remark 3.3): labels are numbers, memorized to within ε/2",
      positiveNumber,
    )
    .addOption(
      new Option(
        "--intervals <policy>",
        "number of intervals: the paper's √(N log N), or the one giving the fewest parameters",
      )
        .choices(["paper", "optimal"])
        .default("paper"),
    )
    .option("--seed <k>", "seed of the stage I directions", integerAtLeast(0), 0)
    .option("--out <net.json>", "write the network file (atomically)")
    .option(
      "--timings",
      "also store the report's timings in the network file (default: left out, so equal runs give identical files)",
    )
    .option("--json", "print a JSON report instead of text")
    .option("--no-verify", "skip the exact verification on the training points")
    .option("--no-progress", "no progress bar")
    .action(memorizeCommand);

  addDataOptions(
    program
      .command("verify")
      .description("evaluate a network file exactly on a data set and check every label")
      .argument("<net.json>"),
  )
    .option(
      "--time-limit <seconds>",
      "stop the exact evaluation with an error after this many seconds",
      positiveNumber,
      VERIFY_SECONDS,
    )
    .option(
      "--memory-limit <MiB>",
      "refuse a network whose exact values could need more memory than this",
      positiveNumber,
      VERIFY_MEBIBYTES,
    )
    .option("--json", "print JSON")
    .option("--no-progress", "no progress bar")
    .action(verifyCommand);
}

function runVerification(
  doc: NetworkDocument,
  problem: MemorizationProblem,
  progress: ProgressReporter,
  limits?: VerifyLimits,
): { exact: VerificationResult; float64: Float64Check } {
  try {
    return verifyDocument(
      doc,
      problem,
      (e) => {
        progress.onProgress(e);
        if (e.done === e.total) progress.phase("float64 check");
      },
      limits,
    );
  } finally {
    progress.stop();
  }
}

/** The first `shown` items of a list and "… and k more" for the rest. */
function summarizeList(items: readonly string[], shown = 2): string {
  if (items.length <= shown + 1) return items.join(", ");
  return `${items.slice(0, shown).join(", ")} … and ${formatCount(items.length - shown)} more`;
}

function verificationFields(v: {
  exact: VerificationResult;
  float64: Float64Check;
}): [string, string][] {
  const { exact, float64 } = v;
  const fields: [string, string][] = [
    [
      "verified (exact)",
      `${formatCount(exact.correct)} of ${formatCount(exact.points)} points` +
        (exact.ok ? " — F(x_i) = y_i for every point" : " — FAILS") +
        ` (${formatSeconds(exact.seconds)})`,
    ],
  ];
  for (const f of exact.failures) {
    fields.push(["  failure", `row ${f.row}: expected ${f.expected}, got ${f.got}`]);
  }
  const d = float64.divergence;
  fields.push([
    "float64",
    `${formatCount(float64.correct)} of ${formatCount(float64.points)} points correct; ` +
      `${formatCount(float64.inexactWeights)} weights/biases not representable` +
      (d
        ? `; on row ${d.row} it first departs at layer ${d.layer} (${summarizeList(d.spans) || "?"})`
        : ""),
  ]);
  return fields;
}

function fmt(v: number | null, digits = 4): string {
  if (v === null) return "—";
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e7)) return v.toExponential(digits - 1);
  if (Math.abs(v) >= 1000) return formatCount(v);
  return String(roundNoise(v, digits));
}

/**
 * The O(·) expressions each theorem states (constants 1, logs base 2), as printed beside the
 * measured values; null where the theorem states no bound on that quantity.
 */
const BOUND_TEXT = {
  "3.1": {
    depth: "√(N log N) + √(N/log N)·max(log R, log C)",
    parameters: "d + depth bound",
    width: "12",
    bits: "log d + √(N/log N)·max(log R, log C) (Thm A.1)",
  },
  "5.1": {
    depth: "L/√(log L)·log R",
    parameters: "N/(L√(log L))·log R + d",
    width: "N/L²",
    bits: null,
  },
  "6.2": {
    depth: "N√(log B)/B·log R",
    parameters: "d + depth bound",
    width: null,
    bits: "B/√(log B)·log R",
  },
} as const;

/** "(Thm 5.1: O(N/L²) = 25 with constants 1; measured/bound 12)" */
function boundNote(
  theorem: MemorizationReport["theorem"],
  expression: string,
  value: number,
  ratio: number,
): string {
  return ` (Thm ${theorem}: O(${expression}) = ${fmt(value)} with constants 1; measured/bound ${fmt(ratio, 3)})`;
}

function widthField(r: MemorizationReport): string {
  const w = r.network.width;
  if (r.theorem === "3.1") return `${w} (Thm 3.1: width 12, a constant)`;
  if (r.theorem === "6.2") return `${w} (Thm 6.2: O(1), the subnetworks are chained in depth)`;
  const bound = r.bounds.width ?? 1;
  return (
    `${formatCount(w)}` +
    boundNote("5.1", BOUND_TEXT["5.1"].width, bound, w / bound) +
    ` — ${formatCount(r.split.subsets)} subnetworks of width ≤ 12 side by side`
  );
}

function reportFields(r: MemorizationReport): [string, string][] {
  const s = r.stageOne;
  const text = BOUND_TEXT[r.theorem];
  const theorem =
    r.theorem === "3.1"
      ? "3.1 (F = F₃ ∘ F₂ ∘ F₁)"
      : r.theorem === "5.1"
        ? `5.1, depth parameter L = ${r.budget} (${r.split.subsets} subsets of ≤ ${r.split.subsetSize} points side by side)`
        : `6.2, bit parameter B = ${r.budget} (${r.split.subsets} subsets of ≤ ${r.split.subsetSize} points chained)`;
  const n = summarizeList(
    Object.entries(r.split.pointsPerInterval).map(
      ([size, k]) => `n = ${k} for ${formatCount(Number(size))} points`,
    ),
    3,
  );
  const fields: [string, string][] = [
    ["theorem", theorem],
    [
      "data",
      `N = ${formatCount(r.data.size)}, d = ${r.data.dim}, C = ${formatCount(r.data.classes)}` +
        (r.data.epsilon !== null ? ` (ε-intervals, ε = ${r.data.epsilon})` : "") +
        `, r = ${fmt(r.data.radius)}, δ = ${fmt(r.data.separation)}` +
        (r.data.closestPair ? ` (rows ${r.data.closestPair[0]} and ${r.data.closestPair[1]})` : ""),
    ],
    [
      "stage I",
      `direction with q = ${s.directionBits} fraction bits (best of ${s.directionDraws} draws), ` +
        `scale 2^${s.scaleLog2}, shift b = ${s.bias}; smallest gap ${fmt(s.minGap)}` +
        (s.paperGap !== null
          ? ` (Lemma A.2 guarantees ${fmt(s.paperGap)}: ${s.meetsPaperGap ? "met" : "not met"})`
          : ""),
    ],
    [
      "range R",
      `measured max F₁(x_i) = 2^${s.log2ProjectedMax.toFixed(1)}; paper's worst case ` +
        `R = 10rN²δ⁻¹√(πd) = 2^${s.log2PaperR.toFixed(1)}; ρ = ${s.rho} bits per point, c = ${s.c} bits per label`,
    ],
    ["split", `${r.split.policy}: ${n}; ${formatCount(r.split.intervals)} intervals`],
    [
      "parameters",
      `${formatCount(r.network.parameters)} non-zero weights (+ ${formatCount(r.network.biases)} biases)` +
        (r.splits
          ? `; paper split ${formatCount(r.splits.paper.parameters)}, optimal split ${formatCount(r.splits.optimal.parameters)}`
          : ""),
    ],
    [
      "depth",
      formatCount(r.network.depth) +
        boundNote(r.theorem, text.depth, r.bounds.depth, r.bounds.depthRatio),
    ],
    ["width", widthField(r)],
    [
      "bit complexity",
      `${formatCount(r.network.bitComplexity)} bits` +
        (text.bits !== null && r.bounds.bitComplexity !== null && r.bounds.bitRatio !== null
          ? boundNote(r.theorem, text.bits, r.bounds.bitComplexity, r.bounds.bitRatio)
          : ` (Thm ${r.theorem} states no bound on the bits)`),
    ],
    [
      "parameter bound",
      `Thm ${r.theorem}: O(${text.parameters}) = ${fmt(r.bounds.parameters)} with constants 1; ` +
        `measured/bound ${fmt(r.bounds.parameterRatio, 3)}`,
    ],
    [
      "lower bounds",
      `VC: √N = ${fmt(r.lowerBounds.vc)} parameters for any network` +
        (r.lowerBounds.budget === null
          ? ""
          : r.theorem === "5.1"
            ? `, N/(depth·log N) = ${fmt(r.lowerBounds.budget)} at this depth`
            : `, N/(bits + log N) = ${fmt(r.lowerBounds.budget)} at this bit complexity`) +
        `; parameters/√N = ${fmt(r.parametersPerSqrtN)}`,
    ],
  ];
  if (r.crossover) {
    fields.push([
      "params < N from",
      `N ≈ ${r.crossover.paper === null ? "never below 2^50" : formatCount(r.crossover.paper)} (paper split), ` +
        `${r.crossover.optimal === null ? "never below 2^50" : formatCount(r.crossover.optimal)} (optimal split)` +
        ` for Thm 3.1 on data like these (estimate)`,
    ]);
  }
  fields.push([
    "time",
    `geometry ${formatSeconds(r.seconds.geometry)}, stage I ${formatSeconds(r.seconds.stageOne)}, ` +
      `build ${formatSeconds(r.seconds.build)}, total ${formatSeconds(r.seconds.total)}`,
  ]);
  return fields;
}

async function memorizeCommand(o: MemorizeCommandOptions): Promise<void> {
  const progress = progressReporter({ enabled: o.progress });
  let loaded: Awaited<ReturnType<typeof loadTrainingData>>;
  let problem: MemorizationProblem;
  let result: ReturnType<typeof memorize>;
  try {
    progress.phase("loading data");
    loaded = await loadTrainingData(o);
    progress.phase("checking the data");
    problem = problemFromDataset(
      loaded.dataset,
      o.epsilon === undefined ? {} : { epsilon: o.epsilon },
    );
    result = memorize(problem, {
      ...(o.depth !== undefined ? { depth: o.depth } : {}),
      ...(o.bits !== undefined ? { bits: o.bits } : {}),
      split: o.intervals,
      seed: o.seed,
      onProgress: progress.onProgress,
    });
  } catch (e) {
    progress.stop();
    throw e;
  }
  const { dataset, preprocessing } = loaded;
  const doc = networkDocument(result, dataset, {
    preprocessing,
    ...(o.epsilon === undefined ? {} : { epsilon: o.epsilon }),
  });
  if (!o.verify) progress.stop();
  const verification = o.verify ? runVerification(doc, problem, progress) : null;
  if (o.out !== undefined) await saveNetworkFile(o.out, doc, { timings: o.timings === true });
  if (o.json) {
    console.log(
      JSON.stringify({
        data: describeData(dataset),
        report: result.report,
        verification: verification?.exact ?? null,
        float64: verification?.float64 ?? null,
        out: o.out ?? null,
      }),
    );
  } else {
    console.log(`memonet memorize: ${describeData(dataset)}`);
    const fields = reportFields(result.report);
    if (verification) fields.push(...verificationFields(verification));
    console.log(formatFields(fields));
    if (o.out !== undefined) console.log(`  network written to ${o.out}`);
  }
  if (verification && !verification.exact.ok) {
    throw new VerificationError(
      `the network does not memorize the data: ${verification.exact.points - verification.exact.correct} ` +
        `of ${verification.exact.points} points wrong (please report this as a bug)`,
    );
  }
}

export { loadNetworkFile } from "../node/networkStore.js";
export { problemForNetwork } from "../vys/networkData.js";

async function verifyCommand(file: string, o: VerifyCommandOptions): Promise<void> {
  const doc = await loadNetworkFor(file);
  const ds = await loadEvaluationData(o, doc.preprocessing);
  const problem = problemForNetwork(doc, ds);
  const progress = progressReporter({ enabled: o.progress });
  let v: ReturnType<typeof runVerification>;
  try {
    v = runVerification(doc, problem, progress, {
      seconds: o.timeLimit,
      maxMemoryBytes: o.memoryLimit * 2 ** 20,
    });
  } catch (e) {
    if (!(e instanceof ResourceLimitError)) throw e;
    throw new ResourceLimitError(
      `${file}: ${e.message}; limits: --time-limit ${o.timeLimit} s, --memory-limit ${o.memoryLimit} MiB`,
    );
  }
  const m = networkMetrics(doc.network);
  if (o.json) {
    console.log(
      JSON.stringify({
        network: file,
        data: describeData(ds),
        metrics: m,
        verification: v.exact,
        float64: v.float64,
      }),
    );
  } else {
    console.log(`memonet verify: ${file} on ${describeData(ds)}`);
    console.log(
      formatFields([
        [
          "network",
          `depth ${formatCount(m.depth)}, width ${m.width}, ${formatCount(m.parameters)} parameters ` +
            `(+ ${formatCount(m.biases)} biases), bit complexity ${formatCount(m.bitComplexity)}`,
        ],
        ...verificationFields(v),
      ]),
    );
  }
  if (!v.exact.ok) {
    const f = v.exact.failures[0];
    throw new VerificationError(
      `${file} does not memorize ${ds.name}: ${v.exact.points - v.exact.correct} of ${v.exact.points} points wrong ` +
        `(first: row ${f.row}, expected ${f.expected}, got ${f.got})`,
    );
  }
}
