// CIFAR-10 binary batches: decoding and the directory loader, on files written by the test.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { CIFAR10_CLASS_NAMES, parseCifar10Batch } from "../src/data/cifar10.js";
import { DataError } from "../src/data/dataset.js";
import { loadCifar10 } from "../src/node/loaders.js";

/** A batch of `labels.length` records; pixel c (channel-major index) of record r is (r + 7c) mod 256. */
function encodeBatch(labels: number[], offset = 0): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let c = 0; c < 3072; c++) out[r * 3073 + 1 + c] = (r + offset + 7 * c) % 256;
  });
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), "memonet-cifar-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("parseCifar10Batch keeps the label byte and the R, G, B planes in file order", () => {
  const ds = parseCifar10Batch(encodeBatch([3, 9, 0]), "batch.bin");
  assert.equal(ds.size, 3);
  assert.equal(ds.dim, 3072);
  assert.deepEqual(Array.from(ds.labels), [3, 9, 0]);
  assert.deepEqual(ds.classNames, CIFAR10_CLASS_NAMES);
  assert.equal(ds.classNames[3], "cat");
  // Record 1: red (0,0) = pixel 0, green (0,0) = pixel 1024, blue (31,31) = pixel 3071.
  assert.equal(ds.features[3072 + 0], 1);
  assert.equal(ds.features[3072 + 1024], (1 + 7 * 1024) % 256);
  assert.equal(ds.features[3072 + 3071], (1 + 7 * 3071) % 256);
});

test("parseCifar10Batch errors: truncated record, label > 9, empty file", () => {
  const bytes = encodeBatch([1, 2]);
  assert.throws(
    () => parseCifar10Batch(bytes.subarray(0, 3073 + 100), "short.bin"),
    (e: unknown) =>
      e instanceof DataError &&
      /short\.bin: 3173 bytes is not a whole number of 3073-byte CIFAR-10 records: record 1 \(0-based\) is truncated, expected 3073 bytes, found 100/.test(
        e.message,
      ),
  );
  const bad = encodeBatch([1, 2]);
  bad[3073] = 10;
  assert.throws(
    () => parseCifar10Batch(bad, "bad.bin"),
    /bad\.bin: record 1 \(byte offset 3073\) has label 10, expected 0\.\.9/,
  );
  assert.throws(() => parseCifar10Batch(new Uint8Array(0), "empty.bin"), /empty\.bin: empty/);
});

test("loadCifar10 reads data_batch_1..5 and test_batch in order; names missing files", async () => {
  const dir = join(tmp, "cifar-10-batches-bin");
  mkdirSync(dir);
  for (let k = 1; k <= 5; k++) {
    writeFileSync(join(dir, `data_batch_${k}.bin`), encodeBatch([k, k - 1], 10 * k));
  }
  writeFileSync(join(dir, "test_batch.bin"), encodeBatch([9, 8, 7]));
  // The parent directory of cifar-10-batches-bin/ works as well.
  const all = await loadCifar10(tmp);
  assert.equal(all.name, "cifar10");
  assert.equal(all.size, 13);
  assert.deepEqual(Array.from(all.labels), [1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 9, 8, 7]);
  // Record 0 of data_batch_3 is point 4; its red (0,0) pixel is 30.
  assert.equal(all.features[4 * 3072], 30);
  const train = await loadCifar10(dir, { split: "train" });
  assert.equal(train.size, 10);
  const testSplit = await loadCifar10(dir, { split: "test" });
  assert.deepEqual(Array.from(testSplit.labels), [9, 8, 7]);

  rmSync(join(dir, "data_batch_2.bin"));
  rmSync(join(dir, "data_batch_4.bin"));
  await assert.rejects(
    loadCifar10(dir),
    /missing CIFAR-10 binary batch file\(s\) data_batch_2\.bin, data_batch_4\.bin/,
  );
  writeFileSync(join(dir, "test_batch.bin"), encodeBatch([1, 2]).subarray(0, 5000));
  await assert.rejects(
    loadCifar10(dir, { split: "test" }),
    /test_batch\.bin: 5000 bytes .* record 1 \(0-based\) is truncated, expected 3073 bytes, found 1927/,
  );
  await assert.rejects(loadCifar10(join(tmp, "nowhere")), /nowhere: CIFAR-10 directory not found/);
});
