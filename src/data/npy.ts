// NumPy .npy files, format versions 1.0, 2.0 and 3.0: the magic "\x93NUMPY", two version bytes,
// a little-endian header length (uint16 in 1.0, uint32 in 2.0/3.0), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (N, d), } and the raw values.
// Supported: little-endian (or 1-byte) '<f4', '<f8', '|u1', '<i4', '<i8', C order only.

import { DataError, type Dataset, makeDataset } from "./dataset.js";
import { checkFinite } from "./preprocess.js";

/** Element types parseNpy understands (NumPy's dtype names without the byte-order mark). */
export type NpyDtype = "f4" | "f8" | "u1" | "i4" | "i8";

/** A decoded .npy array. */
export interface NpyArray {
  /** File or source name (used in error messages). */
  readonly source: string;
  /** Array shape, outermost first; [] for a 0-d array. */
  readonly shape: readonly number[];
  /** The element type stored in the file. */
  readonly dtype: NpyDtype;
  /**
   * The values in C (row-major) order. int64 ('<i8') files are returned as a Float64Array of
   * exact integers (parseNpy rejects values beyond ±2^53).
   */
  readonly data: Float32Array | Float64Array | Uint8Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ITEM_BYTES: Record<NpyDtype, number> = { f4: 4, f8: 8, u1: 1, i4: 4, i8: 8 };
const SUPPORTED = "'<f4', '<f8', '|u1', '<i4', '<i8'";
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The dtype of a descr string like '<f4'; DataError explaining why one is not supported. */
function parseDescr(descr: string, source: string): NpyDtype {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (m === null) {
    throw new DataError(
      `${source}: unsupported .npy dtype '${descr}'; expected one of ` + SUPPORTED,
    );
  }
  const [, order, kind, size] = m;
  if (kind === "O") {
    throw new DataError(
      `${source}: .npy dtype '${descr}' is an object (pickled) array, which cannot be read ` +
        `safely; save a numeric array instead (expected one of ${SUPPORTED})`,
    );
  }
  const code = `${kind}${size}`;
  if (code !== "f4" && code !== "f8" && code !== "u1" && code !== "i4" && code !== "i8") {
    throw new DataError(
      `${source}: unsupported .npy dtype '${descr}'; expected one of ${SUPPORTED}`,
    );
  }
  if (code !== "u1" && order === ">") {
    throw new DataError(
      `${source}: .npy dtype '${descr}' is big-endian; only little-endian data is supported ` +
        `(convert with arr.astype('<${code}'))`,
    );
  }
  if (code !== "u1" && order === "=" && !LITTLE_ENDIAN_HOST) {
    throw new DataError(`${source}: .npy dtype '${descr}' (native order) is not little-endian`);
  }
  return code;
}

/**
 * Decodes a NumPy .npy file (v1.0/2.0/3.0; dtypes <f4, <f8, |u1, <i4, <i8; C order). DataError
 * naming `sourceName` for a bad magic, an unsupported dtype, Fortran order, big-endian data,
 * int64 values beyond ±2^53, or a data length that does not match the shape (expected vs found).
 */
export function parseNpy(bytes: Uint8Array, sourceName: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataError(`${sourceName}: not a .npy file: missing the "\\x93NUMPY" magic string`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) {
      throw new DataError(`${sourceName}: truncated .npy header (${bytes.length} bytes)`);
    }
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw new DataError(
      `${sourceName}: .npy format version ${major}.${minor} is not supported ` +
        `(expected 1.0, 2.0 or 3.0)`,
    );
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw new DataError(
      `${sourceName}: truncated .npy header: expected ${dataStart} header bytes, found ${bytes.length}`,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(headerBytes);

  const descrMatch = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(header);
  if (descrMatch === null) {
    if (/['"]descr['"]\s*:\s*\[/.test(header)) {
      throw new DataError(
        `${sourceName}: structured .npy dtypes (record arrays) are not supported; ` +
          `expected one of ${SUPPORTED}`,
      );
    }
    throw new DataError(`${sourceName}: .npy header has no 'descr' entry: ${header.trim()}`);
  }
  const dtype = parseDescr(descrMatch[2], sourceName);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  if (fortranMatch === null) {
    throw new DataError(
      `${sourceName}: .npy header has no 'fortran_order' entry: ${header.trim()}`,
    );
  }
  if (fortranMatch[1] === "True") {
    throw new DataError(
      `${sourceName}: .npy array is stored in Fortran (column-major) order; only C order is ` +
        `supported (save np.ascontiguousarray(arr) instead)`,
    );
  }
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (shapeMatch === null) {
    throw new DataError(`${sourceName}: .npy header has no 'shape' tuple: ${header.trim()}`);
  }
  const shape: number[] = [];
  for (const part of shapeMatch[1].split(",")) {
    const p = part.trim().replace(/L$/, "");
    if (p.length === 0) continue;
    if (!/^\d+$/.test(p)) {
      throw new DataError(`${sourceName}: bad .npy shape (${shapeMatch[1]})`);
    }
    shape.push(Number(p));
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const itemBytes = ITEM_BYTES[dtype];
  const expected = dataStart + count * itemBytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "truncated .npy data" : "trailing bytes after .npy data";
    throw new DataError(
      `${sourceName}: ${what}: shape (${shape.join(", ")}) of '${descrMatch[2]}' needs ` +
        `${expected} bytes (${dataStart} header + ${count} × ${itemBytes}), found ${bytes.length}`,
    );
  }
  // Copy into a fresh (aligned) buffer; the input's data offset need not be a multiple of 8.
  const raw = new Uint8Array(expected - dataStart);
  raw.set(bytes.subarray(dataStart, expected));
  const rawView = new DataView(raw.buffer);
  let data: Float32Array | Float64Array | Uint8Array | Int32Array;
  switch (dtype) {
    case "u1":
      data = raw;
      break;
    case "f4":
      if (LITTLE_ENDIAN_HOST) data = new Float32Array(raw.buffer);
      else {
        data = new Float32Array(count);
        for (let i = 0; i < count; i++) data[i] = rawView.getFloat32(4 * i, true);
      }
      break;
    case "f8":
      if (LITTLE_ENDIAN_HOST) data = new Float64Array(raw.buffer);
      else {
        data = new Float64Array(count);
        for (let i = 0; i < count; i++) data[i] = rawView.getFloat64(8 * i, true);
      }
      break;
    case "i4":
      if (LITTLE_ENDIAN_HOST) data = new Int32Array(raw.buffer);
      else {
        data = new Int32Array(count);
        for (let i = 0; i < count; i++) data[i] = rawView.getInt32(4 * i, true);
      }
      break;
    case "i8": {
      const out = new Float64Array(count);
      const limit = 2n ** 53n;
      for (let i = 0; i < count; i++) {
        const v = rawView.getBigInt64(8 * i, true);
        if (v > limit || v < -limit) {
          throw new DataError(
            `${sourceName}: int64 element ${i} is ${v}, outside ±2^53 (not exactly representable)`,
          );
        }
        out[i] = Number(v);
      }
      data = out;
      break;
    }
  }
  return { source: sourceName, shape, dtype, data };
}

/**
 * Builds a Dataset from a feature array X of shape (N, d) or (N, h, w, ...) (flattened; a 1-D X
 * means d = 1) and integer labels y of shape (N,) or (N, 1). Distinct label values, sorted, become
 * classes 0..K-1 named by the values. DataError for mismatched N, non-integer labels, NaN/Inf.
 */
export function npyToDataset(x: NpyArray, y: NpyArray, name: string): Dataset {
  if (x.shape.length < 1 || x.shape[0] < 1) {
    throw new DataError(
      `${x.source}: expected a feature array of shape (N, d) with N >= 1, found (${x.shape.join(", ")})`,
    );
  }
  const size = x.shape[0];
  const dim = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (dim < 1) {
    throw new DataError(`${x.source}: feature array of shape (${x.shape.join(", ")}) is empty`);
  }
  const yOk = y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1);
  if (!yOk) {
    throw new DataError(
      `${y.source}: expected a label array of shape (N,) or (N, 1), found (${y.shape.join(", ")})`,
    );
  }
  if (y.shape[0] !== size) {
    throw new DataError(
      `${name}: ${x.source} has ${size} rows (shape (${x.shape.join(", ")})) but ${y.source} has ` +
        `${y.shape[0]} labels`,
    );
  }
  const values = y.data;
  for (let i = 0; i < size; i++) {
    if (!Number.isInteger(values[i])) {
      throw new DataError(
        `${y.source}: label ${i} is ${values[i]}, expected an integer (dtype ${y.dtype})`,
      );
    }
  }
  const distinct = [...new Set(Array.from(values))].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, k) => [v, k]));
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) labels[i] = index.get(values[i]) ?? -1;
  const features = x.data instanceof Float32Array ? x.data : new Float32Array(x.data);
  const ds = makeDataset(
    name,
    features,
    dim,
    labels,
    distinct.map((v) => String(v)),
  );
  checkFinite(ds);
  return ds;
}
