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
import type { Float64Check, VerificationResult } from "../vys/verify.js";
import { loadNetworkFile, saveNetworkFile } from "../node/networkStore.js";
import {
  type DataOptions,
  addDataOptions,
  describeData,
  loadEvaluationData,
  loadTrainingData,
} from "./dataOptions.js";
import { formatCount, formatFields, formatSeconds } from "./format.js";
import { integerAtLeast, numberAbove } from "./parse.js";

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
}

interface VerifyCommandOptions extends DataOptions {
  json?: boolean;
}

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
    .action(memorizeCommand);

  addDataOptions(
    program
      .command("verify")
      .description("evaluate a network file exactly on a data set and check every label")
      .argument("<net.json>"),
  )
    .option("--json", "print JSON")
    .action(verifyCommand);
}

/** A stderr progress line while verifying (only when stderr is a terminal). */
function progressLine(label: string): {
  update: (done: number, total: number) => void;
  stop: () => void;
} {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update: (done, total) => {
      const now = Date.now();
      if (!tty || (now - last < 200 && done < total)) return;
      last = now;
      process.stderr.write(`\r${label}: ${formatCount(done)} / ${formatCount(total)} points`);
    },
    stop: () => {
      if (tty) process.stderr.write("\r\x1b[K");
    },
  };
}

function runVerification(
  doc: NetworkDocument,
  problem: MemorizationProblem,
): { exact: VerificationResult; float64: Float64Check } {
  const progress = progressLine("verifying exactly");
  try {
    return verifyDocument(doc, problem, progress.update);
  } finally {
    progress.stop();
  }
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
        ? `; on row ${d.row} it first departs at layer ${d.layer} (${d.spans.join(", ") || "?"})`
        : ""),
  ]);
  return fields;
}

function fmt(v: number | null, digits = 4): string {
  if (v === null) return "—";
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e7)) return v.toExponential(digits - 1);
  if (Math.abs(v) >= 1000) return formatCount(v);
  return Number(v.toPrecision(digits)).toString();
}

function reportFields(r: MemorizationReport): [string, string][] {
  const s = r.stageOne;
  const theorem =
    r.theorem === "3.1"
      ? "3.1 (F = F₃ ∘ F₂ ∘ F₁)"
      : r.theorem === "5.1"
        ? `5.1, depth parameter L = ${r.budget} (${r.split.subsets} subsets of ≤ ${r.split.subsetSize} points side by side)`
        : `6.2, bit parameter B = ${r.budget} (${r.split.subsets} subsets of ≤ ${r.split.subsetSize} points chained)`;
  const n = Object.entries(r.split.pointsPerInterval)
    .map(([size, k]) => `n = ${k} for ${formatCount(Number(size))} points`)
    .join(", ");
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
      `${formatCount(r.network.depth)} (bound expression ${fmt(r.bounds.depth)}, ratio ${fmt(r.bounds.depthRatio, 3)})`,
    ],
    [
      "width",
      `${r.network.width}` + (r.bounds.width !== null ? ` (bound ${fmt(r.bounds.width)})` : ""),
    ],
    [
      "bit complexity",
      `${formatCount(r.network.bitComplexity)} bits` +
        (r.bounds.bitComplexity !== null
          ? ` (bound expression ${fmt(r.bounds.bitComplexity)})`
          : ""),
    ],
    [
      "parameter bound",
      `${fmt(r.bounds.parameters)} (constants 1; ratio ${fmt(r.bounds.parameterRatio, 3)}); VC lower bound √N = ` +
        `${fmt(r.lowerBounds.vc)}` +
        (r.lowerBounds.budget !== null ? `, for this budget ${fmt(r.lowerBounds.budget)}` : "") +
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
  const { dataset, preprocessing } = await loadTrainingData(o);
  const problem = problemFromDataset(
    dataset,
    o.epsilon === undefined ? {} : { epsilon: o.epsilon },
  );
  const result = memorize(problem, {
    ...(o.depth !== undefined ? { depth: o.depth } : {}),
    ...(o.bits !== undefined ? { bits: o.bits } : {}),
    split: o.intervals,
    seed: o.seed,
  });
  const doc = networkDocument(result, dataset, {
    preprocessing,
    ...(o.epsilon === undefined ? {} : { epsilon: o.epsilon }),
  });
  const verification = o.verify ? runVerification(doc, problem) : null;
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
  const doc = await loadNetworkFile(file);
  const ds = await loadEvaluationData(o, doc.preprocessing);
  const problem = problemForNetwork(doc, ds);
  const v = runVerification(doc, problem);
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
