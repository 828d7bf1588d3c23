// IDX files (the format of MNIST and Fashion-MNIST): a 4-byte magic number (two zero bytes, a
// type code, the number of dimensions), one big-endian uint32 per dimension, then the values in
// row-major order. Only the unsigned-byte type (code 0x08) is supported.

import { DataError, type Dataset, makeDataset } from "./dataset.js";

/** A decoded unsigned-byte IDX array. */
export interface IdxArray {
  /** File or source name the array came from (used in error messages). */
  readonly source: string;
  /** Size of each dimension, outermost first, e.g. [60000, 28, 28]. */
  readonly dims: readonly number[];
  /** The values in row-major order (a view into the input bytes, not a copy). */
  readonly data: Uint8Array;
}

const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "16-bit integer",
  0x0c: "32-bit integer",
  0x0d: "32-bit float",
  0x0e: "64-bit float",
};

/**
 * Decodes an unsigned-byte IDX file (magic 0x00000801, 0x00000803, ...). Throws DataError naming
 * `sourceName` for a bad magic number, another value type, or a byte count that does not match.
 */
export function parseIdx(bytes: Uint8Array, sourceName: string): IdxArray {
  if (bytes.length < 4) {
    throw new DataError(
      `${sourceName}: not an IDX file: expected at least 4 header bytes, found ${bytes.length}`,
    );
  }
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const hex = `0x${magic.toString(16).padStart(8, "0")}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(
      `${sourceName}: not an IDX file: magic number ${hex} does not start with two zero bytes ` +
        `(expected e.g. 0x00000803 for images, 0x00000801 for labels)`,
    );
  }
  const typeCode = bytes[2];
  if (typeCode !== 0x08) {
    const typeName = IDX_TYPE_NAMES[typeCode];
    throw new DataError(
      `${sourceName}: IDX value type 0x${typeCode.toString(16).padStart(2, "0")} ` +
        `(${typeName ?? "unknown"}) is not supported; expected 0x08 (unsigned byte), magic ${hex}`,
    );
  }
  const ndims = bytes[3];
  if (ndims < 1) {
    throw new DataError(`${sourceName}: IDX magic ${hex} declares 0 dimensions, expected >= 1`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DataError(
      `${sourceName}: truncated IDX header: expected ${headerBytes} bytes for ${ndims} ` +
        `dimensions, found ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const n = view.getUint32(4 + 4 * i, false);
    dims.push(n);
    count *= n;
  }
  const expected = headerBytes + count;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "truncated IDX data" : "trailing bytes after IDX data";
    throw new DataError(
      `${sourceName}: ${what}: dimensions [${dims.join(", ")}] need ${expected} bytes ` +
        `(${headerBytes} header + ${count} values), found ${bytes.length}`,
    );
  }
  return { source: sourceName, dims, data: bytes.subarray(headerBytes, expected) };
}

/**
 * Combines an image IDX array (N × ...) and a label IDX array (N) into a Dataset with raw pixel
 * values 0..255 as features. Class names default to "0".."max label". Throws DataError on a
 * count mismatch, a label array that is not 1-D, or a label without a class name.
 */
export function idxToDataset(
  images: IdxArray,
  labels: IdxArray,
  name: string,
  classNames?: readonly string[],
): Dataset {
  return idxPartsToDataset([images], [labels], name, classNames);
}

/**
 * Like idxToDataset for several (images, labels) pairs concatenated in order (e.g. MNIST train
 * then test) without an intermediate copy. DataError if image shapes or counts do not agree.
 */
export function idxPartsToDataset(
  images: readonly IdxArray[],
  labels: readonly IdxArray[],
  name: string,
  classNames?: readonly string[],
): Dataset {
  if (images.length === 0 || images.length !== labels.length) {
    throw new DataError(
      `${name}: expected matching lists of image and label arrays, got ${images.length} and ` +
        `${labels.length}`,
    );
  }
  const shape = images[0].dims.slice(1);
  let size = 0;
  for (let p = 0; p < images.length; p++) {
    const im = images[p];
    const lb = labels[p];
    if (im.dims.length < 2) {
      throw new DataError(
        `${im.source}: expected an image array with at least 2 dimensions (N, ...), ` +
          `found dimensions [${im.dims.join(", ")}]`,
      );
    }
    const rest = im.dims.slice(1);
    if (rest.length !== shape.length || rest.some((d, i) => d !== shape[i])) {
      throw new DataError(
        `${name}: ${images[0].source} has images of shape [${shape.join(", ")}] but ` +
          `${im.source} has [${rest.join(", ")}]`,
      );
    }
    if (lb.dims.length !== 1) {
      throw new DataError(
        `${lb.source}: expected a 1-dimensional label array, found dimensions ` +
          `[${lb.dims.join(", ")}]`,
      );
    }
    if (lb.dims[0] !== im.dims[0]) {
      throw new DataError(
        `${name}: ${im.source} has ${im.dims[0]} images but ${lb.source} has ${lb.dims[0]} labels`,
      );
    }
    size += im.dims[0];
  }
  const dim = shape.reduce((a, b) => a * b, 1);
  if (dim < 1 || size < 1) {
    throw new DataError(`${name}: no images (shape [${size}, ${shape.join(", ")}])`);
  }
  let maxLabel = 0;
  for (const lb of labels) for (const v of lb.data) if (v > maxLabel) maxLabel = v;
  const names = classNames ?? Array.from({ length: maxLabel + 1 }, (_, k) => String(k));
  const features = new Float32Array(size * dim);
  const out = new Int32Array(size);
  let at = 0;
  for (let p = 0; p < images.length; p++) {
    const lb = labels[p];
    const bad = lb.data.findIndex((v) => v >= names.length);
    if (bad >= 0) {
      throw new DataError(
        `${lb.source}: record ${bad} has label ${lb.data[bad]}, expected 0..${names.length - 1}`,
      );
    }
    features.set(images[p].data, at * dim);
    out.set(lb.data, at);
    at += lb.dims[0];
  }
  return makeDataset(name, features, dim, out, names);
}
