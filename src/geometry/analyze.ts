// `analyze`: the quantities of Dirksen–Finke–Genzel's Theorem 4 / 11 measured on a data set —
// basic geometry, a greedy mutual covering satisfying (1), Monte-Carlo ω (Eq. (2)) with
// Remark 12's estimates, Theorem 11's predicted widths (hidden constants 1) — and, optionally, the
// widths actually built by Algorithm 1 and Algorithm 2 beside them.

import type { Dataset } from "../data/dataset.js";
import { DataError } from "../data/dataset.js";
import { checkDisjointClasses, checkFinite, classCounts, radius } from "../data/preprocess.js";
import { fitModel } from "../dfg/fit.js";
import type { Activation } from "../dfg/firstLayer.js";
import type { InterpolationModel } from "../dfg/model.js";
import { OptionError } from "../dfg/params.js";
import type { Kernels } from "../backends/types.js";
import {
  componentMembers,
  DEFAULT_COVER_ORDERS,
  coverRadius,
  greedyCovering,
  kernelBallSearch,
  treeBallSearch,
  type BallSearch,
  type ClassCovering,
  type ClassSide,
  type CoverOrder,
} from "./covering.js";
import { squaredDistance, type DistanceKernel } from "../backends/reference/distances.js";
import { gaussianDraws, summarizeDraws, type WidthEstimate } from "./meanWidth.js";
import { nearestByClass, rowsByClass, type NearestByClass } from "./nearest.js";
import type { OnProgress } from "../progress.js";
import { spanRank } from "./span.js";
import { boundedBallSearch } from "./boundedBallSearch.js";
import { BOUND_DIRECTIONS, projectionBound, type ProjectionBound } from "./projectionBound.js";
import type { KdTree } from "./kdTree.js";
import { omegaOf, predictedWidth, remark12Estimates } from "./theory.js";

/** What to fit beside the analysis (both algorithms use the same λ, activation and seed). */
export interface AnalyzeFit {
  readonly kernels: Kernels;
  /** Algorithm 2's width n (default 1000). */
  readonly n?: number;
  /** Algorithm 1's n_min (default 0). */
  readonly nMin?: number;
  readonly seed?: number;
  readonly activation?: Activation;
  readonly maxWidth?: number;
  /** Which algorithms to run (default both). */
  readonly algorithms?: readonly (1 | 2)[];
}

export interface AnalyzeOptions {
  readonly kernel: DistanceKernel;
  /** The constant c of the radii (default 1). */
  readonly constant?: number;
  /** λ of condition (1) and Theorem 11 (default 1 = the radius of normalized data). */
  readonly lambda?: number;
  /** Failure probability η of Theorem 11 (default 0.01). */
  readonly eta?: number;
  /** Monte-Carlo draws per mean width (default 100) and their seed (default 0). */
  readonly draws?: number;
  readonly seed?: number;
  /** Confidence level of the intervals: 0.9, 0.95 (default) or 0.99. */
  readonly level?: number;
  /** Greedy orders tried (default both); the smaller cover is reported. */
  readonly orders?: readonly CoverOrder[];
  /** X⁻ class of each problem. Default: those of the fitted model, else every class in turn. */
  readonly problems?: readonly number[];
  /** Fit Algorithm 1 and 2 (default: no fit). */
  readonly fit?: AnalyzeFit;
  /** Brute-force check of coverage and (1): true, false, or "auto" (N <= 5000; the default). */
  readonly check?: boolean | "auto";
  /**
   * Prune the ball queries of dense data above 48 dimensions with the projection bound
   * (projectionBound.ts; default true). The report is the same either way, only faster.
   */
  readonly projectionBound?: boolean;
  /**
   * Progress, phase by phase: "fit (Algorithm k): first layer" …, "distances", "cover X⁻ = c
   * (order)", "mean widths".
   */
  readonly onProgress?: OnProgress;
}

/** A distribution summary: quantiles and a histogram. */
export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly quantiles: Readonly<Record<string, number>>;
  readonly histogram: { readonly edges: number[]; readonly counts: number[] };
}

/** One class side of a problem's mutual covering. */
export interface SideReport {
  readonly className: string;
  readonly points: number;
  /** M (the smaller over the orders tried) and the order that gave it. */
  readonly m: number;
  readonly order: CoverOrder;
  readonly mByOrder: Readonly<Partial<Record<CoverOrder, number>>>;
  /** Per component ℓ: its center (data row), radius, d(c, C_other), |X_ℓ|, points first covered. */
  readonly centers: number[];
  readonly radii: number[];
  readonly centerDistance: number[];
  readonly sizes: number[];
  readonly assignedSizes: number[];
  /** Monte-Carlo w(X_ℓ − c_ℓ) with its confidence interval, per component. */
  readonly widths: number[];
  readonly widthLow: number[];
  readonly widthHigh: number[];
  /** dim span(X_ℓ − c_ℓ) per component (Gram–Schmidt, see span.ts): Remark 12's subspace bound. */
  readonly spanRanks: number[];
  /** ω of this side (Eq. (2)) from the estimates and from the interval ends. */
  readonly omega: number;
  readonly omegaLow: number;
  readonly omegaHigh: number;
  /** Remark 12's estimates of ω (constants 1): finite set, span dimension, sparsity. */
  readonly omegaRemark12: {
    readonly finite: number;
    readonly subspace: number;
    readonly sparse: number;
  };
  readonly sizeSummary: Distribution;
  /** Brute-force check results (null when not checked). */
  readonly covers: boolean | null;
  readonly condition1: boolean | null;
}

/** One binary problem (X⁻ = one class, X⁺ = the others). */
export interface ProblemReport {
  readonly negativeClass: number;
  readonly negative: SideReport;
  readonly positive: SideReport;
  /** δ = d(C⁻, C⁺), and d(x⁻, X⁺) over x⁻ ∈ X⁻. */
  readonly delta: number;
  readonly boundaryDistance: Distribution;
  readonly omega: number;
  readonly omegaLow: number;
  readonly omegaHigh: number;
  /** Theorem 11 with constants 1. */
  readonly predicted: {
    readonly n: number;
    readonly nLow: number;
    readonly nHigh: number;
    readonly separationTerm: number;
    readonly complexityTerm: number;
    readonly nHat: number;
  };
  /** Built second-layer widths n̂ (null without a fit). */
  readonly built: { readonly algorithm1: number | null; readonly algorithm2: number | null };
}

/** Basic geometry of the whole data set. */
export interface BasicGeometry {
  readonly points: number;
  readonly dim: number;
  readonly classCounts: Readonly<Record<string, number>>;
  readonly radius: number;
  readonly minDistance: number;
  readonly minDistancePair: readonly [number, number];
  readonly minCrossDistance: number;
  readonly minAngleDegrees: number;
  readonly minAnglePair: readonly [number, number];
  readonly method: string;
}

export interface FitReport {
  readonly algorithm: 1 | 2;
  readonly n: number;
  readonly nHat: number;
  readonly nHatByClass: Readonly<Record<string, number>>;
  readonly interpolates: boolean;
  readonly seconds: number;
}

/** The report of `analyze`. */
export interface AnalysisReport {
  readonly data: string;
  readonly options: {
    readonly constant: number;
    readonly lambda: number;
    readonly eta: number;
    readonly draws: number;
    readonly seed: number;
    readonly level: number;
    readonly orders: readonly CoverOrder[];
    readonly hiddenConstants: 1;
  };
  readonly basic: BasicGeometry;
  readonly problems: readonly ProblemReport[];
  /** Sums over the problems (multi-class) / the single problem (binary). */
  readonly summary: {
    readonly mMinusSum: number;
    readonly predictedN: number;
    readonly predictedNHatSum: number;
    readonly builtN: { readonly algorithm1: number | null; readonly algorithm2: number | null };
    readonly builtNHatSum: {
      readonly algorithm1: number | null;
      readonly algorithm2: number | null;
    };
    /** built / predicted (null without a fit). */
    readonly ratioN: { readonly algorithm1: number | null; readonly algorithm2: number | null };
    readonly ratioNHat: { readonly algorithm1: number | null; readonly algorithm2: number | null };
  };
  readonly fits: readonly FitReport[];
  readonly seconds: Readonly<Record<string, number>>;
}

/** Validates the data (>= 2 non-empty classes, finite, no point in two classes). */
export function checkAnalyzable(ds: Dataset): void {
  if (ds.size === 0) throw new DataError(`${ds.name}: the data set has no points`);
  const counts = classCounts(ds);
  const present = counts.filter((c) => c > 0).length;
  if (ds.classNames.length < 2 || present < 2) {
    throw new DataError(
      `${ds.name}: analyze needs at least 2 classes with points, got ${present} (${ds.classNames.join(", ")})`,
    );
  }
  counts.forEach((c, k) => {
    if (c === 0)
      throw new DataError(`${ds.name}: class ${JSON.stringify(ds.classNames[k])} has no points`);
  });
  checkFinite(ds);
  checkDisjointClasses(ds);
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) {
    throw new OptionError(`the '${name}' option of analyze must be a number > 0; got ${v} instead`);
  }
  return v;
}

/** Quantiles and a 20-bin histogram of `values`. */
export function distribution(values: ArrayLike<number>, bins = 20): Distribution {
  const v = Float64Array.from(values).sort();
  const n = v.length;
  const q = (p: number) => (n === 0 ? NaN : v[Math.min(n - 1, Math.floor(p * (n - 1) + 0.5))]);
  let sum = 0;
  for (const x of v) sum += x;
  const min = n === 0 ? NaN : v[0];
  const max = n === 0 ? NaN : v[n - 1];
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - min) / width))]++;
  const quantiles: Record<string, number> = {};
  for (const p of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) quantiles[String(p)] = q(p);
  return {
    count: n,
    min,
    max,
    mean: n === 0 ? NaN : sum / n,
    quantiles,
    histogram: { edges: Array.from({ length: bins + 1 }, (_, i) => min + i * width), counts },
  };
}

/** Projections P[row * draws + t] = ⟨g_t, x_row⟩ of every point (for dense data). */
function projections(ds: Dataset, g: Float64Array, draws: number): Float64Array {
  const { size, dim, features } = ds;
  const out = new Float64Array(size * draws);
  // Zero coordinates are skipped: the sum starts at +0 and adding g·0 = ±0 changes no bit.
  const nz = new Int32Array(dim);
  for (let i = 0; i < size; i++) {
    const x = i * dim;
    let count = 0;
    for (let k = 0; k < dim; k++) if (features[x + k] !== 0) nz[count++] = k;
    for (let t = 0; t < draws; t++) {
      let s = 0;
      const gt = t * dim;
      for (let j = 0; j < count; j++) s += g[gt + nz[j]] * features[x + nz[j]];
      out[i * draws + t] = s;
    }
  }
  return out;
}

interface SideWork {
  readonly side: ClassSide;
  readonly covering: ClassCovering;
  readonly mByOrder: Partial<Record<CoverOrder, number>>;
  readonly search: BallSearch;
}

interface Context {
  readonly ds: Dataset;
  readonly kernel: DistanceKernel;
  readonly constant: number;
  readonly lambda: number;
  readonly draws: number;
  readonly seed: number;
  readonly level: number;
  readonly orders: readonly CoverOrder[];
  readonly useTree: boolean;
  readonly g: Float64Array;
  readonly proj: Float64Array | null;
  readonly nearest: NearestByClass;
  readonly byClass: readonly Int32Array[];
  /** The projection bound that prunes the kernel's ball queries (dense data above 48 dimensions). */
  readonly bound: ProjectionBound | undefined;
  readonly progress: OnProgress;
}

/** The nearest pass's k-d tree of a class whose rows are exactly `rows`, if there is one. */
function classTree(ctx: Context, rows: Int32Array): KdTree | undefined {
  const trees = ctx.nearest.trees;
  if (trees === undefined) return undefined;
  const k = ctx.byClass.findIndex(
    (r) => r.length === rows.length && r.every((row, i) => row === rows[i]),
  );
  return k >= 0 ? trees[k] : undefined;
}

function coverSide(ctx: Context, side: ClassSide, label: string): SideWork {
  const search = ctx.useTree
    ? treeBallSearch(ctx.ds, side.rows, classTree(ctx, side.rows))
    : ctx.bound !== undefined
      ? boundedBallSearch(ctx.ds, side.rows, ctx.kernel, ctx.bound)
      : kernelBallSearch(ctx.ds, side.rows, ctx.kernel);
  let best: ClassCovering | undefined;
  const mByOrder: Partial<Record<CoverOrder, number>> = {};
  for (const order of ctx.orders) {
    const c = greedyCovering(side, search, {
      order,
      constant: ctx.constant,
      lambda: ctx.lambda,
      seed: ctx.seed,
      onProgress: (e) => ctx.progress({ ...e, phase: `cover ${label} (${order})` }),
    });
    mByOrder[order] = c.centers.length;
    if (best === undefined || c.centers.length < best.centers.length) best = c;
  }
  if (best === undefined) throw new OptionError("analyze: no greedy order given");
  return { side, covering: best, mByOrder, search };
}

/** d(c, C_other) for each center of both sides, and δ (via the tile kernel). */
function centerDistances(
  ctx: Context,
  a: SideWork,
  b: SideWork,
): { da: Float64Array; db: Float64Array; delta: number } {
  const { ds } = ctx;
  const dim = ds.dim;
  const gatherCenters = (w: SideWork) => {
    const out = new Float32Array(w.covering.centers.length * dim);
    w.covering.centers.forEach((p, i) => {
      const r = w.side.rows[p];
      out.set(ds.features.subarray(r * dim, (r + 1) * dim), i * dim);
    });
    return out;
  };
  const xa = gatherCenters(a);
  const xb = gatherCenters(b);
  const ma = a.covering.centers.length;
  const mb = b.covering.centers.length;
  const da = new Float64Array(ma).fill(Infinity);
  const db = new Float64Array(mb).fill(Infinity);
  const block = 256;
  const chunk = 4096;
  const tile = new Float64Array(block * chunk);
  for (let i0 = 0; i0 < ma; i0 += block) {
    const ai = Math.min(block, ma - i0);
    for (let j0 = 0; j0 < mb; j0 += chunk) {
      const bj = Math.min(chunk, mb - j0);
      ctx.kernel.squaredDistances(
        xa.subarray(i0 * dim, (i0 + ai) * dim),
        ai,
        xb.subarray(j0 * dim, (j0 + bj) * dim),
        bj,
        dim,
        tile,
      );
      for (let i = 0; i < ai; i++) {
        for (let j = 0; j < bj; j++) {
          const s = tile[i * bj + j];
          if (s < da[i0 + i]) da[i0 + i] = s;
          if (s < db[j0 + j]) db[j0 + j] = s;
        }
      }
    }
  }
  let delta = Infinity;
  for (let i = 0; i < ma; i++) {
    da[i] = Math.sqrt(da[i]);
    delta = Math.min(delta, da[i]);
  }
  for (let j = 0; j < mb; j++) db[j] = Math.sqrt(db[j]);
  return { da, db, delta };
}

/** Brute force: every point of the side is in some ball, and (1) holds with d(c, C_other). */
export function checkSideCovering(
  ds: Dataset,
  side: ClassSide,
  covering: ClassCovering,
  otherCenters: Int32Array,
  constant: number,
  lambda: number,
): { covers: boolean; condition1: boolean } {
  const dim = ds.dim;
  const f = ds.features;
  const centerRows = Array.from(covering.centers, (p) => side.rows[p]);
  let covers = true;
  for (const row of side.rows) {
    let inside = false;
    for (let l = 0; l < centerRows.length && !inside; l++) {
      const r = covering.radii[l];
      const s = squaredDistance(f, row * dim, f, centerRows[l] * dim, dim);
      // The kernel computes distances in another (equally exact-by-spec) form: allow its rounding.
      if (s <= r * r * (1 + 1e-9) + 1e-15) inside = true;
    }
    if (!inside) covers = false;
  }
  let condition1 = true;
  centerRows.forEach((c, l) => {
    let d2 = Infinity;
    for (const o of otherCenters) d2 = Math.min(d2, squaredDistance(f, c * dim, f, o * dim, dim));
    const bound = coverRadius(Math.sqrt(d2), constant, lambda);
    if (!(covering.radii[l] <= bound * (1 + 1e-9))) condition1 = false;
  });
  return { covers, condition1 };
}

function sideReport(
  ctx: Context,
  w: SideWork,
  centerDistance: Float64Array,
  className: string,
  check: { covers: boolean; condition1: boolean } | null,
): SideReport {
  const { ds, draws } = ctx;
  const dim = ds.dim;
  const f = ds.features;
  const members = componentMembers(w.side, w.covering, w.search);
  const M = w.covering.centers.length;
  const widths: number[] = [];
  const widthLow: number[] = [];
  const widthHigh: number[] = [];
  const finite: number[] = [];
  const subspace: number[] = [];
  const sparse: number[] = [];
  const spanRanks: number[] = [];
  const values = new Float64Array(draws);
  const centerProj = new Float64Array(draws);
  for (let l = 0; l < M; l++) {
    const c = w.side.rows[w.covering.centers[l]];
    const list = members[l];
    let rho2 = 0;
    let sparsity = 0;
    for (const p of list) {
      const r = w.side.rows[p];
      rho2 = Math.max(rho2, squaredDistance(f, r * dim, f, c * dim, dim));
      let nz = 0;
      for (let k = 0; k < dim; k++) if (f[r * dim + k] !== f[c * dim + k]) nz++;
      sparsity = Math.max(sparsity, nz);
    }
    values.fill(0);
    if (ctx.proj !== null) {
      const P = ctx.proj;
      for (let t = 0; t < draws; t++) centerProj[t] = P[c * draws + t];
      for (const p of list) {
        const base = w.side.rows[p] * draws;
        for (let t = 0; t < draws; t++) {
          const a = Math.abs(P[base + t] - centerProj[t]);
          if (a > values[t]) values[t] = a;
        }
      }
    } else {
      for (const p of list) {
        const r = w.side.rows[p];
        for (let t = 0; t < draws; t++) {
          let s = 0;
          for (let k = 0; k < dim; k++) s += ctx.g[t * dim + k] * (f[r * dim + k] - f[c * dim + k]);
          const a = Math.abs(s);
          if (a > values[t]) values[t] = a;
        }
      }
    }
    const est: WidthEstimate = summarizeDraws(values, ctx.level);
    widths.push(est.estimate);
    widthLow.push(est.low);
    widthHigh.push(est.high);
    const rho = Math.sqrt(rho2);
    const rank = spanRank(
      f,
      dim,
      Array.from(list, (p) => w.side.rows[p]),
      c,
    );
    spanRanks.push(rank);
    const e = remark12Estimates(rho, list.length, rank, sparsity, dim);
    finite.push(e.finite);
    subspace.push(e.subspace);
    sparse.push(e.sparse);
  }
  const sizes = members.map((m) => m.length);
  const assignedSizes = new Array<number>(M).fill(0);
  for (const a of w.covering.assigned) assignedSizes[a]++;
  return {
    className,
    points: w.side.rows.length,
    m: M,
    order: w.covering.order,
    mByOrder: w.mByOrder,
    centers: Array.from(w.covering.centers, (p) => w.side.rows[p]),
    radii: Array.from(w.covering.radii),
    centerDistance: Array.from(centerDistance),
    sizes,
    assignedSizes,
    widths,
    widthLow,
    widthHigh,
    spanRanks,
    omega: omegaOf(widths, centerDistance),
    omegaLow: omegaOf(widthLow, centerDistance),
    omegaHigh: omegaOf(widthHigh, centerDistance),
    omegaRemark12: {
      finite: omegaOf(finite, centerDistance),
      subspace: omegaOf(subspace, centerDistance),
      sparse: omegaOf(sparse, centerDistance),
    },
    sizeSummary: distribution(sizes),
    covers: check?.covers ?? null,
    condition1: check?.condition1 ?? null,
  };
}

function fitBoth(ds: Dataset, fit: AnalyzeFit, lambda: number, progress: Context["progress"]) {
  const models: InterpolationModel[] = [];
  for (const algorithm of fit.algorithms ?? ([1, 2] as const)) {
    models.push(
      fitModel(
        ds,
        {
          algorithm,
          n: algorithm === 1 ? (fit.nMin ?? 0) : (fit.n ?? 1000),
          lambda,
          seed: fit.seed ?? 0,
          activation: fit.activation ?? "threshold",
          ...(fit.maxWidth !== undefined ? { maxWidth: fit.maxWidth } : {}),
        },
        {
          kernels: fit.kernels,
          onProgress: (e) => progress({ ...e, phase: `fit (Algorithm ${algorithm}): ${e.phase}` }),
        },
      ),
    );
  }
  return models;
}

/** Analyzes `ds` (see the file comment). Throws DataError / OptionError for bad input. */
export function analyzeDataset(ds: Dataset, o: AnalyzeOptions): AnalysisReport {
  const constant = positive("constant", o.constant ?? 1);
  const lambda = positive("lambda", o.lambda ?? 1);
  const eta = o.eta ?? 0.01;
  if (!(eta > 0 && eta < 1)) {
    throw new OptionError(`the 'eta' option of analyze must be in (0, 1); got ${eta} instead`);
  }
  const draws = o.draws ?? 100;
  if (!Number.isInteger(draws) || draws < 2) {
    throw new OptionError(
      `the 'draws' option of analyze must be an integer >= 2; got ${draws} instead`,
    );
  }
  const orders = o.orders ?? DEFAULT_COVER_ORDERS;
  const seed = o.seed ?? 0;
  const level = o.level ?? 0.95;
  checkAnalyzable(ds);
  const seconds: Record<string, number> = {};
  const progress = o.onProgress ?? (() => {});
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = (seconds[name] ?? 0) + (now - t) / 1000;
    t = now;
  };

  const fits: FitReport[] = [];
  let models: InterpolationModel[] = [];
  if (o.fit !== undefined) {
    models = fitBoth(ds, o.fit, lambda, progress);
    for (const m of models) {
      const byClass: Record<string, number> = {};
      for (const s of m.subnetworks) byClass[ds.classNames[s.classIndex]] = s.width;
      fits.push({
        algorithm: m.params.algorithm,
        n: m.firstLayer.width,
        nHat: m.subnetworks.reduce((a, s) => a + s.width, 0),
        nHatByClass: byClass,
        interpolates: m.info.interpolates,
        seconds: m.info.fitSeconds,
      });
    }
    lap("fit");
  }
  // X⁻ of each problem: as given, else as the fitted model defines it, else every class in turn.
  const problems =
    o.problems ??
    (models.length > 0
      ? models[0].subnetworks.map((s) => s.classIndex)
      : ds.classNames.map((_, k) => k));

  const nearest: NearestByClass = nearestByClass(ds, { kernel: o.kernel, onProgress: progress });
  lap("distances");
  const K = ds.classNames.length;
  const useTree = nearest.method === "k-d tree";
  const g = gaussianDraws(ds.dim, draws, seed);
  const proj = !useTree && ds.size * draws <= 2 ** 25 ? projections(ds, g, draws) : null;
  const ctx: Context = {
    ds,
    kernel: o.kernel,
    constant,
    lambda,
    draws,
    seed,
    level,
    orders,
    useTree,
    g,
    proj,
    nearest,
    byClass: rowsByClass(ds),
    bound:
      useTree || o.projectionBound === false
        ? undefined
        : projectionBound(ds, BOUND_DIRECTIONS, seed),
    progress,
  };
  const byClass = ctx.byClass;
  const check = o.check === "auto" || o.check === undefined ? ds.size <= 5000 : o.check;
  let minCross = Infinity;

  const reports: ProblemReport[] = problems.map((k) => {
    if (!Number.isInteger(k) || k < 0 || k >= K) throw new OptionError(`analyze: no class ${k}`);
    const negRows = byClass[k];
    const posRows = Int32Array.from(
      { length: ds.size - negRows.length },
      (() => {
        let r = 0;
        return () => {
          while (ds.labels[r] === k) r++;
          return r++;
        };
      })(),
    );
    const negDist = Float64Array.from(negRows, (r) => {
      let m = Infinity;
      for (let j = 0; j < K; j++) if (j !== k) m = Math.min(m, nearest.nearest2[r * K + j]);
      return Math.sqrt(m);
    });
    const posDist = Float64Array.from(posRows, (r) => Math.sqrt(nearest.nearest2[r * K + k]));
    for (const v of negDist) minCross = Math.min(minCross, v);
    const name = ds.classNames[k];
    const neg = coverSide(ctx, { rows: negRows, dist: negDist }, `X⁻ = ${name}`);
    const pos = coverSide(ctx, { rows: posRows, dist: posDist }, `X⁺ = not ${name}`);
    lap("covering");
    const { da, db, delta } = centerDistances(ctx, neg, pos);
    const rowsOf = (w: SideWork) => Int32Array.from(w.covering.centers, (p) => w.side.rows[p]);
    const negCheck = check
      ? checkSideCovering(ds, neg.side, neg.covering, rowsOf(pos), constant, lambda)
      : null;
    const posCheck = check
      ? checkSideCovering(ds, pos.side, pos.covering, rowsOf(neg), constant, lambda)
      : null;
    lap("check");
    progress({ phase: "mean widths", done: 0, total: 0, unit: "draws", detail: `class ${name}` });
    const negative = sideReport(ctx, neg, da, name, negCheck);
    const positive = sideReport(
      ctx,
      pos,
      db,
      K === 2 ? ds.classNames[1 - k] : `not ${name}`,
      posCheck,
    );
    lap("widths");
    const omega = Math.max(negative.omega, positive.omega);
    const omegaLow = Math.max(negative.omegaLow, positive.omegaLow);
    const omegaHigh = Math.max(negative.omegaHigh, positive.omegaHigh);
    const pred = predictedWidth(lambda, delta, negative.m, positive.m, omega, eta);
    const builtOf = (algorithm: 1 | 2) =>
      models
        .find((m) => m.params.algorithm === algorithm)
        ?.subnetworks.find((s) => s.classIndex === k)?.width ?? null;
    return {
      negativeClass: k,
      negative,
      positive,
      delta,
      boundaryDistance: distribution(negDist),
      omega,
      omegaLow,
      omegaHigh,
      predicted: {
        ...pred,
        nLow: predictedWidth(lambda, delta, negative.m, positive.m, omegaLow, eta).n,
        nHigh: predictedWidth(lambda, delta, negative.m, positive.m, omegaHigh, eta).n,
      },
      built: { algorithm1: builtOf(1), algorithm2: builtOf(2) },
    };
  });

  const counts = classCounts(ds);
  const classCountRecord: Record<string, number> = {};
  ds.classNames.forEach((name, k) => (classCountRecord[name] = counts[k]));
  const predictedN = Math.max(...reports.map((r) => r.predicted.n));
  const predictedNHatSum = reports.reduce((a, r) => a + r.predicted.nHat, 0);
  const fitOf = (algorithm: 1 | 2) => fits.find((f) => f.algorithm === algorithm);
  const fitN = (algorithm: 1 | 2) => fitOf(algorithm)?.n ?? null;
  const fitNHat = (algorithm: 1 | 2) => fitOf(algorithm)?.nHat ?? null;
  const ratio = (v: number | null, p: number) => (v === null ? null : v / p);
  return {
    data: ds.name,
    options: { constant, lambda, eta, draws, seed, level, orders: [...orders], hiddenConstants: 1 },
    basic: {
      points: ds.size,
      dim: ds.dim,
      classCounts: classCountRecord,
      radius: radius(ds),
      minDistance: nearest.minDistance,
      minDistancePair: nearest.minDistancePair,
      minCrossDistance: minCross,
      minAngleDegrees: (nearest.minAngle * 180) / Math.PI,
      minAnglePair: nearest.minAnglePair,
      method: nearest.method,
    },
    problems: reports,
    summary: {
      mMinusSum: predictedNHatSum,
      predictedN,
      predictedNHatSum,
      builtN: { algorithm1: fitN(1), algorithm2: fitN(2) },
      builtNHatSum: { algorithm1: fitNHat(1), algorithm2: fitNHat(2) },
      ratioN: { algorithm1: ratio(fitN(1), predictedN), algorithm2: ratio(fitN(2), predictedN) },
      ratioNHat: {
        algorithm1: ratio(fitNHat(1), predictedNHatSum),
        algorithm2: ratio(fitNHat(2), predictedNHatSum),
      },
    },
    fits,
    seconds,
  };
}
