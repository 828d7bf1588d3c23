// Argument checks shared by the ops. Each op checks its arguments once, before dispatching, so
// that no backend has to (and no backend reads out of bounds). Errors name backend and kernel.

import type { BitMatrix, DenseLayerT, ValueMatrix } from "../backends/types.js";

/** Throws a RangeError "<backend>.<kernel>: <message>". */
export type Fail = (message: string) => never;

/** A Fail for `kernel` as run by `backend`. */
export function failFor(backend: string, kernel: string): Fail {
  return (message) => {
    throw new RangeError(`${backend}.${kernel}: ${message}`);
  };
}

/** Typed arrays and other things with a length. */
interface Sized {
  readonly length: number;
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInt(fail: Fail, what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${what} = ${value} is not an integer in [${min}, ${max}]`);
  }
}

/** Throws unless `array` has at least `length` elements. */
export function checkLength(fail: Fail, what: string, array: Sized, length: number): void {
  if (array.length < length) fail(`${what} has ${array.length} elements, needs ${length}`);
}

/** A bit matrix: whole 64-byte rows, enough words for its bits and its rows. */
export function checkBits(fail: Fail, bits: BitMatrix): void {
  checkInt(fail, "bits.rows", bits.rows, 0, 2 ** 31 - 1);
  if (!Number.isInteger(bits.wordsPerRow) || bits.wordsPerRow < 0 || bits.wordsPerRow % 16 !== 0) {
    fail(`bits.wordsPerRow = ${bits.wordsPerRow} is not a multiple of 16`);
  }
  checkInt(fail, "bits.bits", bits.bits, 0, bits.wordsPerRow * 32);
  checkLength(fail, "bits.data", bits.data, bits.rows * bits.wordsPerRow);
}

/** A ReLU value matrix: enough values for its rows. */
export function checkValues(fail: Fail, values: ValueMatrix): void {
  checkInt(fail, "values.rows", values.rows, 0, 2 ** 31 - 1);
  checkInt(fail, "values.width", values.width, 0, 2 ** 30);
  checkLength(fail, "values.data", values.data, values.rows * values.width);
}

/** `count` is a length of `rows` and rows[0..count) are row indices below `rowCount`. */
export function checkRows(fail: Fail, rows: Int32Array, count: number, rowCount: number): void {
  checkInt(fail, "count", count, 0, rows.length);
  for (let k = 0; k < count; k++) {
    const r = rows[k];
    if (r < 0 || r >= rowCount) {
      fail(`rows[${k}] = ${r} is not a row of bits (0..${rowCount - 1})`);
    }
  }
}

/** Every entry of a row list (the separation kernel's) is a row index below `rowCount`. */
export function checkRowList(fail: Fail, rows: Int32Array, rowCount: number): void {
  for (const r of rows) {
    if (r < 0 || r >= rowCount) fail(`row ${r} is not a row of bits (0..${rowCount - 1})`);
  }
}

/** Masks: `maskCount` of `wordsPerRow` words each. */
export function checkMasks(
  fail: Fail,
  masks: Uint32Array,
  maskCount: number,
  wordsPerRow: number,
): void {
  checkInt(fail, "maskCount", maskCount, 0, 2 ** 31 - 1);
  checkLength(fail, "masks", masks, maskCount * wordsPerRow);
}

/** The shapes shared by both first-layer kernels. */
export function checkFirstLayer(
  fail: Fail,
  x: Float32Array,
  rows: number,
  layer: DenseLayerT,
  outRowOffset: number,
): void {
  checkInt(fail, "layer.dim", layer.dim, 1, 2 ** 30);
  checkInt(fail, "layer.width", layer.width, 1, 2 ** 30);
  checkInt(fail, "rows", rows, 0, 2 ** 31 - 1);
  checkInt(fail, "outRowOffset", outRowOffset, 0, 2 ** 31 - 1);
  checkLength(fail, "x", x, rows * layer.dim);
  // W^T is derived from W by kernelLayout (and may not exist yet): W's length stands for both.
  checkLength(fail, "layer.weights", layer.weights, layer.dim * layer.width);
  checkLength(fail, "layer.bias", layer.bias, layer.width);
}
