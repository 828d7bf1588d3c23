// The reference backend: plain TypeScript, written to be obviously correct, implementing every
// kernel. Every fast backend is tested against it, bit for bit, and the ops fall back to it for
// kernels a backend does not register.

import { registerBackend, registerKernel, type BackendInstance } from "../registry.js";
import { coverage, reluCoverage } from "./coverage.js";
import { thresholdLayer, reluLayer } from "./firstLayer.js";
import { maskedAnyBelow, maskedBelow, maskedMin, maskedMinMany } from "./popcount.js";
import { reluAnyBelow, reluBelow, reluMinMany } from "./relu.js";
import { sampleHyperplanes } from "./sampling.js";
import { separation } from "./separation.js";
import { HeapWorkspace } from "./workspace.js";

export { HeapWorkspace } from "./workspace.js";
export { preActivations } from "./firstLayer.js";
export { maskedPopcountRow } from "./popcount.js";
export { popcount32 } from "../bits.js";

/** The reference backend's instance: no state beyond its name. */
const reference: BackendInstance = { name: "reference", workspace: () => new HeapWorkspace() };

registerBackend("reference", 0, () => reference);
registerKernel("reference", "thresholdLayer", (_, ...a) => thresholdLayer(...a));
registerKernel("reference", "reluLayer", (_, ...a) => reluLayer(...a));
registerKernel("reference", "maskedMin", (_, ...a) => maskedMin(...a));
registerKernel("reference", "maskedMinMany", (_, ...a) => maskedMinMany(...a));
registerKernel("reference", "maskedBelow", (_, ...a) => maskedBelow(...a));
registerKernel("reference", "maskedAnyBelow", (_, ...a) => maskedAnyBelow(...a));
registerKernel("reference", "separation", (_, ...a) => separation(...a));
registerKernel("reference", "sampleHyperplanes", (_, ...a) => sampleHyperplanes(...a));
registerKernel("reference", "reluMinMany", (_, ...a) => reluMinMany(...a));
registerKernel("reference", "reluBelow", (_, ...a) => reluBelow(...a));
registerKernel("reference", "reluAnyBelow", (_, ...a) => reluAnyBelow(...a));
registerKernel("reference", "coverage", (_, ...a) => coverage(...a));
registerKernel("reference", "reluCoverage", (_, ...a) => reluCoverage(...a));
