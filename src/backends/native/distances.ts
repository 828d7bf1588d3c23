// Registers the native distance tile kernel (cpp/distances.h through cpp/kernels.cc's
// squaredDistances) as the geometry module's "native" backend. Importing it is enough.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { checkDistanceTile, type DistanceKernel } from "../reference/distances.js";
import { registerDistanceBackend } from "../../ops/distances.js";
import { NATIVE_ADDON_PATH } from "./index.js";

interface DistanceContext {
  squaredDistances?(
    a: Float32Array,
    aRows: number,
    b: Float32Array,
    bRows: number,
    dim: number,
    out: Float64Array,
  ): number;
}

interface DistanceAddon {
  Context: new (simd: string, threads: number) => DistanceContext;
}

/** Loads the addon's distance kernel; throws when the addon is missing or lacks it. */
export function createNativeDistanceKernel(path = NATIVE_ADDON_PATH): DistanceKernel {
  if (!existsSync(path)) throw new Error(`native distance kernel: ${path} is not built`);
  const addon = createRequire(import.meta.url)(path) as DistanceAddon;
  // Its own context (kernel table "auto", threads MEMONET_THREADS or all cores).
  const ctx = new addon.Context("auto", 0);
  const run = ctx.squaredDistances?.bind(ctx);
  if (typeof run !== "function") {
    throw new Error(`native distance kernel: ${path} has no squaredDistances (rebuild it)`);
  }
  return {
    name: "native",
    squaredDistances(a, aRows, b, bRows, dim, out) {
      checkDistanceTile("native", a, aRows, b, bRows, dim, out);
      run(a, aRows, b, bRows, dim, out);
    },
  };
}

registerDistanceBackend("native", 20, () => createNativeDistanceKernel());
