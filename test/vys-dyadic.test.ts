// Exact dyadic arithmetic: conversions from and to float64, operations, bit counts, text forms.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  bitLength,
  compare,
  decomposeNumber,
  dyadic,
  fixedPointBits,
  floor,
  fromNumber,
  hexMantissa,
  mul,
  parseMantissa,
  scaledToNumber,
  sub,
  toNumber,
  trailingZeros,
} from "../src/vys/dyadic.js";
import { Rng } from "../src/random/rng.js";

test("float64 values convert exactly and back, including subnormals and extremes", () => {
  const special = [
    1,
    -1,
    0.5,
    3,
    0.1,
    1 / 3,
    Math.PI,
    2 ** 52,
    2 ** 53 - 1,
    2 ** 1023,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    2 ** -1022,
    3 * 2 ** -1060,
    -1e-300,
    123456789.125,
  ];
  const rng = new Rng(1);
  const values = [...special];
  for (let i = 0; i < 20000; i++) {
    values.push((rng.uniform() - 0.5) * 2 ** (Math.floor(rng.uniform() * 2000) - 1000));
    values.push(Math.fround(rng.uniform()));
  }
  for (const v of values) {
    const { m, e } = decomposeNumber(v);
    assert.ok(Number.isInteger(m) && Math.abs(m) < 2 ** 53, `${v}`);
    assert.ok(m % 2 !== 0, `mantissa of ${v} must be odd`);
    const d = fromNumber(v);
    assert.equal(d.m, BigInt(m));
    assert.equal(d.e, e);
    assert.equal(toNumber(d), v, `round trip of ${v}`);
  }
  assert.deepEqual(fromNumber(0), { m: 0n, e: 0 });
  assert.deepEqual(fromNumber(-0), { m: 0n, e: 0 });
  assert.throws(() => fromNumber(NaN), RangeError);
  assert.throws(() => fromNumber(Infinity), RangeError);
});

test("toNumber rounds huge mantissas to the nearest float64 and saturates to ±Infinity", () => {
  // 2^60 + 1 is not a float64: nearest is 2^60.
  assert.equal(toNumber(dyadic(2n ** 60n + 1n, 0)), 2 ** 60);
  // A 2000-bit mantissa scaled back into range.
  const big = (1n << 2000n) + 12345n;
  assert.equal(toNumber(dyadic(big, -2000)), 1);
  assert.equal(toNumber(dyadic(3n, 2000)), Infinity);
  assert.equal(toNumber(dyadic(-3n, 2000)), -Infinity);
  assert.equal(toNumber(dyadic(1n, -2000)), 0);
  assert.equal(scaledToNumber(6n, -1), 3);
});

test("arithmetic is exact and results are normalized (odd mantissa)", () => {
  const rng = new Rng(2);
  for (let i = 0; i < 2000; i++) {
    const a = fromNumber((rng.uniform() - 0.5) * 2 ** rng.below(40));
    const b = fromNumber((rng.uniform() - 0.5) * 2 ** -rng.below(40));
    const s = add(a, b);
    // (a + b) − b = a exactly
    assert.deepEqual(sub(s, b), a);
    const p = mul(a, b);
    assert.ok(p.m === 0n || p.m % 2n !== 0n);
    assert.equal(compare(a, b), Math.sign(toNumber(sub(a, b))));
  }
  assert.deepEqual(dyadic(12n, 0), { m: 3n, e: 2 });
  assert.deepEqual(dyadic(-40n, -3), { m: -5n, e: 0 });
  assert.equal(floor(fromNumber(-2.5)), -3n);
  assert.equal(floor(fromNumber(2.5)), 2n);
  assert.equal(floor(dyadic(7n, 3)), 56n);
});

test("bit length, trailing zeros and the fixed-point bit count of a weight", () => {
  for (const n of [
    0n,
    1n,
    2n,
    3n,
    255n,
    256n,
    2n ** 52n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 64n + 5n,
  ]) {
    assert.equal(bitLength(n), n === 0n ? 0 : n.toString(2).length, `${n}`);
    assert.equal(bitLength(-n), bitLength(n));
  }
  assert.equal(trailingZeros(40n), 3);
  assert.equal(trailingZeros(2n ** 200n), 200);
  // LEN(int part) + fraction digits
  assert.equal(fixedPointBits(fromNumber(5)), 3);
  assert.equal(fixedPointBits(fromNumber(2 ** -10)), 10);
  assert.equal(fixedPointBits(fromNumber(1.5)), 2);
  assert.equal(fixedPointBits(fromNumber(-6.25)), 5);
  assert.equal(fixedPointBits(fromNumber(0)), 0);
  assert.equal(fixedPointBits(dyadic(1n, 100)), 101);
});

test("mantissas are written as hex and read as hex or decimal", () => {
  assert.equal(hexMantissa(255n), "0xff");
  assert.equal(hexMantissa(-255n), "-0xff");
  assert.equal(parseMantissa("0xff"), 255n);
  assert.equal(parseMantissa("-0xFF"), -255n);
  assert.equal(parseMantissa("-123"), -123n);
  assert.equal(parseMantissa("12345678901234567890123"), 12345678901234567890123n);
  for (const bad of ["", "1.5", "0x", "ff", "+1", "1e3", " 1"]) {
    assert.equal(parseMantissa(bad), undefined, bad);
  }
});
