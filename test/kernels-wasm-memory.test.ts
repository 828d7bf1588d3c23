// The wasm backend's allocator: aligned, non-overlapping blocks, reuse and coalescing.

import { test } from "node:test";
import assert from "node:assert/strict";

import { LinearMemory } from "../src/backends/wasm/memory.js";
import type { WasmMemory } from "../src/backends/wasm/runtime.js";

/** A stand-in for WebAssembly.Memory: grow() swaps in a longer buffer (contents not kept). */
class FakeMemory implements WasmMemory {
  buffer: ArrayBufferLike = new ArrayBuffer(1 << 20);
  grows = 0;
  grow(deltaPages: number): number {
    const pages = this.buffer.byteLength / 65536;
    this.buffer = new ArrayBuffer((pages + deltaPages) * 65536);
    this.grows++;
    return pages;
  }
}

test("allocator: random allocate/release keeps blocks aligned, disjoint and reusable", () => {
  const fake = new FakeMemory();
  const memory = new LinearMemory(fake);
  let seed = 17;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const live: { offset: number; size: number }[] = [];
  for (let step = 0; step < 3000; step++) {
    if (live.length > 0 && random() < 0.45) {
      const k = Math.floor(random() * live.length);
      memory.release(live[k]);
      live.splice(k, 1);
      continue;
    }
    const bytes = Math.floor(random() ** 3 * 200_000);
    const block = memory.allocate(bytes);
    assert.equal(block.offset % 64, 0);
    assert.ok(block.size >= bytes && block.offset >= 65536);
    assert.ok(block.offset + block.size <= fake.buffer.byteLength, "memory grown as needed");
    for (const other of live) {
      const disjoint =
        block.offset + block.size <= other.offset || other.offset + other.size <= block.offset;
      assert.ok(disjoint, `step ${step}: overlapping blocks`);
    }
    live.push(block);
  }
  for (const block of live.splice(0)) memory.release(block);
  assert.equal(memory.heapBytes, 0, "everything released: the heap is empty again");
  // After release, the same space is handed out again instead of growing.
  const before = fake.grows;
  memory.release(memory.allocate(500_000));
  memory.allocate(500_000);
  assert.equal(fake.grows, before);
});

test("allocator: owns() recognizes views of every buffer the memory has had", () => {
  const fake = new FakeMemory();
  const memory = new LinearMemory(fake);
  const early = new Uint32Array(memory.buffer, memory.allocate(64).offset, 16);
  memory.allocate(10 << 20); // forces a grow: a new buffer object
  const late = new Uint32Array(memory.buffer, memory.allocate(64).offset, 16);
  assert.ok(memory.owns(early) && memory.owns(late));
  assert.ok(!memory.owns(new Uint32Array(16)));
});
