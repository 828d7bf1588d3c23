// `memonet info --backends`: the kernel backends this installation has, the native kernel
// tables compiled in (and which ones this CPU runs), and what "auto" chooses.

import { availableBackends, getKernels } from "../ops/index.js";
import { NATIVE_ADDON_PATH, nativeTables } from "../backends/native/index.js";

/** A few lines describing the backends and native kernel tables of this machine. */
export function backendReport(): string {
  const lines = [`backends: ${availableBackends().join(", ")}`];
  try {
    const tables = nativeTables();
    const auto = tables.find((t) => t.supported)?.name ?? "none";
    lines.push(
      `native kernel tables compiled in: ${tables.map((t) => t.name).join(", ")}`,
      `supported by this CPU: ${tables
        .filter((t) => t.supported)
        .map((t) => t.name)
        .join(", ")}`,
      `auto table: ${auto}${process.env.MEMONET_SIMD ? ` (MEMONET_SIMD=${process.env.MEMONET_SIMD} set)` : ""}`,
    );
  } catch (error) {
    lines.push(`native: not available (${error instanceof Error ? error.message : String(error)})`);
    lines.push(`(addon path: ${NATIVE_ADDON_PATH})`);
  }
  try {
    getKernels("native");
  } catch (error) {
    lines.push(
      `native backend not used: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  lines.push(`auto backend: ${getKernels("auto").name}`);
  return lines.join("\n");
}
