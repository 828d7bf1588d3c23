// The reference backend: plain TypeScript, written to be obviously correct. Every fast backend is
// tested against it, bit for bit.

import type { BitMatrix, DenseLayerT, Kernels, Workspace } from "./types.js";

const NO_ROWS_MIN = 0x7fffffff;

/** Number of set bits in a 32-bit word. */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** popcount(mask AND bits row `row`), stopping once the partial count reaches `limit`. */
export function maskedPopcountRow(
  bits: BitMatrix,
  mask: Uint32Array,
  row: number,
  limit: number,
): number {
  const words = bits.wordsPerRow;
  const data = bits.data;
  const base = row * words;
  let count = 0;
  for (let w = 0; w < words; w++) {
    count += popcount32(mask[w] & data[base + w]);
    if (count >= limit) return count;
  }
  return count;
}

/** Pre-activations z(x_r) of one row into `z` (length width), in the rounding of types.ts. */
export function preActivations(
  x: Float32Array,
  r: number,
  layer: DenseLayerT,
  z: Float32Array,
): void {
  const { dim, width, weightsT, bias } = layer;
  z.fill(0);
  const xBase = r * dim;
  for (let j = 0; j < dim; j++) {
    const xj = x[xBase + j];
    if (xj === 0) continue;
    const wBase = j * width;
    for (let i = 0; i < width; i++) {
      z[i] = z[i] + Math.fround(xj * weightsT[wBase + i]);
    }
  }
  for (let i = 0; i < width; i++) z[i] = z[i] + bias[i];
}

/** maskedMinMany as one maskedMin call per mask (for backends without a batched kernel). */
export function maskedMinManyByOne(
  kernels: Kernels,
  bits: BitMatrix,
  masks: Uint32Array,
  maskCount: number,
  rows: Int32Array,
  count: number,
  stopAt: number,
  out: Int32Array,
): void {
  const words = bits.wordsPerRow;
  for (let q = 0; q < maskCount; q++) {
    const mask = masks.subarray(q * words, (q + 1) * words);
    out[q] = kernels.maskedMin(bits, mask, rows, count, stopAt);
  }
}

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

/** The plain TypeScript kernels. */
export const referenceKernels: Kernels = {
  name: "reference",

  workspace(): Workspace {
    return new HeapWorkspace();
  },

  thresholdLayer(x, rows, layer, out, outRowOffset) {
    const z = new Float32Array(layer.width);
    const words = out.wordsPerRow;
    for (let r = 0; r < rows; r++) {
      preActivations(x, r, layer, z);
      const base = (outRowOffset + r) * words;
      out.data.fill(0, base, base + words);
      for (let i = 0; i < layer.width; i++) {
        if (z[i] > 0) out.data[base + (i >>> 5)] |= 1 << (i & 31);
      }
    }
  },

  reluLayer(x, rows, layer, out, outRowOffset) {
    const z = new Float32Array(layer.width);
    for (let r = 0; r < rows; r++) {
      preActivations(x, r, layer, z);
      const base = (outRowOffset + r) * layer.width;
      for (let i = 0; i < layer.width; i++) out[base + i] = z[i] > 0 ? z[i] : 0;
    }
  },

  maskedMin(bits, mask, rows, count, stopAt) {
    let best = NO_ROWS_MIN;
    for (let k = 0; k < count; k++) {
      const c = maskedPopcountRow(bits, mask, rows[k], best);
      if (c < best) {
        best = c;
        if (best <= stopAt) return best;
      }
    }
    return best;
  },

  maskedMinMany(bits, masks, maskCount, rows, count, stopAt, out) {
    maskedMinManyByOne(this, bits, masks, maskCount, rows, count, stopAt, out);
  },

  maskedBelow(bits, mask, rows, count, bound, out) {
    let written = 0;
    for (let k = 0; k < count; k++) {
      if (maskedPopcountRow(bits, mask, rows[k], bound) < bound) out[written++] = rows[k];
    }
    return written;
  },
};
