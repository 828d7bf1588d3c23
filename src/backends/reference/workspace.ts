// Workspaces in ordinary JavaScript memory (the reference's, and any backend's that reads
// JavaScript arrays directly).

import type { Workspace } from "../types.js";

/** Workspace arrays in ordinary JavaScript memory. */
export class HeapWorkspace implements Workspace {
  u32(length: number): Uint32Array {
    return new Uint32Array(length);
  }
  i32(length: number): Int32Array {
    return new Int32Array(length);
  }
  f32(length: number): Float32Array {
    return new Float32Array(length);
  }
  dispose(): void {}
}
