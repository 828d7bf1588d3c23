import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/random/rng.js";
import { portableLog } from "../src/random/portableLog.js";

const GOLDEN_UINT32 = [3511556203, 246655298, 2750728369, 1122851512];
const GOLDEN_NORMAL = [-0.44999424324956866, -0.34162919277337883, -0.3529892089389241];

test("Rng: same seed and stream give the same numbers, other streams differ", () => {
  const a = new Rng(42, 1);
  const b = new Rng(42, 1);
  const c = new Rng(42, 2);
  const xa = Array.from({ length: 100 }, () => a.uniform());
  const xb = Array.from({ length: 100 }, () => b.uniform());
  const xc = Array.from({ length: 100 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("Rng: the stream is pinned (golden values, identical on every engine)", () => {
  const r = new Rng(0);
  const ints = Array.from({ length: 4 }, () => r.nextUint32());
  const again = new Rng(0);
  assert.deepEqual(
    Array.from({ length: 4 }, () => again.nextUint32()),
    ints,
  );
  // Golden values: a change of the generator changes every seeded model, so it must be deliberate.
  assert.deepEqual(ints, GOLDEN_UINT32);
  const n = new Rng(7);
  assert.deepEqual(
    Array.from({ length: 3 }, () => n.normal()),
    GOLDEN_NORMAL,
  );
});

test("Rng: uniform in [0,1), normal has mean 0 and variance 1", () => {
  const r = new Rng(3);
  let s = 0;
  let s2 = 0;
  const count = 200_000;
  for (let i = 0; i < count; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / count) < 0.01, `mean ${s / count}`);
  assert.ok(Math.abs(s2 / count - 1) < 0.02, `variance ${s2 / count}`);
});

test("Rng: below() is unbiased enough and permutation() is a permutation", () => {
  const r = new Rng(5);
  const counts = new Int32Array(7);
  for (let i = 0; i < 70_000; i++) counts[r.below(7)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `count ${c}`);
  const p = r.permutation(1000);
  assert.deepEqual(
    Array.from(p).sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.throws(() => r.below(0), RangeError);
  assert.throws(() => new Rng(-1), RangeError);
});

test("portableLog matches Math.log to within one ulp", () => {
  const r = new Rng(11);
  const xs = [1, 2, 0.5, Math.E, 1e-300, 5e-324, 1e300, 0.9999999, 1.0000001];
  for (let i = 0; i < 20_000; i++) xs.push(r.uniform() * 10 ** (r.below(40) - 20));
  for (const x of xs) {
    if (x <= 0) continue;
    const a = portableLog(x);
    const b = Math.log(x);
    const ulp = Math.max(Math.abs(b) * 2.3e-16, 5e-324);
    assert.ok(Math.abs(a - b) <= ulp, `log(${x}): ${a} vs ${b}`);
  }
  assert.equal(portableLog(0), -Infinity);
  assert.ok(Number.isNaN(portableLog(-1)));
  assert.equal(portableLog(Infinity), Infinity);
});
