// The networks of Thms 3.1, 5.1 and 6.2 from a plan (the stage I projection and the subsets of
// projected points):
//   Thm 3.1: F = F₃ ∘ F₂ ∘ F₁ (Appendix A).
//   Thm 5.1 (depth parameter L): subsets of L² consecutive projected points, one F₃ ∘ F₂ each,
//            side by side, outputs summed (Appendix B).
//   Thm 6.2 (bit parameter B): subsets of B² points, one F₃ ∘ F₂ each, chained in depth; each adds
//            its label to a running sum carried along with x (Appendix C).
// Subsets are consecutive in the sorted order of the projected points; a subnetwork outputs 0 on
// every projected point at distance >= 2 from its own points (its windows and matches are 0).

import { compose, parallel } from "./algebra.js";
import { Lin, NetworkBuilder } from "./builder.js";
import { type ReluNetwork, networkMetrics } from "./network.js";
import type { PreparedProblem } from "./problem.js";
import { type SplitPolicy, optimalPointsPerInterval, paperPointsPerInterval } from "./split.js";
import { type StageOne, emitStageOne } from "./stageOne.js";
import { type SubsetPoints, emitSubnetwork, subnetworkNetwork } from "./subnetwork.js";

/** Size of one split's network. */
export interface SplitSummary {
  readonly policy: SplitPolicy;
  /** Points per interval n of each distinct subset size (size → n). */
  readonly pointsPerInterval: Readonly<Record<string, number>>;
  readonly intervals: number;
  readonly parameters: number;
  readonly depth: number;
  readonly width: number;
  readonly bitComplexity: number;
}

/** One subset of sorted points: [start, end) in projected order. */
export interface Subset {
  readonly start: number;
  readonly end: number;
}

/** Everything the builders need: the projection, the labels in projected order, the subsets. */
export interface Plan {
  readonly theorem: "3.1" | "5.1" | "6.2";
  readonly stage: StageOne;
  readonly prep: PreparedProblem;
  readonly labelsSorted: Int32Array;
  readonly subsets: readonly Subset[];
  readonly rho: number;
  readonly c: number;
}

/** Builds the plan's network with the given split policy and measures it. */
export function buildWithPolicy(
  plan: Plan,
  policy: SplitPolicy,
): { network: ReluNetwork; summary: SplitSummary } {
  const chain = plan.theorem === "6.2";
  const perSize = new Map<number, number>();
  const nFor = (size: number): number => {
    let n = perSize.get(size);
    if (n === undefined) {
      n =
        policy === "paper"
          ? paperPointsPerInterval(size)
          : optimalPointsPerInterval(size, plan.rho, plan.c, chain).pointsPerInterval;
      perSize.set(size, n);
    }
    return n;
  };
  const network = buildNetwork(plan, nFor);
  const m = networkMetrics(network);
  const intervals = plan.subsets.reduce(
    (s, sub) => s + Math.ceil((sub.end - sub.start) / nFor(sub.end - sub.start)),
    0,
  );
  return {
    network,
    summary: {
      policy,
      pointsPerInterval: Object.fromEntries(perSize),
      intervals,
      parameters: m.parameters,
      depth: m.depth,
      width: m.width,
      bitComplexity: m.bitComplexity,
    },
  };
}

function subsetPoints(plan: Plan, s: Subset): SubsetPoints {
  return {
    floors: plan.stage.floors.slice(s.start, s.end),
    labels: plan.labelsSorted.subarray(s.start, s.end),
  };
}

/** The output map: the label itself, or offset + ε·label for regression (Remark 3.3). */
function outputOf(plan: Plan, y: Lin): Lin {
  const r = plan.prep.regression;
  return r ? y.times(r.epsilon).plus(Lin.constant(r.offset)) : y;
}

/**
 * The network of the plan's theorem, with nFor(size) points per interval for a subset of that
 * size: Thm 3.1 one F₃ ∘ F₂ after F₁; Thm 6.2 the subsets' F₃ ∘ F₂ chained, each adding its label
 * to a running sum carried with x; Thm 5.1 the subsets' F₃ ∘ F₂ side by side, summed.
 */
export function buildNetwork(plan: Plan, nFor: (size: number) => number): ReluNetwork {
  const shapeOf = (s: Subset) => ({
    pointsPerInterval: nFor(s.end - s.start),
    rho: plan.rho,
    c: plan.c,
  });
  if (plan.theorem === "3.1") {
    const bld = new NetworkBuilder(plan.prep.dim);
    const x = emitStageOne(bld, plan.stage);
    const s = plan.subsets[0];
    const { y } = emitSubnetwork(bld, x, subsetPoints(plan, s), shapeOf(s), {});
    return bld.finish([outputOf(plan, y)], "output");
  }
  if (plan.theorem === "6.2") {
    const bld = new NetworkBuilder(plan.prep.dim);
    let X = emitStageOne(bld, plan.stage);
    let total = Lin.zero;
    plan.subsets.forEach((s, k) => {
      const last = k === plan.subsets.length - 1;
      bld.span(`subset ${k + 1} of ${plan.subsets.length}`, () => {
        const carry: Record<string, Lin> = last
          ? { "chain.y": total }
          : { "chain.x": X, "chain.y": total };
        const r = emitSubnetwork(bld, X, subsetPoints(plan, s), shapeOf(s), carry);
        if (!last) X = r.carry["chain.x"];
        total = (total.isConstant ? total : r.carry["chain.y"]).plus(r.y);
      });
    });
    return bld.finish([outputOf(plan, total)], "output");
  }
  // Thm 5.1: G ∘ (F_1, ..., F_K) ∘ H.
  const h = new NetworkBuilder(plan.prep.dim);
  const stageNet = h.finish([emitStageOne(h, plan.stage)]);
  const subnets = plan.subsets.map((s) => subnetworkNetwork(subsetPoints(plan, s), shapeOf(s)));
  const side = parallel(subnets, {
    outputsNonNegative: true, // each output is a sum of ReLU outputs with weights 1
    names: plan.subsets.map((_, k) => `subset ${k + 1} of ${plan.subsets.length}`),
  });
  const g = new NetworkBuilder(subnets.length);
  const sum = g.finish([outputOf(plan, Lin.sum(g.inputs()))], "output (sum, App. B's G)");
  return compose(compose(sum, side), stageNet);
}
