// NumPy .npy files written byte by byte in the real format.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DataError } from "../src/data/dataset.js";
import { npyToDataset, parseNpy } from "../src/data/npy.js";
import { loadNpyFiles } from "../src/node/loaders.js";

/** An .npy file like numpy.save writes it (header padded with spaces to a multiple of 64). */
function encodeNpy(
  descr: string,
  shape: number[],
  payload: Uint8Array,
  opts: { version?: number; fortran?: boolean } = {},
): Uint8Array {
  const version = opts.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header =
    `{'descr': '${descr}', 'fortran_order': ${opts.fortran === true ? "True" : "False"}, ` +
    `'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, " ") + "\n";
  const out = new Uint8Array(total + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(payload, total);
  return out;
}

function f4(values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat32(4 * i, x, true));
  return out;
}
function f8(values: number[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat64(8 * i, x, true));
  return out;
}
function i8(values: bigint[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setBigInt64(8 * i, x, true));
  return out;
}
function i4(values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setInt32(4 * i, x, true));
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), "memonet-npy-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("parseNpy decodes <f4, <f8, |u1, <i4, <i8 in versions 1.0, 2.0 and 3.0", () => {
  const a = parseNpy(encodeNpy("<f4", [2, 3], f4([1, 2, 3, 4.5, -5, 6])), "a.npy");
  assert.deepEqual(a.shape, [2, 3]);
  assert.equal(a.dtype, "f4");
  assert.ok(a.data instanceof Float32Array);
  assert.deepEqual(Array.from(a.data), [1, 2, 3, 4.5, -5, 6]);

  const b = parseNpy(encodeNpy("<f8", [3], f8([0.1, -2, 1e300]), { version: 2 }), "b.npy");
  assert.ok(b.data instanceof Float64Array);
  assert.deepEqual(Array.from(b.data), [0.1, -2, 1e300]);

  const c = parseNpy(encodeNpy("|u1", [2, 2], new Uint8Array([0, 255, 7, 8]), { version: 3 }), "c");
  assert.ok(c.data instanceof Uint8Array);
  assert.deepEqual(Array.from(c.data), [0, 255, 7, 8]);

  const d = parseNpy(encodeNpy("<i8", [3], i8([-3n, 2n ** 53n, 42n])), "d.npy");
  assert.equal(d.dtype, "i8");
  assert.deepEqual(Array.from(d.data), [-3, 2 ** 53, 42]);

  const e = parseNpy(encodeNpy("<i4", [2], i4([-7, 9])), "e.npy");
  assert.ok(e.data instanceof Int32Array);
  assert.deepEqual(Array.from(e.data), [-7, 9]);

  const scalar = parseNpy(encodeNpy("<f8", [], f8([3])), "s.npy");
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual(Array.from(scalar.data), [3]);
});

test("parseNpy rejects Fortran order, big-endian, object and other dtypes, bad sizes", () => {
  const rejects = (bytes: Uint8Array, re: RegExp): void => {
    assert.throws(
      () => parseNpy(bytes, "x.npy"),
      (e: unknown) =>
        e instanceof DataError && e.message.startsWith("x.npy: ") && re.test(e.message),
    );
  };
  rejects(
    encodeNpy("<f4", [2, 2], f4([1, 2, 3, 4]), { fortran: true }),
    /Fortran \(column-major\) order; only C order is supported/,
  );
  rejects(
    encodeNpy(">f8", [1], f8([1])),
    /'>f8' is big-endian; only little-endian .*astype\('<f8'\)/,
  );
  rejects(encodeNpy("|O", [1], new Uint8Array(8)), /object \(pickled\) array/);
  rejects(encodeNpy("<f2", [1], new Uint8Array(2)), /unsupported \.npy dtype '<f2'/);
  rejects(
    encodeNpy("<i8", [1], i8([2n ** 53n + 1n])),
    /int64 element 0 is 9007199254740993, outside ±2\^53/,
  );
  const full = encodeNpy("<f4", [2, 3], f4([1, 2, 3, 4, 5, 6]));
  rejects(
    full.subarray(0, full.length - 4),
    /truncated \.npy data: shape \(2, 3\) of '<f4' needs 152 bytes \(128 header \+ 6 × 4\), found 148/,
  );
  rejects(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), /not a \.npy file/);
  const v9 = full.slice();
  v9[6] = 9;
  rejects(v9, /format version 9\.0 is not supported/);
});

test("npyToDataset flattens images and maps integer labels to sorted classes", async () => {
  // X: 3 images of 2×2 pixels as uint8; y: int64 labels 7, -1, 7.
  writeFileSync(
    join(tmp, "x.npy"),
    encodeNpy("|u1", [3, 2, 2], new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])),
  );
  writeFileSync(join(tmp, "y.npy"), encodeNpy("<i8", [3], i8([7n, -1n, 7n])));
  const ds = await loadNpyFiles(join(tmp, "x.npy"), join(tmp, "y.npy"));
  assert.equal(ds.size, 3);
  assert.equal(ds.dim, 4);
  assert.deepEqual(Array.from(ds.features.subarray(4, 8)), [5, 6, 7, 8]);
  assert.deepEqual(ds.classNames, ["-1", "7"]);
  assert.deepEqual(Array.from(ds.labels), [1, 0, 1]);

  const x = parseNpy(encodeNpy("<f8", [2, 2], f8([0.5, 1, 1.5, 2])), "x2.npy");
  const yFloat = parseNpy(encodeNpy("<f4", [2], f4([0, 1.5])), "yf.npy");
  assert.throws(
    () => npyToDataset(x, yFloat, "t"),
    /yf\.npy: label 1 is 1\.5, expected an integer/,
  );
  const yShort = parseNpy(encodeNpy("<i4", [3], i4([0, 1, 0])), "ys.npy");
  assert.throws(
    () => npyToDataset(x, yShort, "t"),
    /x2\.npy has 2 rows .* but ys\.npy has 3 labels/,
  );
  const y2d = parseNpy(encodeNpy("<i4", [2, 2], i4([0, 1, 0, 1])), "y2.npy");
  assert.throws(() => npyToDataset(x, y2d, "t"), /y2\.npy: expected a label array of shape \(N,\)/);
  const xNan = parseNpy(encodeNpy("<f8", [2, 1], f8([0.5, NaN])), "nan.npy");
  const y = parseNpy(encodeNpy("<i4", [2], i4([0, 1])), "y.npy");
  assert.throws(() => npyToDataset(xNan, y, "nan.npy"), /nan\.npy: point 1 \(0-based\), feature 0/);
  await assert.rejects(
    loadNpyFiles(join(tmp, "x.npy"), join(tmp, "missing.npy")),
    /missing\.npy: file not found/,
  );
});
