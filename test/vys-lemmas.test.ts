// Each lemma's block of Appendix A on its own, against the property the lemma states (evaluated
// exactly), plus the width, depth and bit complexity memonet's version of the block has.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  lemmaA6Network,
  lemmaA7Network,
  lemmaA8Network,
  telgarskyNetwork,
} from "../src/vys/blocks.js";
import {
  type Dyadic,
  ZERO,
  add,
  compare,
  dyadic,
  floor,
  fromInteger,
  fromNumber,
  mulPow2,
  sub,
  toNumber,
} from "../src/vys/dyadic.js";
import { evaluateExact, evaluateReference } from "../src/vys/exactEval.js";
import { networkMetrics } from "../src/vys/network.js";
import { findStageOne, directionBitsFor, emitStageOne } from "../src/vys/stageOne.js";
import { NetworkBuilder } from "../src/vys/builder.js";
import { compose } from "../src/vys/algebra.js";
import { lemmaA4Network } from "../src/vys/stageTwo.js";
import { lemmaA5Network } from "../src/vys/stageThree.js";
import { makeRandomLabels } from "../src/data/generators.js";
import { Rng } from "../src/random/rng.js";

/** φ(z) = σ(σ(2z) − σ(4z − 2)) in exact arithmetic (the definition, for reference values). */
function phi(z: Dyadic): Dyadic {
  const relu = (v: Dyadic) => (v.m < 0n ? ZERO : v);
  return relu(sub(relu(mulPow2(z, 1)), relu(sub(mulPow2(z, 2), fromInteger(2)))));
}

function phiPower(z: Dyadic, k: number): Dyadic {
  for (let t = 0; t < k; t++) z = phi(z);
  return z;
}

/** BIN_{i:j}(x) for x with n bits (bit 1 = most significant of the n-bit representation). */
function bin(x: bigint, n: number, i: number, j: number): bigint {
  return (x >> BigInt(n - j)) & ((1n << BigInt(j - i + 1)) - 1n);
}

test("Telgarsky's φ^(k) network computes the k-fold triangle map", () => {
  for (const k of [1, 2, 5]) {
    const net = telgarskyNetwork(k);
    for (let t = -8; t <= 72; t++) {
      const z = dyadic(BigInt(t), -6); // −1/8 .. 1.125 in steps of 1/64
      assert.deepEqual(
        evaluateExact(net, [toNumber(z)])[0],
        phiPower(z, k),
        `k=${k}, z=${toNumber(z)}`,
      );
    }
    assert.equal(networkMetrics(net).width, 2);
  }
});

test("Lemma A.6: 1 on [a, b], 0 below a − ½ and above b + ½, in [0, 1] in the margins", () => {
  const rng = new Rng(10);
  for (let trial = 0; trial < 12; trial++) {
    const a = BigInt(rng.below(1000)) - 500n;
    const b = a + 1n + BigInt(rng.below(30));
    const net = lemmaA6Network(a, b);
    const m = networkMetrics(net);
    assert.equal(m.width, 2);
    assert.equal(m.depth, 3); // two ReLU layers and the linear output
    for (let t = -40; t <= Number(b - a) * 16 + 40; t++) {
      const x = add(fromInteger(a), dyadic(BigInt(t), -4)); // steps of 1/16
      const y = evaluateExact(net, [toNumber(x)])[0];
      const inside = compare(x, fromInteger(a)) >= 0 && compare(x, fromInteger(b)) <= 0;
      const outside =
        compare(x, sub(fromInteger(a), fromNumber(0.5))) < 0 ||
        compare(x, add(fromInteger(b), fromNumber(0.5))) > 0;
      if (inside) assert.equal(toNumber(y), 1, `a=${a} b=${b} x=${toNumber(x)}`);
      else if (outside) assert.equal(toNumber(y), 0, `a=${a} b=${b} x=${toNumber(x)}`);
      else assert.ok(toNumber(y) >= 0 && toNumber(y) <= 1);
    }
  }
  assert.throws(() => lemmaA6Network(3n, 3n), RangeError);
});

test("Lemma A.8: 1 if x ∈ [y, y + 1], 0 if x > y + 3/2 or x < y − ½", () => {
  const net = lemmaA8Network();
  assert.equal(networkMetrics(net).width, 2);
  assert.equal(networkMetrics(net).bitComplexity, 2);
  const rng = new Rng(11);
  for (let trial = 0; trial < 2000; trial++) {
    const y = fromNumber(Math.round((rng.uniform() - 0.5) * 2 ** 20) / 8);
    const x = add(y, fromNumber(Math.round((rng.uniform() - 0.5) * 64) / 16)); // y − 2 .. y + 2
    const out = toNumber(evaluateExact(net, [toNumber(x), toNumber(y)])[0]);
    const d = toNumber(sub(x, y));
    if (d >= 0 && d <= 1) assert.equal(out, 1);
    else if (d > 1.5 || d < -0.5) assert.equal(out, 0);
    else assert.ok(out >= 0 && out <= 1);
  }
});

test("Lemma A.7 extracts exactly BIN_{i:j}(x) for every x with LEN(x) <= n", () => {
  const n = 10;
  for (const [i, j] of [
    [1, 10],
    [1, 1],
    [3, 7],
    [10, 10],
    [6, 9],
  ]) {
    const net = lemmaA7Network(n, i, j);
    const m = networkMetrics(net);
    assert.equal(m.width, i === j ? 4 : 5); // 4 for one bit: no accumulator carried
    assert.equal(m.depth, 3 * (j - i + 1) + 1); // 3 per bit, plus the linear output
    assert.ok(m.bitComplexity <= n + 2, `bits ${m.bitComplexity}`);
    for (let v = 0; v < 2 ** n; v++) {
      const x = BigInt(v);
      const z1 = add(dyadic(x, -n), dyadic(1n, -(n + 1)));
      const z2 = add(dyadic(x, -n), dyadic(1n, -(n + 2)));
      const input = [toNumber(phiPower(z1, i - 1)), toNumber(phiPower(z2, i - 1))];
      const out = evaluateExact(net, input);
      assert.deepEqual(out[0], phiPower(z1, j), `x=${v}`);
      assert.deepEqual(out[1], phiPower(z2, j), `x=${v}`);
      assert.deepEqual(out[2], fromInteger(bin(x, n, i, j)), `x=${v}, bits ${i}..${j}`);
    }
  }
});

test("Lemma A.7 on 48-bit integers (random x), all bits at once", () => {
  const n = 48;
  const net = lemmaA7Network(n, 1, n);
  const rng = new Rng(12);
  for (let trial = 0; trial < 40; trial++) {
    const x = BigInt(rng.below(2 ** 24)) * 2n ** 24n + BigInt(rng.below(2 ** 24));
    const z1 = add(dyadic(x, -n), dyadic(1n, -(n + 1)));
    const z2 = add(dyadic(x, -n), dyadic(1n, -(n + 2)));
    const out = evaluateExact(net, [toNumber(z1), toNumber(z2)]);
    assert.deepEqual(out[2], fromInteger(x));
  }
});

test("Lemma A.4: F(x_i) = w_⌈i/k⌉ for sorted points >= 2 apart (any fractional parts)", () => {
  const rng = new Rng(13);
  for (let trial = 0; trial < 20; trial++) {
    const N = 1 + rng.below(40);
    const points: Dyadic[] = [];
    let x = rng.uniform() * 5;
    for (let i = 0; i < N; i++) {
      // Gaps of 2 plus something; fractional parts near 1 test the b_j = ⌊x⌋ + 1 correction.
      x += 2 + (rng.uniform() < 0.3 ? 0 : rng.uniform() * 3);
      points.push(fromNumber(Math.floor(x) + (rng.uniform() < 0.5 ? 0.96875 : rng.uniform())));
      x = toNumber(points[i]);
    }
    const m = 1 + rng.below(N);
    const w = Array.from({ length: m }, () => BigInt(rng.below(2 ** 30)) << BigInt(rng.below(150)));
    const net = lemmaA4Network(points, w);
    const k = Math.ceil(N / m);
    const metrics = networkMetrics(net);
    assert.ok(metrics.width <= 4);
    assert.equal(metrics.depth, 2 * Math.ceil(N / k) + 1);
    points.forEach((p, i) => {
      const out = evaluateExact(net, [toNumber(p)])[0];
      assert.deepEqual(out, fromInteger(w[Math.floor(i / k)]), `trial ${trial}, point ${i}`);
    });
  }
});

test("Lemma A.5: outputs the c-bit segment of w whose ρ-bit segment of u is ⌊x⌋, 0 far from all", () => {
  const rng = new Rng(14);
  for (let trial = 0; trial < 12; trial++) {
    const rho = 4 + rng.below(9);
    const c = 1 + rng.below(8);
    const segments = 1 + rng.below(6); // <= 6 floors pairwise >= 2 apart fit in ρ >= 4 bits
    // Segment floors pairwise >= 2 apart.
    const floors: bigint[] = [];
    while (floors.length < segments) {
      const f = BigInt(rng.below(2 ** rho));
      if (floors.every((g) => (f > g ? f - g : g - f) >= 2n)) floors.push(f);
    }
    const labels = Array.from({ length: segments }, () => BigInt(rng.below(2 ** c)));
    let u = 0n;
    let w = 0n;
    for (let k = 0; k < segments; k++) {
      u = (u << BigInt(rho)) | floors[k];
      w = (w << BigInt(c)) | labels[k];
    }
    const net = lemmaA5Network({ segments, rho, c });
    const m = networkMetrics(net);
    assert.ok(m.width <= 12, `width ${m.width}`);
    assert.equal(m.depth, segments * (3 * Math.max(rho, c) + 3) + 1);
    // The lemma's n·max(ρ, c) + 2, except that folding ỹ = g₁ + g₂ − 1 into y_i's layer gives the
    // bias −2^(c+2) (c + 3 bits), which exceeds it only for one segment with c >= ρ.
    const bound = Math.max(segments * Math.max(rho, c) + 2, c + 3);
    assert.ok(m.bitComplexity <= bound, `bits ${m.bitComplexity} > ${bound}`);
    const wN = toNumber(fromInteger(w));
    const uN = toNumber(fromInteger(u));
    if (wN !== Number(w) || uN !== Number(u) || segments * Math.max(rho, c) > 52) continue;
    for (let k = 0; k < segments; k++) {
      for (const frac of [0, 0.25, 0.5, 0.9990234375]) {
        const x = Number(floors[k]) + frac;
        const out = evaluateExact(net, [x, wN, uN])[0];
        assert.deepEqual(out, fromInteger(labels[k]), `trial ${trial} segment ${k} x=${x}`);
      }
    }
    // x with every |x − f − ½| ... far from all segments: x > f + 3/2 or x < f − ½ for all f.
    for (let probe = 0; probe < 30; probe++) {
      const x = rng.uniform() * 2 ** (rho + 1) - 2;
      if (floors.some((f) => x >= Number(f) - 0.5 && x <= Number(f) + 1.5)) continue;
      if (x <= 0) continue;
      assert.deepEqual(evaluateExact(net, [x, wN, uN])[0], ZERO, `x=${x}`);
    }
  }
});

test("Lemma A.5 with segments of thousands of bits (exact inputs given as dyadics via the reference)", () => {
  const rho = 40;
  const c = 7;
  const segments = 30; // u has 1200 bits
  const rng = new Rng(15);
  const floors = Array.from(
    { length: segments },
    (_, k) => BigInt(k) * 2n ** 35n + BigInt(rng.below(2 ** 30)) * 2n,
  );
  const labels = Array.from({ length: segments }, () => BigInt(1 + rng.below(100)));
  let u = 0n;
  let w = 0n;
  for (let k = 0; k < segments; k++) {
    u = (u << BigInt(rho)) | floors[k];
    w = (w << BigInt(c)) | labels[k];
  }
  // Feed u and w through an exact first layer: inputs (x, 1) and weights u, w.
  const inner = new NetworkBuilder(2);
  const [x, one] = inner.inputs();
  const innerNet = inner.finish([x, one.times(w), one.times(u)]);
  const net = lemmaA5Network({ segments, rho, c });
  const full = compose(net, innerNet);
  for (const k of [0, 7, 29]) {
    const out = evaluateExact(full, [Number(floors[k]) + 0.5, 1])[0];
    assert.deepEqual(out, fromInteger(labels[k]));
  }
  assert.deepEqual(
    evaluateReference(full, [Number(floors[3]) + 0.75, 1])[0],
    fromInteger(labels[3]),
  );
});

test("Lemmas A.2/A.3 (stage I): a verified direction; projected points >= 2 apart and >= 2", () => {
  for (const [N, d] of [
    [1, 3],
    [2, 1],
    [50, 1],
    [300, 2],
    [200, 10],
    [60, 784],
  ]) {
    const ds = makeRandomLabels(N, d, 2, N + d);
    const stage = findStageOne(ds.features, d, { seed: 1 });
    assert.equal(stage.directionBits, directionBitsFor(d, N));
    // |ũ_k| <= 1 with q fraction bits
    for (const a of stage.direction)
      assert.ok((a < 0n ? -a : a) <= 1n << BigInt(stage.directionBits));
    // The network computes exactly the reported projections.
    const bld = new NetworkBuilder(d);
    const net = bld.finish([emitStageOne(bld, stage)]);
    assert.equal(networkMetrics(net).width, 1);
    for (let t = 0; t < N; t++) {
      const row = stage.order[t];
      const out = evaluateExact(net, ds.features.subarray(row * d, (row + 1) * d))[0];
      assert.deepEqual(out, stage.sorted[t]);
      assert.equal(floor(out), stage.floors[t]);
      assert.ok(compare(out, fromInteger(2)) >= 0);
      if (t > 0) assert.ok(compare(sub(out, stage.sorted[t - 1]), fromInteger(2)) >= 0);
    }
    if (N > 1) {
      const gap = stage.minGap as Dyadic;
      // The scale s = 2^k is the smallest power of two >= 2 with s·gap >= 2.
      assert.ok(compare(mulPow2(gap, stage.scaleLog2), fromInteger(2)) >= 0);
      if (stage.scaleLog2 > 1)
        assert.ok(compare(mulPow2(gap, stage.scaleLog2 - 1), fromInteger(2)) < 0);
    }
  }
});
