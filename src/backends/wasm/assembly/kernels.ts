// memonet's WebAssembly kernels (AssemblyScript, compiled by scripts/build-wasm.mjs): the entry
// of the kernels module.
//
// The module imports a shared linear memory; every buffer lives there and is allocated by the
// JavaScript side (src/backends/wasm/memory.ts). Functions take byte addresses ("pointers") and
// sizes and never allocate. Each kernel works on one chunk of its rows (or neurons), so that the
// JavaScript side can run the chunks on several threads (instances of this module over the same
// memory, src/backends/wasm/pool.ts) and merge their results in chunk order. Results must be
// bit-identical to src/backends/reference/: float32 products and sums in increasing j order,
// never fused; float64 ReLU scores summed in increasing neuron order.

export { minManyChunk, belowChunk, anyBelowChunk, coverageChunk } from "./popcount";
export { reluMinManyChunk, reluBelowChunk, reluAnyBelowChunk, reluCoverageChunk } from "./relu";
export {
  allFinite,
  groupScratchBytes,
  groupBlock,
  fillBlock,
  panelBufferBytes,
  panelChunk,
} from "./firstLayer";
