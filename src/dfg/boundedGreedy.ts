// Greedy set cover over every candidate's neuron with bounded work. The unbounded greedy needs
// every candidate's threshold m (its minimum over all of X⁺) and its cover over X⁻ before the
// first choice. Here a candidate's minimum is computed in stages over X⁺: after any stage the
// running minimum m̄ >= m bounds it from above, so its cover at m̄ contains its cover at m and
// the number of uncovered points in it bounds its gain. Lazy greedy over these upper bounds
// (ties: the lower index) refines a candidate only when it is first in the order with a bound
// that is not exact; a candidate is chosen only when it is first with its exact, current gain,
// so the choices are exactly the unbounded greedy's.
//
// The first stage is the "hard" X⁺ points: those where the minima of a sample of candidates are
// attained (points near X⁻). On MNIST they give most candidates their exact minimum already; the
// later stages (the other X⁺ points, 1024 then 4× more per stage) mostly confirm it.

import { coverWordsFor } from "../backends/bits.js";
import {
  checkCoverMemory,
  COVER_BLOCK,
  coversFromBits,
  popcountAnd,
  setBits,
  type Covers,
} from "./covers.js";
import { GainHeap } from "./gainHeap.js";
import type { SelectionProblem } from "./secondLayer.js";

/** X⁺ rows of the second stage; each further stage is STAGE_GROWTH times longer. */
const SECOND_STAGE_ROWS = 1024;
const STAGE_GROWTH = 4;

/**
 * Candidates whose minima locate the hard X⁺ points (at most 1 in 8 of X⁻), those computed
 * when too few are known (at most 1 in 16), and the most hard points kept.
 */
const HARD_SAMPLE = 512;
const MIN_SAMPLE = 64;
const MAX_HARD_ROWS = 2048;

/** At most this many candidates are refined together (one batched minimum per stage). */
const REFINE_BATCH = 32;

/** The greedy cover of one binary problem, and the work it took. */
export interface GreedyCoverResult {
  /** The chosen candidates (slots of the X⁻ list), in the order greedy chose them. */
  readonly chosen: Int32Array;
  /** The exact threshold m of each chosen neuron. */
  readonly thresholds: Float64Array;
  /** The exact covers of the chosen neurons: neuron k is chosen[k]. */
  readonly covers: Covers;
  /** X⁻ slots that no candidate covers. */
  readonly uncovered: Int32Array;
  /**
   * (candidate, X⁺ row) pairs scored, for the minima and the search for hard points (the
   * unbounded greedy scores |X⁻| · |X⁺|).
   */
  readonly minimumRows: number;
  /** Candidates whose minimum was computed over all of X⁺ by the stages (not known before). */
  readonly exactMinima: number;
}

/**
 * Exact minima of up to MIN_SAMPLE evenly spaced candidates (added to `known`) when fewer are
 * known, then the X⁺ points where the minima of up to HARD_SAMPLE known candidates are attained
 * (⟨u, Φ(x⁺)⟩ < m + 1: the minimum itself for the threshold activation), most frequent first.
 */
function hardPositives(
  problem: SelectionProblem,
  known: Map<number, number>,
): { hard: Int32Array; scanned: number } {
  const { negativeRows, positiveRows, wordsPerRow, scores, workspace } = problem;
  const total = negativeRows.length;
  const positives = positiveRows.length;
  const masks = workspace.u32(COVER_BLOCK * wordsPerRow);
  const values = new Float64Array(COVER_BLOCK);
  const maskAt = (b: number) => masks.subarray(b * wordsPerRow, (b + 1) * wordsPerRow);
  let scanned = 0;
  const least = Math.min(MIN_SAMPLE, Math.ceil(total / 16));
  if (known.size < least) {
    const want = least;
    const extra = Array.from({ length: want }, (_, i) => Math.floor((i * total) / want)).filter(
      (c) => !known.has(c),
    );
    for (let i0 = 0; i0 < extra.length; i0 += COVER_BLOCK) {
      const group = extra.slice(i0, i0 + COVER_BLOCK);
      group.forEach((c, b) => scores.zeroMask(negativeRows[c], maskAt(b)));
      scores.minMany(masks, group.length, positiveRows, positives, 0, values);
      group.forEach((c, b) => known.set(c, values[b]));
      scanned += group.length * positives;
    }
  }
  const accepted = [...known.entries()].filter(([, m]) => m > 0).sort((a, b) => a[0] - b[0]);
  const sample = Math.min(accepted.length, HARD_SAMPLE, Math.ceil(total / 8));
  const words = coverWordsFor(positives);
  const hits = new Uint32Array(COVER_BLOCK * words);
  const freq = new Int32Array(positives);
  const at = new Int32Array(positives);
  for (let i0 = 0; i0 < sample; i0 += COVER_BLOCK) {
    const size = Math.min(COVER_BLOCK, sample - i0);
    for (let b = 0; b < size; b++) {
      const [c, m] = accepted[Math.floor(((i0 + b) * accepted.length) / sample)];
      scores.zeroMask(negativeRows[c], maskAt(b));
      values[b] = m + 1;
    }
    scores.coverage(masks, size, values, positiveRows, positives, hits);
    scanned += size * positives;
    for (let b = 0; b < size; b++) {
      const n = setBits(hits, b * words, words, at);
      for (let i = 0; i < n; i++) freq[at[i]]++;
    }
  }
  const hard = [...freq.keys()].filter((t) => freq[t] > 0);
  hard.sort((a, b) => freq[b] - freq[a] || a - b);
  const rows = Int32Array.from(hard.slice(0, MAX_HARD_ROWS), (t) => positiveRows[t]);
  return { hard: rows, scanned };
}

/**
 * The X⁺ rows in stage order (the hard ones, then the others in list order) and where each stage
 * ends: |hard|, then 1024 more, then 4× more per stage, up to |X⁺|.
 */
function stagedPositives(
  problem: SelectionProblem,
  hard: Int32Array,
): { rows: Int32Array; ends: number[] } {
  const { positiveRows } = problem;
  const rows = problem.workspace.i32(positiveRows.length);
  rows.set(hard);
  const first = new Set(hard);
  let k = hard.length;
  for (const r of positiveRows) if (!first.has(r)) rows[k++] = r;
  const ends = hard.length > 0 ? [hard.length] : [];
  for (let e = SECOND_STAGE_ROWS; hard.length + e < rows.length; e *= STAGE_GROWTH) {
    ends.push(hard.length + e);
  }
  if (ends.length === 0 || ends[ends.length - 1] < rows.length) ends.push(rows.length);
  return { rows, ends };
}

/**
 * The greedy set cover of `problem` (most uncovered points first, ties by the lower X⁻ slot,
 * until no candidate adds a point), identical to greedyCover over every candidate's exact cover.
 * `known` maps X⁻ slots to thresholds already computed exactly (e.g. by the random selection).
 */
export function boundedGreedyCover(
  problem: SelectionProblem,
  knownThresholds: ReadonlyMap<number, number> = new Map(),
): GreedyCoverResult {
  const { negativeRows, wordsPerRow, scores, workspace } = problem;
  const total = negativeRows.length;
  const words = coverWordsFor(total);
  checkCoverMemory(`class ${problem.classIndex}`, total, total);
  const known = new Map(knownThresholds);
  const { hard, scanned } = hardPositives(problem, known);
  const { rows: positiveRows, ends } = stagedPositives(problem, hard);
  const stages = ends.length;
  // Candidate c: cover bits at covers[c · words ..], bound m̄ = upper[c], stages of X⁺ done.
  const covers = new Uint32Array(total * words);
  const upper = new Float64Array(total);
  const stage = new Int32Array(total);
  const gain = new Int32Array(total);
  const uncovered = new Uint32Array(words);
  for (let t = 0; t < total; t++) uncovered[t >>> 5] |= 1 << (t & 31);
  const masks = workspace.u32(COVER_BLOCK * wordsPerRow);
  const mins = new Float64Array(COVER_BLOCK);
  const slots = new Int32Array(total);
  const rows = workspace.i32(total);
  const bits = workspace.u32(words);
  const bound = new Float64Array(1);
  let minimumRows = scanned;
  let exactMinima = 0;

  const maskAt = (b: number) => masks.subarray(b * wordsPerRow, (b + 1) * wordsPerRow);
  const isExact = (c: number) => stage[c] === stages || upper[c] <= 0;
  const gainOf = (c: number) => popcountAnd(covers, c * words, uncovered, words);

  // Every candidate: its minimum over the first stage and its cover at it over all of X⁻.
  for (let s0 = 0; s0 < total; s0 += COVER_BLOCK) {
    const size = Math.min(COVER_BLOCK, total - s0);
    for (let b = 0; b < size; b++) scores.zeroMask(negativeRows[s0 + b], maskAt(b));
    scores.minMany(masks, size, positiveRows, ends[0], 0, mins);
    minimumRows += size * ends[0];
    for (let b = 0; b < size; b++) {
      const m = known.get(s0 + b);
      upper[s0 + b] = m ?? mins[b];
      stage[s0 + b] = m === undefined ? 1 : stages;
      if (m === undefined && stages === 1) exactMinima++;
    }
    scores.coverage(
      masks,
      size,
      upper.subarray(s0, s0 + size),
      negativeRows,
      total,
      covers.subarray(s0 * words, (s0 + size) * words),
    );
    for (let b = 0; b < size; b++) gain[s0 + b] = gainOf(s0 + b);
  }

  /** Cover of c at its lowered bound: the points of its current cover that still fire. */
  const shrinkCover = (c: number, mask: Uint32Array) => {
    const n = setBits(covers, c * words, words, slots);
    covers.fill(0, c * words, (c + 1) * words);
    if (upper[c] <= 0 || n === 0) return;
    for (let i = 0; i < n; i++) rows[i] = negativeRows[slots[i]];
    bound[0] = upper[c];
    scores.coverage(mask, 1, bound, rows, n, bits);
    for (let i = 0; i < n; i++) {
      if ((bits[i >>> 5] >>> (i & 31)) & 1)
        covers[c * words + (slots[i] >>> 5)] |= 1 << (slots[i] & 31);
    }
  };

  /** One more stage of X⁺ for each candidate of `batch` (those at one stage share one pass). */
  const refine = (batch: number[]) => {
    const byStage = new Map<number, number[]>();
    for (const c of batch) {
      const group = byStage.get(stage[c]);
      if (group === undefined) byStage.set(stage[c], [c]);
      else group.push(c);
    }
    for (const [done, group] of byStage) {
      const lo = ends[done - 1];
      const hi = ends[done];
      group.forEach((c, b) => scores.zeroMask(negativeRows[c], maskAt(b)));
      scores.minMany(masks, group.length, positiveRows.subarray(lo, hi), hi - lo, 0, mins);
      minimumRows += group.length * (hi - lo);
      group.forEach((c, b) => {
        stage[c] = done + 1;
        if (stage[c] === stages) exactMinima++;
        if (mins[b] < upper[c]) {
          upper[c] = mins[b];
          shrinkCover(c, maskAt(b));
        }
      });
    }
  };

  const heap = new GainHeap(gain);
  for (let c = 0; c < total; c++) if (gain[c] > 0) heap.push(c);
  const chosen: number[] = [];
  const batch: number[] = [];
  const aside: number[] = [];
  let coveredCount = 0;
  while (heap.size > 0) {
    const c = heap.peek();
    const fresh = gainOf(c);
    if (fresh !== gain[c]) {
      heap.pop();
      gain[c] = fresh;
      if (fresh > 0) heap.push(c);
    } else if (isExact(c)) {
      // First in the order with its exact gain: every other bound is at most this gain.
      heap.pop();
      chosen.push(c);
      for (let w = 0; w < words; w++) uncovered[w] &= ~covers[c * words + w];
      coveredCount += fresh;
      problem.onProgress?.(coveredCount, total);
    } else {
      // c is first on a bound only: refine it, and the next candidates in order that need it.
      batch.length = 0;
      aside.length = 0;
      batch.push(heap.pop());
      for (let seen = 0; batch.length < REFINE_BATCH && heap.size > 0 && seen < 2 * REFINE_BATCH;) {
        const j = heap.pop();
        seen++;
        (isExact(j) ? aside : batch).push(j);
      }
      refine(batch);
      for (const j of batch) {
        gain[j] = gainOf(j);
        if (gain[j] > 0) heap.push(j);
      }
      for (const j of aside) heap.push(j);
    }
  }

  const chosenBits = new Uint32Array(chosen.length * words);
  chosen.forEach((c, k) => chosenBits.set(covers.subarray(c * words, (c + 1) * words), k * words));
  const left = setBits(uncovered, 0, words, slots);
  return {
    chosen: Int32Array.from(chosen),
    thresholds: Float64Array.from(chosen, (c) => upper[c]),
    covers: coversFromBits(chosenBits, chosen.length, words),
    uncovered: slots.slice(0, left),
    minimumRows,
    exactMinima,
  };
}
