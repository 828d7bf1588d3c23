// The one --backend option of every command that runs kernels.

import { Option } from "commander";
import type { BackendChoice } from "../ops/index.js";

const BACKEND_CHOICES = [
  "auto",
  "native",
  "wasm",
  "reference",
] as const satisfies readonly BackendChoice[];

/** `--backend <name>`: auto (default), native, wasm or reference; `what` describes its use. */
export function backendOption(what = "kernel backend"): Option {
  return new Option("--backend <name>", what).choices([...BACKEND_CHOICES]).default("auto");
}
