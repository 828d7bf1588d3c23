// Combining networks: composition (folding the inner network's linear output layer into the outer
// network's first layer) and parallel stacking (block-diagonal layers on a shared input).

import { type Dyadic, ZERO, add, mul } from "./dyadic.js";
import { type LayerSpan, type ReluNetwork, type SparseLayer, sparseLayer } from "./network.js";

/**
 * outer ∘ inner, exactly: inner's last (linear) layer and outer's first layer become one affine
 * layer W_o·(W_i h + b_i) + b_o, so depth(outer ∘ inner) = depth(outer) + depth(inner) − 1.
 */
export function compose(outer: ReluNetwork, inner: ReluNetwork): ReluNetwork {
  if (inner.outputDim !== outer.inputDim) {
    throw new Error(
      `compose: inner has ${inner.outputDim} outputs, outer ${outer.inputDim} inputs`,
    );
  }
  const li = inner.layers[inner.layers.length - 1];
  const lo = outer.layers[0];
  const rows: [number, Dyadic][][] = [];
  const biases: Dyadic[] = [];
  for (let i = 0; i < lo.outputs; i++) {
    const acc = new Map<number, Dyadic>();
    let bias = lo.biases[i];
    for (let k = lo.rowStart[i]; k < lo.rowStart[i + 1]; k++) {
      const mid = lo.cols[k];
      const w = lo.values[k];
      for (let t = li.rowStart[mid]; t < li.rowStart[mid + 1]; t++) {
        const c = li.cols[t];
        acc.set(c, add(acc.get(c) ?? ZERO, mul(w, li.values[t])));
      }
      bias = add(bias, mul(w, li.biases[mid]));
    }
    rows.push([...acc]);
    biases.push(bias);
  }
  const merged = sparseLayer(li.inputs, rows, biases);
  const shift = inner.layers.length - 1;
  const spans: LayerSpan[] = [
    ...inner.spans,
    ...outer.spans.map((s) => ({ name: s.name, first: s.first + shift, last: s.last + shift })),
  ];
  return {
    inputDim: inner.inputDim,
    outputDim: outer.outputDim,
    layers: [...inner.layers.slice(0, -1), merged, ...outer.layers.slice(1)],
    spans,
  };
}

/** Identity layer on k neurons. */
function identityLayer(k: number): SparseLayer {
  return sparseLayer(
    k,
    Array.from({ length: k }, (_, i) => [[i, { m: 1n, e: 0 }] as [number, Dyadic]]),
    new Array<Dyadic>(k).fill(ZERO),
  );
}

/**
 * The networks side by side on one shared input: outputs concatenated, layers block-diagonal.
 * Shorter networks are padded with identity layers after their last layer, which then gets a
 * ReLU: the caller asserts (`outputsNonNegative`) that every network's outputs are ≥ 0 on every
 * input, so the padding does not change any function. Span names get the prefix `names[k]`.
 */
export function parallel(
  nets: readonly ReluNetwork[],
  options: { outputsNonNegative: true; names?: readonly string[] },
): ReluNetwork {
  if (!options.outputsNonNegative) throw new Error("parallel: outputs must be non-negative");
  if (nets.length === 0) throw new Error("parallel: no networks");
  const inputDim = nets[0].inputDim;
  for (const n of nets) {
    if (n.inputDim !== inputDim) throw new Error("parallel: networks differ in input dimension");
  }
  const depth = Math.max(...nets.map((n) => n.layers.length));
  const padded = nets.map((n) => {
    const extra = depth - n.layers.length;
    return [...n.layers, ...Array.from({ length: extra }, () => identityLayer(n.outputDim))];
  });
  const layers: SparseLayer[] = [];
  for (let l = 0; l < depth; l++) {
    const rows: [number, Dyadic][][] = [];
    const biases: Dyadic[] = [];
    let colOffset = 0;
    for (const p of padded) {
      const layer = p[l];
      for (let i = 0; i < layer.outputs; i++) {
        const row: [number, Dyadic][] = [];
        for (let k = layer.rowStart[i]; k < layer.rowStart[i + 1]; k++) {
          row.push([layer.cols[k] + (l === 0 ? 0 : colOffset), layer.values[k]]);
        }
        rows.push(row);
        biases.push(layer.biases[i]);
      }
      colOffset += layer.inputs;
    }
    const inputs = l === 0 ? inputDim : layers[l - 1].outputs;
    layers.push(sparseLayer(inputs, rows, biases));
  }
  const spans = nets.flatMap((n, k) =>
    n.spans.map((s) => ({ ...s, name: `${options.names?.[k] ?? `part ${k}`}: ${s.name}` })),
  );
  return {
    inputDim,
    outputDim: nets.reduce((s, n) => s + n.outputDim, 0),
    layers,
    spans,
  };
}

/** The one-layer linear network (h_1, ..., h_k) ↦ h_1 + ... + h_k (the paper's G in App. B). */
export function sumNetwork(k: number): ReluNetwork {
  const row = Array.from({ length: k }, (_, i) => [i, { m: 1n, e: 0 }] as [number, Dyadic]);
  return { inputDim: k, outputDim: 1, layers: [sparseLayer(k, [row], [ZERO])], spans: [] };
}
