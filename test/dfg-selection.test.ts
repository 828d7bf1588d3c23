// The batched candidate selection against a literal, one-candidate-at-a-time transcription of
// Algorithm 2 (lines 2–10): identical layers.

import { test } from "node:test";
import assert from "node:assert/strict";
import { makeMoons, makeRandomLabels } from "../src/data/generators.js";
import { normalizeRadius } from "../src/data/preprocess.js";
import type { Dataset } from "../src/data/dataset.js";
import { computeActivations, sampleFirstLayer, type Activation } from "../src/dfg/firstLayer.js";
import { maskedScores, type MaskedScores } from "../src/dfg/maskedScores.js";
import { selectSecondLayer } from "../src/dfg/secondLayer.js";
import { referenceKernels } from "../src/ops/index.js";
import { wordsPerRowFor } from "../src/backends/types.js";
import { Rng } from "../src/random/rng.js";

/** Algorithm 2, lines 2–10, with sets as JavaScript Sets and a uniform draw from C each time. */
function literalAlgorithm2(
  scores: MaskedScores,
  neg: number[],
  pos: Int32Array,
  words: number,
  seed: number,
  k: number,
) {
  // The same candidate order as the implementation: one permutation, skipping removed points.
  const order = new Rng(seed, 2, k).permutation(neg.length);
  const C = new Set(neg);
  let U = new Set(neg);
  const accepted: { row: number; m: number }[] = [];
  let next = 0;
  while (C.size > 0 && U.size > 0) {
    let x = neg[order[next++]];
    while (!C.has(x)) x = neg[order[next++]];
    C.delete(x);
    const u = new Uint32Array(words);
    scores.zeroMask(x, u);
    let m = Infinity;
    for (const p of pos) m = Math.min(m, scores.value(u, p));
    if (m > 0) {
      const T = [...U].filter((r) => scores.value(u, r) < m);
      for (const t of T) C.delete(t);
      U = new Set([...U].filter((r) => !T.includes(r)));
      accepted.push({ row: x, m });
    }
  }
  return { accepted, uncovered: [...U].sort((a, b) => a - b) };
}

function compare(ds: Dataset, n: number, lambda: number, activation: Activation, seed: number) {
  const layer = sampleFirstLayer(ds.dim, n, lambda, seed);
  const ws = referenceKernels.workspace();
  const acts = computeActivations(ds.features, ds.size, layer, activation, referenceKernels, ws);
  const scores = maskedScores(acts, referenceKernels);
  const words = wordsPerRowFor(n);
  for (let k = 0; k < ds.classNames.length; k++) {
    const neg = [...ds.labels.keys()].filter((r) => ds.labels[r] === k);
    const pos = Int32Array.from([...ds.labels.keys()].filter((r) => ds.labels[r] !== k));
    const fast = selectSecondLayer({
      classIndex: k,
      negativeRows: Int32Array.from(neg),
      positiveRows: pos,
      wordsPerRow: words,
      scores,
      workspace: ws,
      seed,
    });
    const slow = literalAlgorithm2(scores, neg, pos, words, seed, k);
    assert.deepEqual(
      Array.from(fast.layer.candidates),
      slow.accepted.map((a) => a.row),
    );
    assert.deepEqual(
      Array.from(fast.layer.thresholds),
      slow.accepted.map((a) => a.m),
    );
    assert.deepEqual(
      Array.from(fast.uncovered).sort((a, b) => a - b),
      slow.uncovered,
    );
  }
}

test("batched selection = literal Algorithm 2 (threshold and ReLU, interpolating or not)", () => {
  const moons = normalizeRadius(makeMoons(300, 0.1, 2));
  const multi = normalizeRadius(makeRandomLabels(240, 3, 3, 4));
  for (const seed of [0, 1, 2]) {
    compare(moons, 200, 1, "threshold", seed);
    compare(moons, 60, 0, "threshold", seed);
    compare(moons, 100, 0.5, "relu", seed);
    compare(multi, 400, 1, "threshold", seed);
    compare(multi, 30, 0.2, "relu", seed);
  }
});
