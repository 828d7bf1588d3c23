// ONNX export of a fitted interpolation network: standard operators only (opset 13), written with
// protobufjs through the official onnx.proto schema (the onnx-proto package).

import { ExportError } from "../errors.js";
import onnxProto from "onnx-proto";
import type { InterpolationModel } from "../dfg/model.js";

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;
type AttributeProto = InstanceType<typeof onnx.AttributeProto>;
const DT = onnx.TensorProto.DataType;

/** Thrown when a model cannot be exported; the message says why. */
export { ExportError };

/** The ONNX opset the graph uses. */
export const ONNX_OPSET = 13;

/** Options of toOnnx. */
export interface OnnxOptions {
  /**
   * Relative safety margin δ >= 0 (< 1): second-layer thresholds m are exported as m·(1 − δ). It
   * guards ReLU networks, whose training points sit exactly at a threshold, against a runtime's
   * different float rounding. Default 0 (the threshold activation's second layer is exact).
   */
  readonly margin?: number;
}

/** Something that holds a fitted model: the model itself or an estimator (`.model`). */
export type Exportable = InterpolationModel | { readonly model: InterpolationModel };

function tensor(
  name: string,
  dataType: number,
  dims: number[],
  bytes: ArrayBufferView,
): TensorProto {
  return onnx.TensorProto.create({
    name,
    dataType,
    dims,
    rawData: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  });
}

function intAttr(name: string, i: number): AttributeProto {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });
}

function floatAttr(name: string, f: number): AttributeProto {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f });
}

function intsAttr(name: string, ints: number[]): AttributeProto {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });
}

/** Collects nodes and initializers, naming each node after its output. */
class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];

  op(opType: string, inputs: string[], output: string, attribute: AttributeProto[] = []): string {
    this.nodes.push(
      onnx.NodeProto.create({ opType, input: inputs, output: [output], name: output, attribute }),
    );
    return output;
  }

  constant(t: TensorProto): string {
    this.initializers.push(t);
    return t.name;
  }

  cast(input: string, to: number, output: string): string {
    return this.op("Cast", [input], output, [intAttr("to", to)]);
  }
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === "string"
              ? onnx.TensorShapeProto.Dimension.create({ dimParam: d })
              : onnx.TensorShapeProto.Dimension.create({ dimValue: d }),
          ),
        }),
      }),
    }),
  });
}

function fittedModel(source: Exportable): InterpolationModel {
  let model: InterpolationModel;
  try {
    model = "model" in source ? source.model : source;
  } catch (e) {
    throw new ExportError(`cannot export: ${(e as Error).message}`);
  }
  if (model?.firstLayer === undefined || model.subnetworks === undefined) {
    throw new ExportError("cannot export: not a fitted interpolation model");
  }
  return model;
}

/**
 * The network as an ONNX graph: input "x" (N × d raw features; the model's preprocessing are the
 * first nodes), outputs "label" (int64, memonet's prediction) and "scores" (N × classes, double;
 * one-vs-rest: each class's largest relative margin (m_j − ⟨u_j, z⟩)/m_j, label = its argmax;
 * binary: [fired, 1 − fired]). Returns the serialized ModelProto.
 */
export function toOnnx(source: Exportable, options: OnnxOptions = {}): Uint8Array {
  const model = fittedModel(source);
  const margin = options.margin ?? 0;
  if (!(margin >= 0 && margin < 1)) {
    throw new ExportError(`margin must be a number in [0, 1), got ${margin}`);
  }
  const { dim, width: n, weights, bias } = model.firstLayer;
  const g = new GraphBuilder();
  const double = model.activation === "relu";
  const secondType = double ? DT.DOUBLE : DT.FLOAT;

  // Preprocessing exactly as memonet rounds it: fl32(fl32(x / pixelMax) · scale) in float64.
  let h = "x";
  const pre = model.preprocessing;
  if (pre !== undefined) {
    let v = g.cast("x", DT.DOUBLE, "x_f64");
    if (pre.pixelMax !== undefined) {
      const pm = g.constant(tensor("pixel_max", DT.DOUBLE, [], Float64Array.of(pre.pixelMax)));
      v = g.op("Div", [v, pm], "pixels_f64");
      v = g.cast(g.cast(v, DT.FLOAT, "pixels"), DT.DOUBLE, "pixels_back_f64");
    }
    const sc = g.constant(tensor("scale", DT.DOUBLE, [], Float64Array.of(pre.scale)));
    h = g.cast(g.op("Mul", [v, sc], "scaled_f64"), DT.FLOAT, "features");
  }

  // First layer: z = W h + b, then σ.
  const w = g.constant(tensor("W1", DT.FLOAT, [n, dim], weights));
  const b = g.constant(tensor("b1", DT.FLOAT, [n], bias));
  const z = g.op("Gemm", [h, w, b], "z1", [intAttr("transB", 1)]);
  let a: string;
  if (model.activation === "threshold") {
    const zero = g.constant(tensor("zero_f32", DT.FLOAT, [], Float32Array.of(0)));
    a = g.cast(g.op("Greater", [z, zero], "fires1"), DT.FLOAT, "a1");
  } else {
    a = g.cast(g.op("Relu", [z], "a1_f32"), DT.DOUBLE, "a1");
  }

  // Second layer, all subnetworks side by side, each padded to the widest (padding: margin −∞).
  const classes = model.subnetworks.length;
  const slots = Math.max(1, ...model.subnetworks.map((s) => s.width));
  const cols = classes * slots;
  const u = double ? new Float64Array(cols * n) : new Float32Array(cols * n);
  const m = new Float64Array(cols).fill(1);
  const pad = new Float64Array(cols).fill(-Infinity);
  const words = model.wordsPerRow;
  model.subnetworks.forEach((s, k) => {
    for (let j = 0; j < s.width; j++) {
      const col = k * slots + j;
      for (let i = 0; i < n; i++) {
        if ((s.masks[j * words + (i >>> 5)] >>> (i & 31)) & 1) u[col * n + i] = 1;
      }
      m[col] = s.thresholds[j] * (1 - margin);
      pad[col] = 0;
    }
  });
  const mTyped = double ? m : Float32Array.from(m);
  const uName = g.constant(tensor("U2", secondType, [cols, n], u));
  const mName = g.constant(tensor("m2", secondType, [cols], mTyped));
  // −U·a + m (exact in float32 for the threshold activation: integer counts below 2^24).
  let pre2 = g.op("Gemm", [a, uName, mName], "pre2", [
    floatAttr("alpha", -1),
    floatAttr("beta", 1),
    intAttr("transB", 1),
  ]);
  if (!double) pre2 = g.cast(pre2, DT.DOUBLE, "pre2_f64");
  const m64 = g.constant(tensor("m2_f64", DT.DOUBLE, [cols], m));
  const padName = g.constant(tensor("pad2", DT.DOUBLE, [cols], pad));
  const rel = g.op("Add", [g.op("Div", [pre2, m64], "relative2"), padName], "margins2");
  const shape = g.constant(
    tensor("shape_classes", DT.INT64, [3], BigInt64Array.of(-1n, BigInt(classes), BigInt(slots))),
  );
  const byClass = g.op("Reshape", [rel, shape], "margins_by_class");
  if (model.mode === "one-vs-rest") {
    g.op("ReduceMax", [byClass], "scores", [intsAttr("axes", [2]), intAttr("keepdims", 0)]);
    g.op("ArgMax", ["scores"], "label", [
      intAttr("axis", 1),
      intAttr("keepdims", 0),
      intAttr("select_last_index", 0),
    ]);
  } else {
    const best = g.op("ReduceMax", [byClass], "margin0", [
      intsAttr("axes", [1, 2]),
      intAttr("keepdims", 0),
    ]);
    const zero = g.constant(tensor("zero_f64", DT.DOUBLE, [], Float64Array.of(0)));
    const fired = g.op("Greater", [best, zero], "fired");
    g.cast(g.op("Not", [fired], "not_fired"), DT.INT64, "label");
    const f = g.cast(fired, DT.DOUBLE, "fired_f64");
    const one = g.constant(tensor("one_f64", DT.DOUBLE, [], Float64Array.of(1)));
    const rest = g.op("Sub", [one, f], "not_fired_f64");
    const axes = g.constant(tensor("unsqueeze_axes", DT.INT64, [1], BigInt64Array.of(1n)));
    g.op(
      "Concat",
      [g.op("Unsqueeze", [f, axes], "fired_col"), g.op("Unsqueeze", [rest, axes], "rest_col")],
      "scores",
      [intAttr("axis", 1)],
    );
  }

  const graph = onnx.GraphProto.create({
    name: "memonet",
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo("x", DT.FLOAT, ["N", dim])],
    output: [
      valueInfo("label", DT.INT64, ["N"]),
      valueInfo("scores", DT.DOUBLE, ["N", model.classNames.length]),
    ],
    docString:
      `memonet interpolation network (${model.mode}, ${model.activation}); classes: ` +
      JSON.stringify(model.classNames),
  });
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "memonet",
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: ONNX_OPSET })],
    graph,
    metadataProps: [
      onnx.StringStringEntryProto.create({
        key: "classNames",
        value: JSON.stringify(model.classNames),
      }),
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}
