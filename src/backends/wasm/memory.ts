// Memory management for the WebAssembly backend, all on the JavaScript side: a first-fit
// allocator over the module's shared linear memory, workspaces that hand out typed-array views
// of it, and a per-backend scratch area for copies of arrays that live elsewhere.
//
// The memory is a shared WebAssembly.Memory, so growing it never detaches views made earlier
// (each grow only yields a new, longer SharedArrayBuffer object over the same bytes).

import type { Workspace } from "../types.js";
import type { WasmMemory } from "./runtime.js";

/** A range [offset, offset + size) of linear memory, in bytes. */
interface Block {
  offset: number;
  size: number;
}

/** Every allocation is aligned to, and a multiple of, one cache line. */
const ALIGN = 64;
/** The first 64 KiB stay unused, so that a null or small pointer never aliases data. */
const HEAP_BASE = 65536;
const PAGE_BYTES = 65536;

/** The element types that kernels read and write: all 4 bytes wide. */
export type Array32 = Uint32Array | Int32Array | Float32Array;

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** First-fit allocator over a shared linear memory; also answers "is this array ours?". */
export class LinearMemory {
  /** Free blocks below `top`, sorted by offset, never adjacent (always coalesced). */
  private readonly free: Block[] = [];
  /** Everything at or above `top` is unallocated. */
  private top = HEAP_BASE;
  /** The buffer objects this memory has had (one per size after grow()). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(private readonly memory: WasmMemory) {
    this.buffers.add(memory.buffer);
  }

  /** The current buffer over the whole memory. */
  get buffer(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return buffer;
  }

  /** True when `array` is a view of this memory (then its byteOffset is its address). */
  owns(array: ArrayBufferView): boolean {
    return this.buffers.has(array.buffer);
  }

  /** Reserves `bytes` (rounded up to 64) and returns the 64-byte aligned address. */
  allocate(bytes: number): Block {
    const size = alignUp(Math.max(bytes, 1));
    for (let k = 0; k < this.free.length; k++) {
      const block = this.free[k];
      if (block.size < size) continue;
      const offset = block.offset;
      if (block.size === size) this.free.splice(k, 1);
      else this.free[k] = { offset: offset + size, size: block.size - size };
      return { offset, size };
    }
    const offset = this.top;
    this.ensureCapacity(offset + size);
    this.top = offset + size;
    return { offset, size };
  }

  /** Returns a block from allocate() to the free list. */
  release(block: Block): void {
    let k = 0;
    while (k < this.free.length && this.free[k].offset < block.offset) k++;
    this.free.splice(k, 0, { offset: block.offset, size: block.size });
    // Coalesce with the following, then with the preceding block.
    if (
      k + 1 < this.free.length &&
      this.free[k].offset + this.free[k].size === this.free[k + 1].offset
    ) {
      this.free[k].size += this.free[k + 1].size;
      this.free.splice(k + 1, 1);
    }
    if (k > 0 && this.free[k - 1].offset + this.free[k - 1].size === this.free[k].offset) {
      this.free[k - 1].size += this.free[k].size;
      this.free.splice(k, 1);
      k--;
    }
    // A free block at the top simply lowers the top.
    const last = this.free[this.free.length - 1];
    if (last.offset + last.size === this.top) {
      this.top = last.offset;
      this.free.pop();
    }
  }

  /** Bytes between the heap base and the top (allocated or on the free list). */
  get heapBytes(): number {
    return this.top - HEAP_BASE;
  }

  /** Grows the memory so that addresses below `end` exist. */
  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (error) {
      throw new RangeError(
        `wasm backend: out of memory: cannot grow linear memory from ${have} to ${end} bytes (${error})`,
      );
    }
    this.buffers.add(this.memory.buffer);
  }
}

/** A Workspace whose arrays are views of the backend's linear memory. */
export class WasmWorkspace implements Workspace {
  private blocks: Block[] = [];
  private disposed = false;

  constructor(private readonly memory: LinearMemory) {}

  u32(length: number): Uint32Array {
    const block = this.take(length, "u32");
    return new Uint32Array(this.memory.buffer, block.offset, length);
  }

  i32(length: number): Int32Array {
    const block = this.take(length, "i32");
    return new Int32Array(this.memory.buffer, block.offset, length);
  }

  f32(length: number): Float32Array {
    const block = this.take(length, "f32");
    return new Float32Array(this.memory.buffer, block.offset, length);
  }

  /** Releases every array of this workspace; their views must not be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let k = this.blocks.length - 1; k >= 0; k--) this.memory.release(this.blocks[k]);
    this.blocks = [];
  }

  /** Allocates and zero-fills `length` 4-byte elements (memory may be reused, hence dirty). */
  private take(length: number, kind: string): Block {
    if (this.disposed) throw new Error(`wasm backend: workspace.${kind}() after dispose()`);
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`wasm backend: workspace.${kind}(${length}): bad length`);
    }
    const block = this.memory.allocate(length * 4);
    this.blocks.push(block);
    new Uint8Array(this.memory.buffer, block.offset, length * 4).fill(0);
    return block;
  }
}

/**
 * The backend's scratch area, reused across calls: a kernel call first reserves the total it
 * needs with begin(), then carves pieces out of it with take(). Not reentrant (kernels never
 * call each other).
 */
export class Scratch {
  private block: Block | null = null;
  private cursor = 0;
  private end = 0;

  constructor(private readonly memory: LinearMemory) {}

  /** Makes room for `bytes` (the sum of alignedBytes() of the coming takes) and resets. */
  begin(bytes: number): void {
    if (this.block === null || this.block.size < bytes) {
      if (this.block !== null) this.memory.release(this.block);
      this.block = null;
      this.block = this.memory.allocate(Math.max(bytes, 1 << 20));
    }
    this.cursor = this.block.offset;
    this.end = this.block.offset + this.block.size;
  }

  /** The next `bytes` (64-byte aligned) of the area reserved by begin(). */
  take(bytes: number): number {
    const address = this.cursor;
    this.cursor += alignUp(bytes);
    if (this.cursor > this.end) throw new Error("wasm backend: internal error: scratch overrun");
    return address;
  }

  /** Frees the area (the next begin() allocates again). */
  release(): void {
    if (this.block !== null) this.memory.release(this.block);
    this.block = null;
  }
}

/** The space take(bytes) uses, for sizing begin(). */
export function alignedBytes(bytes: number): number {
  return alignUp(bytes);
}
