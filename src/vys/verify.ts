// Verification: evaluate the network exactly on every training point and check F(x_i) = y_i
// (classification) or |F(x_i) − t_i| <= ε/2 (regression). Also the same check in float64, to see
// whether finite precision would do.

import { checkFeatures } from "../validation.js";
import { DataError } from "../data/dataset.js";
import {
  type Dyadic,
  compare,
  formatDyadic,
  fromInteger,
  fromNumber,
  mulPow2,
  sub,
  toNumber,
} from "./dyadic.js";
import {
  type ExactBudget,
  ExactRunner,
  compileExact,
  inputExponentsOf,
  orderByFirstLayer,
} from "./exactEval.js";
import {
  type FloatDivergence,
  compileFloat64,
  evaluateFloatProgram,
  findFloat64Divergence,
} from "./floatEval.js";
import type { ReluNetwork } from "./network.js";
import type { MemorizationProblem } from "./problem.js";
import type { OnProgress } from "../progress.js";

/** A training point the network gets wrong. */
export interface VerificationFailure {
  /** 0-based row. */
  readonly row: number;
  readonly expected: string;
  readonly got: string;
}

/** Outcome of an exact verification. */
export interface VerificationResult {
  readonly points: number;
  readonly correct: number;
  /** True when every point is memorized exactly. */
  readonly ok: boolean;
  /** Failures by increasing row (at most maxFailures). */
  readonly failures: readonly VerificationFailure[];
  readonly seconds: number;
}

/** Options of verifyNetwork. */
export interface VerifyOptions {
  /** Failures listed (default 10). */
  readonly maxFailures?: number;
  /** Progress as points are checked: phase "exact verification", in points. */
  readonly onProgress?: OnProgress;
  /** Check only these rows, in this order (default: all, ordered by orderByFirstLayer). */
  readonly rows?: ArrayLike<number>;
  /** Resource limits: bits per value, memory and time (ResourceLimitError beyond them). */
  readonly limits?: VerifyLimits;
}

/** Resource limits of a verification (defaults: DEFAULT_EXACT_BUDGET, no time limit). */
export interface VerifyLimits extends Omit<ExactBudget, "deadline"> {
  /** Wall-clock seconds the exact evaluation may take (default: no limit). */
  readonly seconds?: number;
}

/** What a point must map to: an exact label, or a target with a tolerance. */
interface Expectation {
  readonly size: number;
  check(row: number, out: Dyadic): boolean;
  checkFloat(row: number, out: number): boolean;
  describe(row: number): string;
}

function expectation(net: ReluNetwork, p: MemorizationProblem): Expectation {
  const name = p.name ?? "data";
  if (p.dim !== net.inputDim) {
    throw new DataError(
      `${name}: points have dimension ${p.dim}, the network expects ${net.inputDim}`,
    );
  }
  if (net.outputDim !== 1)
    throw new DataError(`the network has ${net.outputDim} outputs, expected 1`);
  checkFeatures(p.points, p.dim, name, "coordinate");
  const size = Math.floor(p.points.length / p.dim);
  if (p.epsilon !== undefined || p.targets !== undefined) {
    const { targets, epsilon } = p;
    if (
      targets === undefined ||
      !(epsilon !== undefined && epsilon > 0 && Number.isFinite(epsilon))
    ) {
      throw new DataError(`${name}: regression needs targets and a finite epsilon > 0`);
    }
    if (targets.length !== size)
      throw new DataError(`${name}: ${size} points but ${targets.length} targets`);
    const half = mulPow2(fromNumber(epsilon), -1);
    const t = Array.from(targets, (v, i) => {
      if (!Number.isFinite(v)) throw new DataError(`${name}: row ${i} (0-based) has target ${v}`);
      return fromNumber(v);
    });
    return {
      size,
      check: (row, out) => {
        const d = sub(out, t[row]);
        return compare(d.m < 0n ? { m: -d.m, e: d.e } : d, half) <= 0;
      },
      checkFloat: (row, out) => Math.abs(out - targets[row]) <= epsilon / 2,
      describe: (row) => `${targets[row]} ± ${epsilon / 2}`,
    };
  }
  const { labels } = p;
  if (labels === undefined) throw new DataError(`${name}: labels (or targets) are required`);
  if (labels.length !== size)
    throw new DataError(`${name}: ${size} points but ${labels.length} labels`);
  const want = Array.from(labels, (y, i) => {
    if (!Number.isSafeInteger(y))
      throw new DataError(`${name}: row ${i} (0-based) has label ${y}, not an integer`);
    return fromInteger(y);
  });
  return {
    size,
    check: (row, out) => out.m === want[row].m && out.e === want[row].e,
    checkFloat: (row, out) => out === labels[row],
    describe: (row) => String(labels[row]),
  };
}

/**
 * Evaluates `net` exactly on the problem's points and checks every output. DataError if the
 * problem does not fit the network (dimension, labels).
 */
export function verifyNetwork(
  net: ReluNetwork,
  problem: MemorizationProblem,
  options: VerifyOptions = {},
): VerificationResult {
  const t0 = performance.now();
  const exp = expectation(net, problem);
  const rows = options.rows ?? orderByFirstLayer(net, problem.points);
  const maxFailures = options.maxFailures ?? 10;
  const limits = options.limits ?? {};
  const program = compileExact(net, inputExponentsOf(problem.points, problem.dim), limits);
  const seconds = limits.seconds ?? Infinity;
  const runner = new ExactRunner(program, { deadline: t0 + seconds * 1000 });
  const failures: VerificationFailure[] = [];
  let correct = 0;
  for (let t = 0; t < rows.length; t++) {
    const row = rows[t];
    const out = runner.evaluate(problem.points, row * problem.dim)[0];
    if (exp.check(row, out)) correct++;
    else if (failures.length < 100 * maxFailures) {
      failures.push({ row, expected: exp.describe(row), got: formatDyadic(out) });
    }
    if (options.onProgress && ((t + 1) % 64 === 0 || t + 1 === rows.length)) {
      options.onProgress({
        phase: "exact verification",
        done: t + 1,
        total: rows.length,
        unit: "points",
      });
    }
  }
  failures.sort((a, b) => a.row - b.row); // rows were evaluated in projected order
  return {
    points: rows.length,
    correct,
    ok: correct === rows.length,
    failures: failures.slice(0, maxFailures),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Outcome of evaluating in float64 instead of exactly. */
export interface Float64Check {
  readonly points: number;
  /** Points whose float64 output meets the same test as the exact check. */
  readonly correct: number;
  /** Where float64 first departs from the exact values on the first failing point (if any). */
  readonly divergence: (FloatDivergence & { readonly row: number }) | null;
  /** Weights and biases that float64 cannot hold exactly (rounded, or beyond its range). */
  readonly inexactWeights: number;
}

/** Checks the problem's points with float64 arithmetic (weights rounded to float64). */
export function checkFloat64(net: ReluNetwork, problem: MemorizationProblem): Float64Check {
  const exp = expectation(net, problem);
  const program = compileFloat64(net);
  let correct = 0;
  let firstBad = -1;
  for (let i = 0; i < exp.size; i++) {
    const out = evaluateFloatProgram(program, problem.points, i * problem.dim)[0];
    if (exp.checkFloat(i, out)) correct++;
    else if (firstBad < 0) firstBad = i;
  }
  let inexact = 0;
  for (const layer of net.layers) {
    for (const v of [...layer.values, ...layer.biases]) {
      if (v.m !== 0n && !exactInFloat64(v)) inexact++;
    }
  }
  let divergence: Float64Check["divergence"] = null;
  if (firstBad >= 0) {
    const x = problem.points.subarray(firstBad * problem.dim, (firstBad + 1) * problem.dim);
    const d = findFloat64Divergence(net, x);
    if (d) divergence = { ...d, row: firstBad };
  }
  return { points: exp.size, correct, divergence, inexactWeights: inexact };
}

function exactInFloat64(v: Dyadic): boolean {
  const f = toNumber(v);
  if (!Number.isFinite(f)) return false;
  const back = fromNumber(f);
  return back.m === v.m && back.e === v.e;
}
