// CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin): records of 3073 bytes, one label
// byte 0..9 followed by 3072 pixel bytes: the 1024 red values of the 32×32 image in row-major
// order, then 1024 green, then 1024 blue. Features keep this channel-major order (d = 3072).

import { DataError, type Dataset, makeDataset } from "./dataset.js";

/** Class names of CIFAR-10, indexed by label. */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

/** Bytes per CIFAR-10 record: 1 label byte + 3 × 32 × 32 pixel bytes. */
export const CIFAR10_RECORD_BYTES = 3073;
/** Input dimension of CIFAR-10 images: 3 channels × 32 × 32 pixels. */
export const CIFAR10_DIM = 3072;

/** Number of records in a CIFAR-10 batch of `byteLength` bytes; DataError if not whole records. */
export function cifar10RecordCount(byteLength: number, sourceName: string): number {
  const records = Math.floor(byteLength / CIFAR10_RECORD_BYTES);
  const rest = byteLength - records * CIFAR10_RECORD_BYTES;
  if (rest !== 0) {
    throw new DataError(
      `${sourceName}: ${byteLength} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte ` +
        `CIFAR-10 records: record ${records} (0-based) is truncated, expected ` +
        `${CIFAR10_RECORD_BYTES} bytes, found ${rest}`,
    );
  }
  if (records === 0) {
    throw new DataError(`${sourceName}: empty CIFAR-10 batch (0 bytes)`);
  }
  return records;
}

/**
 * Decodes the CIFAR-10 batch `bytes` into `features`/`labels` starting at record `firstRecord`
 * (the arrays must have room); returns the number of records written. DataError as parseCifar10Batch.
 */
export function decodeCifar10Into(
  bytes: Uint8Array,
  sourceName: string,
  features: Float32Array,
  labels: Int32Array,
  firstRecord: number,
): number {
  const records = cifar10RecordCount(bytes.length, sourceName);
  if ((firstRecord + records) * CIFAR10_DIM > features.length) {
    throw new RangeError(`decodeCifar10Into: no room for ${records} records of ${sourceName}`);
  }
  for (let r = 0; r < records; r++) {
    const at = r * CIFAR10_RECORD_BYTES;
    const label = bytes[at];
    if (label > 9) {
      throw new DataError(
        `${sourceName}: record ${r} (byte offset ${at}) has label ${label}, expected 0..9`,
      );
    }
    labels[firstRecord + r] = label;
    features.set(
      bytes.subarray(at + 1, at + CIFAR10_RECORD_BYTES),
      (firstRecord + r) * CIFAR10_DIM,
    );
  }
  return records;
}

/**
 * Decodes one CIFAR-10 binary batch into a Dataset (raw pixel values 0..255, d = 3072 in the
 * file's R, G, B plane order). DataError for a length that is not a multiple of 3073 or a label > 9.
 */
export function parseCifar10Batch(bytes: Uint8Array, sourceName: string): Dataset {
  const records = cifar10RecordCount(bytes.length, sourceName);
  const features = new Float32Array(records * CIFAR10_DIM);
  const labels = new Int32Array(records);
  decodeCifar10Into(bytes, sourceName, features, labels, 0);
  return makeDataset(sourceName, features, CIFAR10_DIM, labels, CIFAR10_CLASS_NAMES);
}
