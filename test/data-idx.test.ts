// IDX parsing, the IDX file loaders (plain and gzipped) and their errors.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { DataError } from "../src/data/dataset.js";
import { idxPartsToDataset, idxToDataset, parseIdx } from "../src/data/idx.js";
import { readMaybeGzip } from "../src/node/files.js";
import { loadIdxDataset, loadIdxDirectory } from "../src/node/loaders.js";

/** Encodes an unsigned-byte IDX file. */
function encodeIdx(dims: number[], data: ArrayLike<number>, typeCode = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = typeCode;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), "memonet-idx-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

// Three 2×3 "images" with labels 2, 0, 1.
const pixels = Array.from({ length: 18 }, (_, i) => (i * 37) % 256);
const imagesBytes = encodeIdx([3, 2, 3], pixels);
const labelsBytes = encodeIdx([3], [2, 0, 1]);

test("parseIdx decodes dims and data, and round-trips into a Dataset", () => {
  const images = parseIdx(imagesBytes, "images");
  assert.deepEqual(images.dims, [3, 2, 3]);
  assert.deepEqual(Array.from(images.data), pixels);
  const labels = parseIdx(labelsBytes, "labels");
  assert.deepEqual(labels.dims, [3]);
  const ds = idxToDataset(images, labels, "tiny");
  assert.equal(ds.size, 3);
  assert.equal(ds.dim, 6);
  assert.deepEqual(Array.from(ds.features), pixels);
  assert.deepEqual(Array.from(ds.labels), [2, 0, 1]);
  assert.deepEqual(ds.classNames, ["0", "1", "2"]);
  const named = idxToDataset(images, labels, "tiny", ["a", "b", "c", "d"]);
  assert.deepEqual(named.classNames, ["a", "b", "c", "d"]);
  const both = idxPartsToDataset([images, images], [labels, labels], "twice");
  assert.equal(both.size, 6);
  assert.deepEqual(Array.from(both.labels), [2, 0, 1, 2, 0, 1]);
  assert.deepEqual(Array.from(both.features.subarray(18)), pixels);
});

test("parseIdx rejects bad magic, other value types, truncated and over-long data", () => {
  assert.throws(
    () => parseIdx(new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0]), "bad.idx"),
    (e: unknown) => e instanceof DataError && /bad\.idx/.test(e.message) && /magic/.test(e.message),
  );
  assert.throws(
    () => parseIdx(encodeIdx([2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d), "float.idx"),
    /float\.idx: IDX value type 0x0d \(32-bit float\) is not supported; expected 0x08/,
  );
  assert.throws(
    () => parseIdx(imagesBytes.subarray(0, imagesBytes.length - 5), "short.idx"),
    /short\.idx: truncated IDX data: dimensions \[3, 2, 3\] need 34 bytes .*found 29/,
  );
  const long = new Uint8Array(imagesBytes.length + 1);
  long.set(imagesBytes);
  assert.throws(
    () => parseIdx(long, "long.idx"),
    /long\.idx: trailing bytes.*need 34 bytes.*found 35/,
  );
  assert.throws(
    () => parseIdx(imagesBytes.subarray(0, 9), "hdr.idx"),
    /hdr\.idx: truncated IDX header/,
  );
  assert.throws(() => parseIdx(new Uint8Array(2), "tiny.idx"), /tiny\.idx: not an IDX file/);
});

test("idxToDataset rejects mismatched counts and labels without a class name", () => {
  const images = parseIdx(imagesBytes, "im");
  assert.throws(
    () => idxToDataset(images, parseIdx(encodeIdx([2], [0, 1]), "lb"), "x"),
    /im has 3 images but lb has 2 labels/,
  );
  assert.throws(
    () => idxToDataset(images, parseIdx(labelsBytes, "lb"), "x", ["a", "b"]),
    /lb: record 0 has label 2, expected 0\.\.1/,
  );
  assert.throws(() => idxToDataset(images, images, "x"), /expected a 1-dimensional label array/);
});

test("loadIdxDataset reads plain and gzipped files; readMaybeGzip errors name the path", async () => {
  writeFileSync(join(tmp, "im.idx"), imagesBytes);
  writeFileSync(join(tmp, "lb.idx.gz"), gzipSync(labelsBytes));
  const ds = await loadIdxDataset(join(tmp, "im.idx"), join(tmp, "lb.idx.gz"));
  assert.equal(ds.size, 3);
  assert.deepEqual(Array.from(ds.labels), [2, 0, 1]);

  // Gzip magic without the .gz suffix is still gunzipped.
  writeFileSync(join(tmp, "im-gz-no-suffix"), gzipSync(imagesBytes));
  assert.deepEqual(await readMaybeGzip(join(tmp, "im-gz-no-suffix")), imagesBytes);

  await assert.rejects(readMaybeGzip(join(tmp, "nope.idx")), (e: unknown) => {
    return e instanceof DataError && e.message === `${join(tmp, "nope.idx")}: file not found`;
  });
  const gz = gzipSync(imagesBytes);
  writeFileSync(join(tmp, "corrupt.gz"), gz.subarray(0, gz.length >> 1));
  await assert.rejects(readMaybeGzip(join(tmp, "corrupt.gz")), /corrupt\.gz: corrupt gzip data/);
  writeFileSync(join(tmp, "notgz.gz"), imagesBytes);
  await assert.rejects(readMaybeGzip(join(tmp, "notgz.gz")), /notgz\.gz: name ends in \.gz but/);
  await assert.rejects(readMaybeGzip(tmp), /is a directory, expected a file/);
  writeFileSync(join(tmp, "trunc.idx"), imagesBytes.subarray(0, 20));
  await assert.rejects(
    loadIdxDataset(join(tmp, "trunc.idx"), join(tmp, "lb.idx.gz")),
    /trunc\.idx: truncated IDX data.*need 34 bytes.*found 20/,
  );
});

test("loadIdxDirectory finds MNIST-style names with or without .gz and lists what it missed", async () => {
  const dir = join(tmp, "mnist-like");
  const testImages = encodeIdx([1, 2, 3], pixels.slice(0, 6));
  const testLabels = encodeIdx([1], [1]);
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir);
  writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(imagesBytes));
  writeFileSync(join(dir, "train-labels-idx1-ubyte"), labelsBytes);
  writeFileSync(join(dir, "t10k-images.idx3-ubyte"), testImages);
  writeFileSync(join(dir, "t10k-labels-idx1-ubyte.gz"), gzipSync(testLabels));
  const all = await loadIdxDirectory(dir);
  assert.equal(all.size, 4);
  assert.deepEqual(Array.from(all.labels), [2, 0, 1, 1]);
  assert.deepEqual(Array.from(all.features.subarray(18)), pixels.slice(0, 6));
  const train = await loadIdxDirectory(dir, { split: "train" });
  assert.equal(train.size, 3);
  const testSplit = await loadIdxDirectory(dir, { split: "test", classNames: ["a", "b", "c"] });
  assert.equal(testSplit.size, 1);
  assert.deepEqual(testSplit.classNames, ["a", "b", "c"]);

  const empty = join(tmp, "empty");
  mkdirSync(empty);
  await assert.rejects(
    loadIdxDirectory(empty, { split: "test" }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.includes("t10k-images-idx3-ubyte, t10k-images-idx3-ubyte.gz") &&
      e.message.includes("empty"),
  );
  await assert.rejects(
    loadIdxDirectory(join(tmp, "missing-dir")),
    /missing-dir: directory not found/,
  );
});
