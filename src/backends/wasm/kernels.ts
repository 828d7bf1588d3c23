// The WebAssembly backend's kernels: those of assembly/kernels.ts (SIMD, compiled by
// scripts/build-wasm.mjs), bit-identical to the reference. Arguments arrive validated by the ops
// (src/ops/); the module itself still refuses row indices outside the bit matrix.
//
// Arrays from this backend's workspace() live in its linear memory and are passed to the module
// by address, without copies. Any other array (e.g. Dataset.features, or first-layer weights
// built in ordinary JavaScript memory) is accepted too, but is copied into a scratch area per
// call: chunk by chunk of rows for the first-layer input x and output, whole for everything
// else. In particular a BitMatrix whose data is not from workspace() is copied on every
// maskedMin/maskedBelow call, which is correct but slow: allocate bit matrices from the workspace.

import type { BackendInstance } from "../registry.js";
import { coverWordsFor } from "../bits.js";
import type { BitMatrix, DenseLayerT, Workspace } from "../types.js";
import { Array32, LinearMemory, Scratch, WasmWorkspace, alignedBytes } from "./memory.js";
import { KernelExports, loadKernelModule } from "./runtime.js";

const BACKEND = "wasm";

/** Neurons per cache block of the first layer (W^T block of dim × 256 floats stays in L2). */
const BLOCK_NEURONS = 256;
/** Bytes of non-zero lists per first-layer chunk of rows (8 bytes per non-zero). */
const CHUNK_BYTES = 4 << 20;

/** Clamps a numeric bound to the i32 range after rounding it with `round` (NaN -> -2^31). */
function toInt32(value: number, round: (v: number) => number): number {
  if (Number.isNaN(value)) return -(2 ** 31);
  return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, round(value)));
}

/**
 * Per-call placement of arrays in linear memory: arrays of this backend's memory are used in
 * place (by address); others are copied into scratch space reserved with Scratch.begin().
 */
class Placement {
  constructor(
    private readonly memory: LinearMemory,
    private readonly scratch: Scratch,
  ) {}

  /** True when `array` lives in this backend's memory. */
  owns(array: Array32): boolean {
    return this.memory.owns(array);
  }

  /** Scratch bytes that placing `length` elements of `array` will take. */
  cost(array: Array32, length: number): number {
    return this.owns(array) ? 0 : alignedBytes(length * 4);
  }

  /** Address of array[start .. start + length) for reading: in place, or a fresh scratch copy. */
  input(array: Array32, start: number, length: number): number {
    if (this.owns(array)) return array.byteOffset + start * 4;
    const address = this.scratch.take(length * 4);
    this.copyIn(array, start, length, address);
    return address;
  }

  /** Copies array[start .. start + length) to linear memory at `address`. */
  copyIn(array: Array32, start: number, length: number, address: number): void {
    this.view(array, address, length).set(array.subarray(start, start + length));
  }

  /** Copies `length` elements at `address` to array[start ..]. */
  copyOut(address: number, length: number, array: Array32, start: number): void {
    array.set(this.view(array, address, length), start);
  }

  /** A view of the same element type as `like` over linear memory. */
  private view(like: Array32, address: number, length: number): Array32 {
    const buffer = this.memory.buffer;
    if (like instanceof Float32Array) return new Float32Array(buffer, address, length);
    if (like instanceof Int32Array) return new Int32Array(buffer, address, length);
    return new Uint32Array(buffer, address, length);
  }
}

/** The module refused a row index: the ops check them, so this is a bug, not bad input. */
function moduleRefused(kernel: string): Error {
  return new Error(`${BACKEND}.${kernel}: the module refused a row index that the op accepted`);
}

/** The WebAssembly kernels over one module instance and its memory. */
export class WasmKernels implements BackendInstance {
  readonly name = BACKEND;
  private readonly scratch: Scratch;
  private readonly place: Placement;

  constructor(
    private readonly wasm: KernelExports,
    private readonly memory: LinearMemory,
  ) {
    this.scratch = new Scratch(memory);
    this.place = new Placement(memory, this.scratch);
  }

  workspace(): Workspace {
    return new WasmWorkspace(this.memory);
  }

  thresholdLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: BitMatrix,
    outRowOffset: number,
  ): void {
    this.firstLayer(x, rows, layer, out.data, outRowOffset * out.wordsPerRow, out.wordsPerRow);
  }

  reluLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: Float32Array,
    outRowOffset: number,
  ): void {
    this.firstLayer(x, rows, layer, out, outRowOffset * layer.width, 0);
  }

  maskedMin(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    stopAt: number,
  ): number {
    if (count === 0) return 0x7fffffff;
    const { place } = this;
    const words = bits.wordsPerRow;
    const dataWords = bits.rows * words;
    this.scratch.begin(
      place.cost(bits.data, dataWords) + place.cost(mask, words) + place.cost(rows, count),
    );
    const bitsAt = place.input(bits.data, 0, dataWords);
    const maskAt = place.input(mask, 0, words);
    const rowsAt = place.input(rows, 0, count);
    const intStop = toInt32(stopAt, Math.floor);
    const best = this.wasm.maskedMin(bitsAt, words, bits.rows, maskAt, rowsAt, count, intStop);
    if (best < 0) throw moduleRefused("maskedMin");
    return best;
  }

  maskedMinMany(
    bits: BitMatrix,
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Int32Array,
  ): void {
    if (maskCount === 0) return;
    const { place } = this;
    const words = bits.wordsPerRow;
    const dataWords = bits.rows * words;
    const outInPlace = place.owns(out);
    this.scratch.begin(
      place.cost(bits.data, dataWords) +
        place.cost(masks, maskCount * words) +
        place.cost(rows, count) +
        (outInPlace ? 0 : alignedBytes(maskCount * 4)),
    );
    const bitsAt = place.input(bits.data, 0, dataWords);
    const masksAt = place.input(masks, 0, maskCount * words);
    const rowsAt = place.input(rows, 0, count);
    const outAt = outInPlace ? out.byteOffset : this.scratch.take(maskCount * 4);
    const intStop = toInt32(stopAt, Math.floor);
    const r = this.wasm.maskedMinMany(
      bitsAt,
      words,
      bits.rows,
      masksAt,
      maskCount,
      rowsAt,
      count,
      intStop,
      outAt,
    );
    if (r < 0) throw moduleRefused("maskedMinMany");
    if (!outInPlace) place.copyOut(outAt, maskCount, out, 0);
  }

  maskedBelow(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number {
    if (count === 0) return 0;
    const { place } = this;
    const words = bits.wordsPerRow;
    const dataWords = bits.rows * words;
    // Up to `count` results: write in place only when `out` is ours and surely large enough.
    const outInPlace = place.owns(out) && out.length >= count;
    this.scratch.begin(
      place.cost(bits.data, dataWords) +
        place.cost(mask, words) +
        place.cost(rows, count) +
        (outInPlace ? 0 : alignedBytes(count * 4)),
    );
    const bitsAt = place.input(bits.data, 0, dataWords);
    const maskAt = place.input(mask, 0, words);
    const rowsAt = place.input(rows, 0, count);
    const outAt = outInPlace ? out.byteOffset : this.scratch.take(count * 4);
    const intBound = toInt32(bound, Math.ceil);
    const written = this.wasm.maskedBelow(
      bitsAt,
      words,
      bits.rows,
      maskAt,
      rowsAt,
      count,
      intBound,
      outAt,
    );
    if (written < 0) throw moduleRefused("maskedBelow");
    // Like the reference's typed-array writes, results beyond out.length are dropped.
    if (!outInPlace) place.copyOut(outAt, Math.min(written, out.length), out, 0);
    return written;
  }

  coverage(
    bits: BitMatrix,
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): void {
    if (maskCount === 0 || count === 0) return;
    const { place } = this;
    const words = bits.wordsPerRow;
    const dataWords = bits.rows * words;
    const outWords = maskCount * coverWordsFor(count);
    // popcount < b  <=>  popcount < ceil(b) for integer popcounts (NaN -> -2^31: never fires).
    const intBounds = Int32Array.from(bounds.subarray(0, maskCount), (b) => toInt32(b, Math.ceil));
    const outInPlace = place.owns(out);
    this.scratch.begin(
      place.cost(bits.data, dataWords) +
        place.cost(masks, maskCount * words) +
        place.cost(intBounds, maskCount) +
        place.cost(rows, count) +
        (outInPlace ? 0 : alignedBytes(outWords * 4)),
    );
    const bitsAt = place.input(bits.data, 0, dataWords);
    const masksAt = place.input(masks, 0, maskCount * words);
    const boundsAt = place.input(intBounds, 0, maskCount);
    const rowsAt = place.input(rows, 0, count);
    const outAt = outInPlace ? out.byteOffset : this.scratch.take(outWords * 4);
    const r = this.wasm.maskedCoverage(
      bitsAt,
      words,
      bits.rows,
      masksAt,
      maskCount,
      boundsAt,
      rowsAt,
      count,
      outAt,
    );
    if (r < 0) throw moduleRefused("coverage");
    if (!outInPlace) place.copyOut(outAt, outWords, out, 0);
  }

  /**
   * Whether some mask fires on each row: one maskedBelow pass per mask over the rows that have not
   * fired yet (most rows fire early or never, so this touches each row a few times).
   */
  maskedAnyBelow(
    bits: BitMatrix,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void {
    out.fill(0, 0, count);
    const words = bits.wordsPerRow;
    const pendingRows = rows.slice(0, count);
    const pendingSlots = Int32Array.from({ length: count }, (_, t) => t);
    const hits = new Int32Array(count);
    let size = count;
    for (let q = 0; q < maskCount && size > 0; q++) {
      const mask = masks.subarray(q * words, (q + 1) * words);
      const h = this.maskedBelow(bits, mask, pendingRows, size, thresholds[q], hits);
      // The hits are a subsequence of the pending rows, in order: drop them, marking their slots.
      let d = 0;
      let kept = 0;
      for (let k = 0; k < size; k++) {
        if (d < h && pendingRows[k] === hits[d]) {
          out[pendingSlots[k]] = 1;
          d++;
        } else {
          pendingRows[kept] = pendingRows[k];
          pendingSlots[kept++] = pendingSlots[k];
        }
      }
      size = kept;
    }
  }

  /**
   * Both first-layer kernels: rows of x in chunks (so the non-zero lists and any copies stay
   * small), outputs to out[outStart ..]; wordsPerRow > 0 selects the threshold kernel.
   */
  private firstLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: Uint32Array | Float32Array,
    outStart: number,
    wordsPerRow: number,
  ): void {
    if (rows === 0) return;
    const { dim, width, weightsT, bias } = layer;
    const { place, scratch, wasm } = this;
    const outRow = wordsPerRow > 0 ? wordsPerRow : width;
    const chunk = Math.max(1, Math.min(rows, Math.floor(CHUNK_BYTES / (dim * 8))));
    scratch.begin(
      place.cost(weightsT, dim * width) +
        place.cost(bias, width) +
        place.cost(x, chunk * dim) +
        place.cost(out, chunk * outRow) +
        alignedBytes(chunk * dim * 8) +
        alignedBytes((chunk + 1) * 4),
    );
    const wAt = place.input(weightsT, 0, dim * width);
    const bAt = place.input(bias, 0, width);
    const nzAt = scratch.take(chunk * dim * 8);
    const rowStartAt = scratch.take((chunk + 1) * 4);
    const xOwn = place.owns(x);
    const outOwn = place.owns(out);
    const xChunkAt = xOwn ? 0 : scratch.take(chunk * dim * 4);
    const outChunkAt = outOwn ? 0 : scratch.take(chunk * outRow * 4);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const n = Math.min(chunk, rows - r0);
      if (!xOwn) place.copyIn(x, r0 * dim, n * dim, xChunkAt);
      const xAt = xOwn ? x.byteOffset + r0 * dim * 4 : xChunkAt;
      const outOffset = outStart + r0 * outRow;
      const outAt = outOwn ? out.byteOffset + outOffset * 4 : outChunkAt;
      wasm.collectNonZeros(xAt, n, dim, width, nzAt, rowStartAt);
      if (wordsPerRow > 0) {
        wasm.thresholdLayer(
          nzAt,
          rowStartAt,
          n,
          width,
          wAt,
          bAt,
          outAt,
          wordsPerRow,
          BLOCK_NEURONS,
        );
      } else {
        wasm.reluLayer(nzAt, rowStartAt, n, width, wAt, bAt, outAt, BLOCK_NEURONS);
      }
      if (!outOwn) place.copyOut(outChunkAt, n * outRow, out, outOffset);
    }
  }
}

/**
 * Loads the WebAssembly kernels with a fresh module instance and shared memory. Throws an Error
 * naming the backend when WebAssembly with SIMD and shared memory is unavailable.
 */
export function createWasmKernels(): WasmKernels {
  let module;
  try {
    module = loadKernelModule();
  } catch (error) {
    throw new Error(
      `${BACKEND} backend unavailable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return new WasmKernels(module.exports, new LinearMemory(module.memory));
}
