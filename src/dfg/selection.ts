// Second-layer selection strategies. Every candidate x*⁻ ∈ X⁻ defines a neuron (u, m) that never
// fires on X⁺ (m is the minimum over X⁺, the test strict) and fires on a set of X⁻ points, its
// cover. Any set of neurons whose covers contain every x⁻ interpolates, so choosing few neurons
// is set cover: "greedy" takes the neuron covering most uncovered points (ties: the lowest
// candidate index), "+prune" then drops, last first, every neuron whose points the others cover.

import { coverageReference } from "../ops/coverage.js";
import type { SelectionStrategy } from "./model.js";
import { OptionError } from "./params.js";
import {
  selectSecondLayer,
  type SecondLayer,
  type SelectionProblem,
  type SelectionResult,
} from "./secondLayer.js";

/** Candidates whose minima and covers are computed together (one pass over X⁺ per block). */
const CANDIDATE_BLOCK = 64;

/** At most this many (neuron, covered point) pairs are held (4 bytes each: 1 GiB). */
export const MAX_COVER_PAIRS = 2 ** 28;

/**
 * Covers in compressed-row form: the points of neuron j are slots[offsets[j] .. offsets[j+1]),
 * increasing indices into the X⁻ row list.
 */
export interface Covers {
  readonly count: number;
  readonly offsets: Int32Array;
  readonly slots: Int32Array;
}

/** Appends covers one neuron at a time; throws OptionError beyond MAX_COVER_PAIRS pairs. */
class CoverBuilder {
  private slots = new Int32Array(1024);
  private readonly offsets: number[] = [0];
  private size = 0;

  constructor(private readonly what: string) {}

  push(indices: Int32Array, length: number): void {
    if (this.size + length > MAX_COVER_PAIRS) {
      throw new OptionError(
        `${this.what}: the covers hold more than ${MAX_COVER_PAIRS} (neuron, point) pairs; ` +
          `use selection "random" for a data set this large`,
      );
    }
    if (this.size + length > this.slots.length) {
      const grown = new Int32Array(Math.max(2 * this.slots.length, this.size + length));
      grown.set(this.slots.subarray(0, this.size));
      this.slots = grown;
    }
    this.slots.set(indices.subarray(0, length), this.size);
    this.size += length;
    this.offsets.push(this.size);
  }

  build(): Covers {
    return {
      count: this.offsets.length - 1,
      offsets: Int32Array.from(this.offsets),
      slots: this.slots.slice(0, this.size),
    };
  }
}

/**
 * Every candidate's neuron: m_c = min over X⁺ of ⟨u_c, Φ(x⁺)⟩ with u_c = 1[Φ(x_c) = 0] (0 when
 * some x⁺ scores 0: such a candidate is rejected and covers nothing), and its cover over X⁻.
 * Computed in blocks of CANDIDATE_BLOCK candidates, so the working memory is one block of masks
 * plus the covers themselves.
 */
export function candidateCovers(problem: SelectionProblem): {
  thresholds: Float64Array;
  covers: Covers;
} {
  const { negativeRows, positiveRows, wordsPerRow, scores, workspace } = problem;
  const total = negativeRows.length;
  const thresholds = new Float64Array(total);
  const builder = new CoverBuilder(`class ${problem.classIndex}`);
  const masks = workspace.u32(CANDIDATE_BLOCK * wordsPerRow);
  const mins = new Float64Array(CANDIDATE_BLOCK);
  const scratch = workspace.i32(total);
  const below = scores.below.bind(scores);
  for (let start = 0; start < total; start += CANDIDATE_BLOCK) {
    const size = Math.min(CANDIDATE_BLOCK, total - start);
    for (let b = 0; b < size; b++) {
      scores.zeroMask(
        negativeRows[start + b],
        masks.subarray(b * wordsPerRow, (b + 1) * wordsPerRow),
      );
    }
    // stopAt 0: a minimum that reaches 0 rejects the candidate, its exact value is not needed.
    scores.minMany(masks, size, positiveRows, positiveRows.length, 0, mins);
    for (let b = 0; b < size; b++) thresholds[start + b] = mins[b] > 0 ? mins[b] : 0;
    coverageReference(
      below,
      masks,
      wordsPerRow,
      thresholds.subarray(start, start + size),
      size,
      negativeRows,
      total,
      scratch,
      (_q, indices, length) => builder.push(indices, length),
    );
    problem.onProgress?.(start + size, total);
  }
  return { thresholds, covers: builder.build() };
}

/** A max-heap of neuron indices keyed by (gain descending, index ascending). */
class GainHeap {
  private readonly items: number[] = [];

  constructor(private readonly gain: Int32Array) {}

  get size(): number {
    return this.items.length;
  }

  private before(a: number, b: number): boolean {
    const ga = this.gain[a];
    const gb = this.gain[b];
    return ga > gb || (ga === gb && a < b);
  }

  push(j: number): void {
    const items = this.items;
    let i = items.push(j) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as number;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l], items[best])) best = l;
        if (r < items.length && this.before(items[r], items[best])) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}

/**
 * Greedy set cover over `universe` points: repeatedly the neuron covering the most points not yet
 * covered (ties: the lowest index), until no neuron adds a point. Lazy evaluation (a neuron's
 * gain only shrinks) gives exactly the greedy choice. Returns the chosen neurons in order.
 */
export function greedyCover(covers: Covers, universe: number): Int32Array {
  const { offsets, slots } = covers;
  const covered = new Uint8Array(universe);
  const gain = new Int32Array(covers.count);
  const heap = new GainHeap(gain);
  for (let j = 0; j < covers.count; j++) {
    gain[j] = offsets[j + 1] - offsets[j];
    if (gain[j] > 0) heap.push(j);
  }
  const chosen: number[] = [];
  while (heap.size > 0) {
    const j = heap.pop();
    let fresh = 0;
    for (let p = offsets[j]; p < offsets[j + 1]; p++) if (covered[slots[p]] === 0) fresh++;
    if (fresh === gain[j]) {
      chosen.push(j);
      for (let p = offsets[j]; p < offsets[j + 1]; p++) covered[slots[p]] = 1;
    } else {
      gain[j] = fresh;
      if (fresh > 0) heap.push(j);
    }
  }
  return Int32Array.from(chosen);
}

/**
 * Reverse-delete pruning: walks `chosen` from last to first and drops each neuron whose points
 * are all covered by at least one other kept neuron. The union of the covers is unchanged.
 * Returns the kept neurons in their original order.
 */
export function reverseDelete(covers: Covers, chosen: Int32Array, universe: number): Int32Array {
  const { offsets, slots } = covers;
  const times = new Int32Array(universe);
  for (const j of chosen) for (let p = offsets[j]; p < offsets[j + 1]; p++) times[slots[p]]++;
  const keep = new Uint8Array(chosen.length).fill(1);
  for (let k = chosen.length - 1; k >= 0; k--) {
    const j = chosen[k];
    let redundant = true;
    for (let p = offsets[j]; p < offsets[j + 1] && redundant; p++) {
      if (times[slots[p]] < 2) redundant = false;
    }
    if (!redundant) continue;
    keep[k] = 0;
    for (let p = offsets[j]; p < offsets[j + 1]; p++) times[slots[p]]--;
  }
  return chosen.filter((_, k) => keep[k] === 1);
}

/** The X⁻ rows that no cover contains. */
function uncoveredRows(covers: Covers, negativeRows: Int32Array): Int32Array {
  const hit = new Uint8Array(negativeRows.length);
  for (const s of covers.slots) hit[s] = 1;
  return negativeRows.filter((_, s) => hit[s] === 0);
}

/** The layer of the neurons `picked` of `source` (masks, thresholds, candidate rows). */
function subLayer(source: SecondLayer, picked: Int32Array, wordsPerRow: number): SecondLayer {
  const masks = new Uint32Array(picked.length * wordsPerRow);
  picked.forEach((j, k) =>
    masks.set(source.masks.subarray(j * wordsPerRow, (j + 1) * wordsPerRow), k * wordsPerRow),
  );
  return {
    classIndex: source.classIndex,
    width: picked.length,
    masks,
    thresholds: Float64Array.from(picked, (j) => source.thresholds[j]),
    candidates: Int32Array.from(picked, (j) => source.candidates[j]),
  };
}

/** Greedy (optionally pruned) selection over every candidate's neuron. */
function selectGreedy(problem: SelectionProblem, prune: boolean): SelectionResult {
  const { negativeRows, wordsPerRow, scores } = problem;
  const { thresholds, covers } = candidateCovers(problem);
  const universe = negativeRows.length;
  let chosen = greedyCover(covers, universe);
  if (prune) chosen = reverseDelete(covers, chosen, universe);
  // Greedy set cover is only an approximation: the paper's random-order cover is a cover of the
  // same instance (its neurons are candidates' neurons too) and is kept when it is smaller, so
  // "greedy" is never wider than "random" on the same first layer.
  const random = selectSecondLayer(problem);
  if (random.layer.width < chosen.length) return { ...random, candidatesTried: universe };
  const masks = new Uint32Array(chosen.length * wordsPerRow);
  chosen.forEach((slot, k) =>
    scores.zeroMask(negativeRows[slot], masks.subarray(k * wordsPerRow, (k + 1) * wordsPerRow)),
  );
  return {
    layer: {
      classIndex: problem.classIndex,
      width: chosen.length,
      masks,
      thresholds: Float64Array.from(chosen, (slot) => thresholds[slot]),
      candidates: Int32Array.from(chosen, (slot) => negativeRows[slot]),
    },
    candidatesTried: universe,
    uncovered: uncoveredRows(covers, negativeRows),
  };
}

/** The paper's random selection followed by reverse-delete pruning of its neurons. */
function selectRandomPruned(problem: SelectionProblem): SelectionResult {
  const result = selectSecondLayer(problem);
  const { layer } = result;
  const { negativeRows, wordsPerRow, scores, workspace } = problem;
  const builder = new CoverBuilder(`class ${problem.classIndex}`);
  const masks = workspace.u32(layer.masks.length);
  masks.set(layer.masks);
  coverageReference(
    scores.below.bind(scores),
    masks,
    wordsPerRow,
    layer.thresholds,
    layer.width,
    negativeRows,
    negativeRows.length,
    workspace.i32(negativeRows.length),
    (_q, indices, length) => builder.push(indices, length),
  );
  const all = Int32Array.from({ length: layer.width }, (_, j) => j);
  const kept = reverseDelete(builder.build(), all, negativeRows.length);
  return { ...result, layer: subLayer(layer, kept, wordsPerRow) };
}

/** The second layer of one binary problem by `strategy` ("random" is selectSecondLayer itself). */
export function selectByStrategy(
  strategy: SelectionStrategy,
  problem: SelectionProblem,
): SelectionResult {
  switch (strategy) {
    case "random":
      return selectSecondLayer(problem);
    case "random+prune":
      return selectRandomPruned(problem);
    case "greedy":
      return selectGreedy(problem, false);
    case "greedy+prune":
      return selectGreedy(problem, true);
  }
}
