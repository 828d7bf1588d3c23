// The WebAssembly backend's kernels: those of assembly/ (SIMD, compiled by scripts/build-wasm.mjs),
// bit-identical to the reference for any number of threads. Arguments arrive validated by the
// ops (src/ops/); the module itself still refuses row indices outside the matrix.
//
// Every kernel is a chunked job (jobs.ts): the rows (scoring) or row blocks and neuron panels
// (first layer) are cut into chunks, the chunks run on this thread and the helper threads that are
// up (pool.ts), each writing its own results, and the results are merged here in chunk order:
// minima take the first chunk whose minimum reached stopAt, else the least minimum — exactly the
// reference's running minimum with its early stop; row lists are concatenated in order.
//
// Arrays from this backend's workspace() live in its linear memory and are read in place. Any
// other array is accepted too, but copied into a scratch area per call: a matrix piece by piece
// of the listed rows (gathered), everything else whole. Allocate big matrices from the workspace.

import type { BackendInstance } from "../registry.js";
import type { BitMatrix, DenseLayerT, ValueMatrix, Workspace } from "../types.js";
import { coverWordsFor, wordsPerRowFor } from "../bits.js";
import { Job, type JobId } from "./jobs.js";
import { Array32, LinearMemory, Scratch, WasmWorkspace, alignedBytes } from "./memory.js";
import { ThreadPool } from "./pool.js";
import { loadKernelModule, type KernelExports, type KernelModule } from "./runtime.js";
import { wasmWorkerFactory } from "./threads.js";

const BACKEND = "wasm";

/** The minimum of no rows (threshold scores). */
const NO_ROWS_MIN = 0x7fffffff;

/**
 * Merges the chunks' minima in chunk order into `best`: a mask whose chunk minimum is at most
 * `stop` (and not `empty`, a chunk without rows) is settled there, as the sequential early exit
 * would have; returns `settled`.
 */
function mergeChunkMinima(
  chunkState: (chunk: number) => ArrayLike<number>,
  chunks: number,
  empty: number,
  stop: number,
  best: Int32Array | Float64Array,
  settled: Uint8Array<ArrayBuffer>,
): Uint8Array<ArrayBuffer> {
  for (let c = 0; c < chunks; c++) {
    const state = chunkState(c);
    for (let q = 0; q < best.length; q++) {
      if (settled[q] === 1) continue;
      const v = state[q];
      if (v !== empty && v <= stop) {
        best[q] = v;
        settled[q] = 1;
      } else if (v < best[q]) {
        best[q] = v;
      }
    }
  }
  return settled;
}
/** Work (roughly u32 words touched) per chunk; smaller calls stay on one chunk. */
const CHUNK_WORK = 1 << 16;
/** Chunks per call and thread (a few, so that a slow thread does not hold up the others). */
const CHUNKS_PER_THREAD = 4;
/** Bytes of a gathered piece of matrix rows, and of a copied piece of first-layer input. */
const PIECE_BYTES = 8 << 20;
/** Rows grouped together (one chunk of the grouping phases); a multiple of 4. */
const BLOCK_ROWS = 1024;
/** Most first-layer rows per piece (bounds the union lists). */
const MAX_PIECE_ROWS = 8192;
/** Neurons per weight panel (assembly/firstLayer.ts). */
const PANEL = 64;
/** Rows per word of a cover bit set: coverage pieces and chunks start at multiples of it. */
const COVER_ALIGN = 32;

/** Options of createWasmKernels. */
export interface WasmOptions {
  /** Threads, the calling one included (default: the worker factory's; 1 without a factory). */
  readonly threads?: number;
  /** Work per chunk (default 65 536 words); small values force many chunks, for tests. */
  readonly chunkWork?: number;
  /** Most chunks per call (default 4 per thread, 1 on one thread). */
  readonly maxChunks?: number;
  /** Bytes of a gathered or copied piece (default 8 MiB); small values force pieces, for tests. */
  readonly pieceBytes?: number;
}

/** Clamps a numeric bound to the i32 range after rounding it with `round` (NaN -> -2^31). */
function toInt32(value: number, round: (v: number) => number): number {
  if (Number.isNaN(value)) return -(2 ** 31);
  return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, round(value)));
}

/** The module refused a row index: the ops check them, so this is a bug, not bad input. */
function moduleRefused(kernel: string): Error {
  return new Error(`${BACKEND}.${kernel}: the module refused a row index that the op accepted`);
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
  owns(array: ArrayBufferView): boolean {
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

  /** The next `bytes` of the scratch area. */
  take(bytes: number): number {
    return this.scratch.take(bytes);
  }

  /** Copies array[start .. start + length) to linear memory at `address`. */
  copyIn(array: Array32, start: number, length: number, address: number): void {
    this.view(array, address, length).set(array.subarray(start, start + length));
  }

  /** Copies `length` elements at `address` to array[start ..]. */
  copyOut(address: number, length: number, array: Array32, start: number): void {
    array.set(this.view(array, address, length), start);
  }

  /** An Int32Array over linear memory. */
  i32(address: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, address, length);
  }

  /** A view of the same element type as `like` over linear memory. */
  view(like: Array32, address: number, length: number): Array32 {
    const buffer = this.memory.buffer;
    if (like instanceof Float32Array) return new Float32Array(buffer, address, length);
    if (like instanceof Int32Array) return new Int32Array(buffer, address, length);
    return new Uint32Array(buffer, address, length);
  }

  /** The linear memory's current buffer. */
  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }
}

/** One piece of a row list over a matrix, as the module reads it. */
interface Piece {
  /** Address of the matrix row that index 0 names. */
  readonly base: number;
  /** Rows the piece's indices may name. */
  readonly nRows: number;
  /** Address of the piece's row list (i32). */
  readonly rowsAt: number;
  /** Index in the whole list of the piece's first row. */
  readonly start: number;
  readonly count: number;
  /** True when the rows were gathered (the list is then 0, 1, …: map results back). */
  readonly gathered: boolean;
}

/**
 * The rows[0 .. count) of a matrix as pieces: one, in place, when the matrix is in linear
 * memory; else pieces of at most PIECE_BYTES whose listed rows are copied together.
 */
class RowPieces {
  private readonly inPlace: boolean;
  private readonly per: number;
  private dataAt = 0;
  private rowsAt = 0;

  constructor(
    private readonly place: Placement,
    private readonly data: Array32,
    private readonly rowLength: number,
    private readonly nRows: number,
    private readonly rows: Int32Array,
    private readonly count: number,
    private readonly kernel: string,
    pieceBytes: number,
    /** Pieces other than the last hold a multiple of this many rows. */
    align = 1,
  ) {
    this.inPlace = place.owns(data);
    // Rows of no values (width 0) count as one value, so that a piece has a finite row count.
    const fit = Math.max(1, Math.floor(pieceBytes / (Math.max(1, rowLength) * 4)));
    const aligned = fit >= align ? fit - (fit % align) : align;
    this.per = Math.max(1, Math.min(count, aligned));
  }

  /** Scratch bytes reserve() takes. */
  get bytes(): number {
    if (this.inPlace) return this.place.cost(this.rows, this.count);
    return alignedBytes(this.per * this.rowLength * 4) + alignedBytes(this.per * 4);
  }

  /** The most rows of one piece. */
  get pieceRows(): number {
    return this.inPlace ? this.count : this.per;
  }

  /** Takes the scratch areas (after Scratch.begin). */
  reserve(): void {
    if (this.inPlace) {
      this.rowsAt = this.place.input(this.rows, 0, this.count);
      return;
    }
    this.dataAt = this.place.take(this.per * this.rowLength * 4);
    this.rowsAt = this.place.take(this.per * 4);
    const identity = this.place.i32(this.rowsAt, this.per);
    for (let t = 0; t < this.per; t++) identity[t] = t;
  }

  /** Calls `body` for each piece in order. */
  each(body: (piece: Piece) => void): void {
    const { rows, count, rowLength, nRows, data } = this;
    if (this.inPlace) {
      body({ base: data.byteOffset, nRows, rowsAt: this.rowsAt, start: 0, count, gathered: false });
      return;
    }
    for (let start = 0; start < count; start += this.per) {
      const n = Math.min(this.per, count - start);
      const dst = this.place.view(data, this.dataAt, n * rowLength);
      for (let t = 0; t < n; t++) {
        const r = rows[start + t];
        if (!(r >= 0 && r < nRows)) throw moduleRefused(this.kernel);
        dst.set(data.subarray(r * rowLength, (r + 1) * rowLength), t * rowLength);
      }
      body({ base: this.dataAt, nRows: n, rowsAt: this.rowsAt, start, count: n, gathered: true });
    }
  }
}

/** The WebAssembly kernels over one module instance, its memory and its helper threads. */
export class WasmKernels implements BackendInstance {
  /** "wasm", or "wasm (k threads)" with helper threads. */
  readonly name: string;
  /** Threads the kernels use, the calling one included. */
  readonly threads: number;
  private readonly scratch: Scratch;
  private readonly unionScratch: Scratch;
  private readonly place: Placement;
  private readonly pool: ThreadPool;
  private readonly chunkWork: number;
  private readonly maxChunks: number;
  private readonly pieceBytes: number;
  private calls = 0;

  constructor(
    private readonly wasm: KernelExports,
    private readonly memory: LinearMemory,
    module: KernelModule,
    options: WasmOptions = {},
  ) {
    const factory = wasmWorkerFactory();
    // Without a worker factory there are no helpers, whatever options.threads asks for.
    this.threads =
      factory === null ? 1 : Math.max(1, Math.floor(options.threads ?? factory.threads));
    this.name = this.threads > 1 ? `${BACKEND} (${this.threads} threads)` : BACKEND;
    this.chunkWork = Math.max(1, options.chunkWork ?? CHUNK_WORK);
    this.maxChunks = Math.max(
      1,
      options.maxChunks ?? (this.threads > 1 ? CHUNKS_PER_THREAD * this.threads : 1),
    );
    this.pieceBytes = Math.max(1, options.pieceBytes ?? PIECE_BYTES);
    this.scratch = new Scratch(memory);
    this.unionScratch = new Scratch(memory);
    this.place = new Placement(memory, this.scratch);
    this.pool = new ThreadPool(wasm, module.memory, module.module, this.threads, factory);
  }

  workspace(): Workspace {
    return new WasmWorkspace(this.memory);
  }

  /** Starts the helper threads and resolves once they are up (calls work without waiting). */
  whenReady(timeoutMs?: number): Promise<number> {
    return this.pool.whenReady(timeoutMs);
  }

  /** Chunks that helper threads have run so far (a statistic, e.g. for tests). */
  get helperChunks(): number {
    return this.pool.helperChunks;
  }

  /** Stops the helper threads (the kernels then run on the calling thread). */
  close(): void {
    this.pool.close();
  }

  thresholdLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: BitMatrix,
    outRowOffset: number,
  ): void {
    this.firstLayer(x, rows, layer, out.data, outRowOffset, out.wordsPerRow);
  }

  reluLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: Float32Array,
    outRowOffset: number,
  ): void {
    this.firstLayer(x, rows, layer, out, outRowOffset, 0);
  }

  maskedMin(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    stopAt: number,
  ): number {
    if (count === 0) return NO_ROWS_MIN;
    const out = new Int32Array(1);
    this.maskedMinMany(bits, mask, 1, rows, count, stopAt, out);
    return out[0];
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
    const words = bits.wordsPerRow;
    const stop = toInt32(stopAt, Math.floor);
    const stride = alignedBytes(Math.ceil(maskCount / 4) * 32);
    const best = new Int32Array(maskCount).fill(NO_ROWS_MIN);
    const settled = new Uint8Array(maskCount);
    this.minima(
      "maskedMinMany",
      bits.data,
      words,
      bits.rows,
      masks,
      maskCount,
      words,
      rows,
      count,
      count * maskCount * words,
      stride,
      (p, masksAt, chunkRows, stateAt, hitBy) => {
        this.args(
          p.base,
          words,
          p.nRows,
          masksAt,
          maskCount,
          p.rowsAt,
          p.count,
          chunkRows,
          stop,
          stateAt,
          stride,
          hitBy,
        );
        return Job.minMany;
      },
      (stateAt, chunks) =>
        mergeChunkMinima(
          (c) => this.place.i32(stateAt + c * stride, maskCount),
          chunks,
          NO_ROWS_MIN,
          stop,
          best,
          settled,
        ),
    );
    out.set(best.subarray(0, maskCount));
  }

  maskedBelow(
    bits: BitMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number {
    const words = bits.wordsPerRow;
    const intBound = toInt32(bound, Math.ceil);
    return this.below(
      "maskedBelow",
      bits.data,
      words,
      bits.rows,
      mask,
      words,
      rows,
      count,
      count * words,
      out,
      (p, maskAt, chunkRows, hitsAt, countsAt) => {
        this.args(
          p.base,
          words,
          p.nRows,
          maskAt,
          p.rowsAt,
          p.count,
          chunkRows,
          intBound,
          hitsAt,
          countsAt,
        );
        return Job.below;
      },
    );
  }

  maskedAnyBelow(
    bits: BitMatrix,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void {
    const words = bits.wordsPerRow;
    const bounds = Int32Array.from(thresholds.subarray(0, maskCount), (t) => toInt32(t, Math.ceil));
    this.anyBelow(
      "maskedAnyBelow",
      bits.data,
      words,
      bits.rows,
      masks,
      maskCount,
      words,
      bounds,
      rows,
      count,
      out,
      (p, masksAt, boundsAt, chunkRows, outAt) => {
        this.args(
          p.base,
          words,
          p.nRows,
          masksAt,
          boundsAt,
          maskCount,
          p.rowsAt,
          p.count,
          chunkRows,
          outAt,
        );
        return Job.anyBelow;
      },
    );
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
    const words = bits.wordsPerRow;
    // popcount < b  <=>  popcount < ceil(b) for integer popcounts (NaN -> -2^31: never fires).
    const intBounds = Int32Array.from(bounds.subarray(0, maskCount), (b) => toInt32(b, Math.ceil));
    this.covers(
      "coverage",
      bits.data,
      words,
      bits.rows,
      masks,
      maskCount,
      words,
      intBounds,
      rows,
      count,
      maskCount * words,
      out,
      (p, masksAt, boundsAt, chunkRows, pieceOut, outWords) => {
        this.args(
          p.base,
          words,
          p.nRows,
          masksAt,
          maskCount,
          boundsAt,
          p.rowsAt,
          p.count,
          chunkRows,
          pieceOut,
          outWords,
        );
        return Job.coverage;
      },
    );
  }

  reluCoverage(
    values: ValueMatrix,
    masks: Uint32Array,
    maskCount: number,
    bounds: Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint32Array,
  ): void {
    const { width } = values;
    const maskWords = wordsPerRowFor(width);
    this.covers(
      "reluCoverage",
      values.data,
      width,
      values.rows,
      masks,
      maskCount,
      maskWords,
      bounds.subarray(0, maskCount),
      rows,
      count,
      (maskCount * width) / 4,
      out,
      (p, masksAt, boundsAt, chunkRows, pieceOut, outWords) => {
        this.args(
          p.base,
          width,
          p.nRows,
          masksAt,
          maskWords,
          maskCount,
          boundsAt,
          p.rowsAt,
          p.count,
          chunkRows,
          pieceOut,
          outWords,
        );
        return Job.reluCoverage;
      },
    );
  }

  reluMinMany(
    values: ValueMatrix,
    masks: Uint32Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    stopAt: number,
    out: Float64Array,
  ): void {
    if (maskCount === 0) return;
    const { width } = values;
    const maskWords = wordsPerRowFor(width);
    const stride = alignedBytes(maskCount * 12);
    const best = new Float64Array(maskCount).fill(Infinity);
    const settled = new Uint8Array(maskCount);
    this.minima(
      "reluMinMany",
      values.data,
      width,
      values.rows,
      masks,
      maskCount,
      maskWords,
      rows,
      count,
      (count * maskCount * width) / 4,
      stride,
      (p, masksAt, chunkRows, stateAt, hitBy) => {
        this.args(
          p.base,
          width,
          p.nRows,
          masksAt,
          maskWords,
          maskCount,
          p.rowsAt,
          p.count,
          chunkRows,
          stopAt,
          stateAt,
          stride,
          hitBy,
        );
        return Job.reluMinMany;
      },
      (stateAt, chunks) =>
        mergeChunkMinima(
          (c) => new Float64Array(this.place.buffer, stateAt + c * stride, maskCount),
          chunks,
          Infinity,
          stopAt,
          best,
          settled,
        ),
    );
    out.set(best.subarray(0, maskCount));
  }

  reluBelow(
    values: ValueMatrix,
    mask: Uint32Array,
    rows: Int32Array,
    count: number,
    bound: number,
    out: Int32Array,
  ): number {
    const { width } = values;
    return this.below(
      "reluBelow",
      values.data,
      width,
      values.rows,
      mask,
      wordsPerRowFor(width),
      rows,
      count,
      (count * width) / 4,
      out,
      (p, maskAt, chunkRows, hitsAt, countsAt) => {
        this.args(
          p.base,
          width,
          p.nRows,
          maskAt,
          p.rowsAt,
          p.count,
          chunkRows,
          bound,
          hitsAt,
          countsAt,
        );
        return Job.reluBelow;
      },
    );
  }

  reluAnyBelow(
    values: ValueMatrix,
    masks: Uint32Array,
    thresholds: Float64Array,
    maskCount: number,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
  ): void {
    const { width } = values;
    const maskWords = wordsPerRowFor(width);
    this.anyBelow(
      "reluAnyBelow",
      values.data,
      width,
      values.rows,
      masks,
      maskCount,
      maskWords,
      thresholds.subarray(0, maskCount),
      rows,
      count,
      out,
      (p, masksAt, thresholdsAt, chunkRows, outAt) => {
        this.args(
          p.base,
          width,
          p.nRows,
          masksAt,
          maskWords,
          thresholdsAt,
          maskCount,
          p.rowsAt,
          p.count,
          chunkRows,
          outAt,
        );
        return Job.reluAnyBelow;
      },
    );
  }

  /** Writes a job's arguments to the control block. */
  private args(...values: number[]): void {
    const a = this.pool.args;
    for (let i = 0; i < values.length; i++) a[i] = values[i];
  }

  /**
   * Chunks for `count` rows of `work` total work: [chunks, rows per chunk], the rows per chunk a
   * multiple of `align`.
   */
  private plan(count: number, work: number, align = 1): [number, number] {
    const want = Math.min(this.maxChunks, count, Math.max(1, Math.floor(work / this.chunkWork)));
    const chunkRows = Math.ceil(Math.ceil(count / want) / align) * align;
    return [Math.ceil(count / chunkRows), chunkRows];
  }

  /** Runs a job; a negative result means the module refused a row index. */
  private run(kernel: string, job: JobId, chunks: number): void {
    if (this.pool.run(job, chunks) < 0) throw moduleRefused(kernel);
  }

  /**
   * The minima kernels (threshold and ReLU): per piece of the rows, one chunked job whose chunk
   * states `merge` folds in chunk order into the running results, returning which masks are
   * settled (their first minimum <= stopAt found); later pieces skip those masks.
   */
  private minima(
    kernel: string,
    data: Array32,
    rowLength: number,
    nRows: number,
    masks: Uint32Array,
    maskCount: number,
    maskWords: number,
    rows: Int32Array,
    count: number,
    work: number,
    stride: number,
    write: (p: Piece, masksAt: number, chunkRows: number, stateAt: number, hitBy: number) => JobId,
    merge: (stateAt: number, chunks: number) => Uint8Array<ArrayBuffer>,
  ): void {
    if (count === 0) return;
    const { place, scratch } = this;
    const pieces = new RowPieces(
      place,
      data,
      rowLength,
      nRows,
      rows,
      count,
      kernel,
      this.pieceBytes,
    );
    const maxChunks = Math.min(this.maxChunks, pieces.pieceRows);
    scratch.begin(
      pieces.bytes +
        place.cost(masks, maskCount * maskWords) +
        alignedBytes(maxChunks * stride) +
        alignedBytes(maskCount * 4),
    );
    pieces.reserve();
    const masksAt = place.input(masks, 0, maskCount * maskWords);
    const stateAt = scratch.take(maxChunks * stride);
    const hitBy = scratch.take(maskCount * 4);
    let settled = new Uint8Array(maskCount);
    pieces.each((p) => {
      const [chunks, chunkRows] = this.plan(p.count, (work * p.count) / count);
      // Masks settled by an earlier piece count as settled by a chunk before every chunk here.
      const hits = place.i32(hitBy, maskCount);
      for (let q = 0; q < maskCount; q++) hits[q] = settled[q] === 1 ? -1 : 0x7fffffff;
      this.run(kernel, write(p, masksAt, chunkRows, stateAt, hitBy), chunks);
      settled = merge(stateAt, chunks);
    });
  }

  /** The "below" kernels: per piece a chunked job; the chunks' hits concatenated in order. */
  private below(
    kernel: string,
    data: Array32,
    rowLength: number,
    nRows: number,
    mask: Uint32Array,
    maskWords: number,
    rows: Int32Array,
    count: number,
    work: number,
    out: Int32Array,
    write: (p: Piece, maskAt: number, chunkRows: number, hitsAt: number, countsAt: number) => JobId,
  ): number {
    if (count === 0) return 0;
    const { place, scratch } = this;
    const pieces = new RowPieces(
      place,
      data,
      rowLength,
      nRows,
      rows,
      count,
      kernel,
      this.pieceBytes,
    );
    const maxChunks = Math.min(this.maxChunks, pieces.pieceRows);
    scratch.begin(
      pieces.bytes +
        place.cost(mask, maskWords) +
        alignedBytes(pieces.pieceRows * 4) +
        alignedBytes(maxChunks * 4),
    );
    pieces.reserve();
    const maskAt = place.input(mask, 0, maskWords);
    const hitsAt = scratch.take(pieces.pieceRows * 4);
    const countsAt = scratch.take(maxChunks * 4);
    let written = 0;
    pieces.each((p) => {
      const [chunks, chunkRows] = this.plan(p.count, (work * p.count) / count);
      this.run(kernel, write(p, maskAt, chunkRows, hitsAt, countsAt), chunks);
      const counts = place.i32(countsAt, chunks);
      const hits = place.i32(hitsAt, p.count);
      for (let c = 0; c < chunks; c++) {
        const from = c * chunkRows;
        for (let t = 0; t < counts[c]; t++) {
          // Like the reference's typed-array writes, results beyond out.length are dropped.
          if (written < out.length) {
            const local = hits[from + t];
            out[written] = p.gathered ? rows[p.start + local] : local;
          }
          written++;
        }
      }
    });
    return written;
  }

  /** The "any below" kernels: per piece a chunked job writing one byte per row. */
  private anyBelow(
    kernel: string,
    data: Array32,
    rowLength: number,
    nRows: number,
    masks: Uint32Array,
    maskCount: number,
    maskWords: number,
    bounds: Int32Array | Float64Array,
    rows: Int32Array,
    count: number,
    out: Uint8Array,
    write: (p: Piece, masksAt: number, boundsAt: number, chunkRows: number, outAt: number) => JobId,
  ): void {
    if (count === 0) return;
    const { place, scratch } = this;
    const pieces = new RowPieces(
      place,
      data,
      rowLength,
      nRows,
      rows,
      count,
      kernel,
      this.pieceBytes,
    );
    scratch.begin(
      pieces.bytes +
        place.cost(masks, maskCount * maskWords) +
        alignedBytes(bounds.byteLength) +
        alignedBytes(pieces.pieceRows),
    );
    pieces.reserve();
    const masksAt = place.input(masks, 0, maskCount * maskWords);
    const boundsAt = scratch.take(bounds.byteLength);
    new Uint8Array(place.buffer, boundsAt, bounds.byteLength).set(
      new Uint8Array(bounds.buffer, bounds.byteOffset, bounds.byteLength),
    );
    const outAt = scratch.take(pieces.pieceRows);
    pieces.each((p) => {
      const work = p.count * Math.min(maskCount, 64) * maskWords;
      const [chunks, chunkRows] = this.plan(p.count, work);
      this.run(kernel, write(p, masksAt, boundsAt, chunkRows, outAt), chunks);
      out.set(new Uint8Array(place.buffer, outAt, p.count), p.start);
    });
  }

  /**
   * The coverage kernels (threshold and ReLU): per piece of the rows (a multiple of 32 rows, so
   * that each piece and chunk writes whole words of the bit sets), one chunked job writing its
   * words of every mask's row of out (in place when out is in linear memory).
   */
  private covers(
    kernel: string,
    data: Array32,
    rowLength: number,
    nRows: number,
    masks: Uint32Array,
    maskCount: number,
    maskWords: number,
    bounds: Int32Array | Float64Array,
    rows: Int32Array,
    count: number,
    workPerRow: number,
    out: Uint32Array,
    write: (
      p: Piece,
      masksAt: number,
      boundsAt: number,
      chunkRows: number,
      pieceOut: number,
      outWords: number,
    ) => JobId,
  ): void {
    if (maskCount === 0 || count === 0) return;
    const { place, scratch } = this;
    const outWords = coverWordsFor(count);
    const total = maskCount * outWords;
    const pieces = new RowPieces(
      place,
      data,
      rowLength,
      nRows,
      rows,
      count,
      kernel,
      this.pieceBytes,
      COVER_ALIGN,
    );
    const outOwn = place.owns(out);
    scratch.begin(
      pieces.bytes +
        place.cost(masks, maskCount * maskWords) +
        alignedBytes(bounds.byteLength) +
        (outOwn ? 0 : alignedBytes(total * 4)),
    );
    pieces.reserve();
    const masksAt = place.input(masks, 0, maskCount * maskWords);
    const boundsAt = scratch.take(bounds.byteLength);
    new Uint8Array(place.buffer, boundsAt, bounds.byteLength).set(
      new Uint8Array(bounds.buffer, bounds.byteOffset, bounds.byteLength),
    );
    const outAt = outOwn ? out.byteOffset : scratch.take(total * 4);
    pieces.each((p) => {
      const [chunks, chunkRows] = this.plan(p.count, p.count * workPerRow, COVER_ALIGN);
      const pieceOut = outAt + (p.start / COVER_ALIGN) * 4;
      this.run(kernel, write(p, masksAt, boundsAt, chunkRows, pieceOut, outWords), chunks);
    });
    if (!outOwn) place.copyOut(outAt, total, out, 0);
  }

  /**
   * Both first-layer kernels: rows of x in pieces (so that copies and union lists stay small),
   * outputs to out rows [outRowOffset ..]; wordsPerRow > 0 selects the threshold kernel. Each
   * piece runs the three phases of assembly/firstLayer.ts as chunked jobs.
   */
  private firstLayer(
    x: Float32Array,
    rows: number,
    layer: DenseLayerT,
    out: Uint32Array | Float32Array,
    outRowOffset: number,
    wordsPerRow: number,
  ): void {
    if (rows === 0) return;
    const { dim, width, weights, bias } = layer;
    const { place, scratch, wasm } = this;
    const outRow = wordsPerRow > 0 ? wordsPerRow : width;
    const xOwn = place.owns(x);
    const outOwn = place.owns(out);
    const limit = xOwn ? MAX_PIECE_ROWS : Math.floor(this.pieceBytes / (dim * 4));
    const pieceRows = Math.min(rows, Math.max(4, Math.min(MAX_PIECE_ROWS, limit)) & ~3);
    const maxGroups = pieceRows;
    const participants = this.threads;
    const groupStride = alignedBytes(wasm.groupScratchBytes(BLOCK_ROWS, dim));
    const panelStride = alignedBytes(wasm.panelBufferBytes(dim));
    scratch.begin(
      place.cost(weights, dim * width) +
        place.cost(bias, width) +
        (xOwn ? 0 : alignedBytes(pieceRows * dim * 4)) +
        (outOwn ? 0 : alignedBytes(pieceRows * outRow * 4)) +
        participants * (groupStride + panelStride) +
        alignedBytes(maxGroups * 16) +
        alignedBytes((maxGroups + 1) * 4),
    );
    const wAt = place.input(weights, 0, dim * width);
    const bAt = place.input(bias, 0, width);
    const xPieceAt = xOwn ? 0 : scratch.take(pieceRows * dim * 4);
    const outPieceAt = outOwn ? 0 : scratch.take(pieceRows * outRow * 4);
    const groupAt = scratch.take(participants * groupStride);
    const panelsAt = scratch.take(participants * panelStride);
    const membersAt = scratch.take(maxGroups * 16);
    const unionAt = scratch.take((maxGroups + 1) * 4);
    // Rows share weight loads only when every weight is finite (0 · ∞ would be NaN).
    const group = wasm.allFinite(wAt, dim * width) === 1 ? 4 : 1;
    const panels = Math.ceil(width / PANEL);
    for (let r0 = 0; r0 < rows; r0 += pieceRows) {
      const n = Math.min(pieceRows, rows - r0);
      if (!xOwn) place.copyIn(x, r0 * dim, n * dim, xPieceAt);
      const xAt = xOwn ? x.byteOffset + r0 * dim * 4 : xPieceAt;
      const outStart = (outRowOffset + r0) * outRow;
      const outAt = outOwn ? out.byteOffset + outStart * 4 : outPieceAt;
      const bitsAt = wordsPerRow > 0 ? outAt : 0;
      const valuesAt = wordsPerRow > 0 ? 0 : outAt;
      const blocks = Math.ceil(n / BLOCK_ROWS);
      const groups = Math.ceil(n / group);
      const groupsPerBlock = BLOCK_ROWS / group;
      // 1. Groups and the sizes of their unions.
      this.args(
        xAt,
        dim,
        n,
        BLOCK_ROWS,
        group,
        groupAt,
        groupStride,
        membersAt,
        unionAt,
        bitsAt,
        wordsPerRow,
      );
      this.run("firstLayer", Job.group, blocks);
      // Union sizes to start indices.
      const starts = place.i32(unionAt, groups + 1);
      let total = 0;
      for (let g = 0; g < groups; g++) {
        const size = starts[g];
        starts[g] = total;
        total += size;
      }
      starts[groups] = total;
      // 2. The union lists.
      this.unionScratch.begin(alignedBytes(total * 4) + alignedBytes(total * 16));
      const colsAt = this.unionScratch.take(total * 4);
      const valsAt = this.unionScratch.take(total * 16);
      this.args(xAt, dim, membersAt, unionAt, groups, groupsPerBlock, colsAt, valsAt);
      this.run("firstLayer", Job.fill, blocks);
      // 3. Panels × blocks of groups (panel buffers marked empty: each chunk packs its panel).
      const call = ++this.calls;
      for (let p = 0; p < participants; p++) place.i32(panelsAt + p * panelStride, 2).fill(-1);
      this.args(
        wAt,
        dim,
        width,
        bAt,
        groups,
        groupsPerBlock,
        blocks,
        membersAt,
        unionAt,
        colsAt,
        valsAt,
        panelsAt,
        panelStride,
        call,
        bitsAt,
        wordsPerRow,
        valuesAt,
      );
      this.run("firstLayer", Job.panels, panels * blocks);
      if (!outOwn) place.copyOut(outPieceAt, n * outRow, out, outStart);
    }
  }
}

/**
 * Loads the WebAssembly kernels with a fresh module instance and shared memory. Throws an Error
 * naming the backend when WebAssembly with SIMD and shared memory is unavailable.
 */
export function createWasmKernels(options: WasmOptions = {}): WasmKernels {
  let module: KernelModule;
  try {
    module = loadKernelModule();
  } catch (error) {
    throw new Error(
      `${BACKEND} backend unavailable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return new WasmKernels(module.exports, new LinearMemory(module.memory), module, options);
}
