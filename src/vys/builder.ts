// Writing a network layer by layer: an expression (Lin) is an affine form over the neurons of the
// current layer; `layer` emits one ReLU layer computing σ(expr) for each expression, and `finish`
// emits the final linear layer. Composing blocks this way folds each block's linear output into
// the next affine layer, exactly as network composition F∘G merges G's last (linear) layer with
// F's first layer.

import { type Dyadic, ONE, ZERO, add, dyadic, fromNumber, mul } from "./dyadic.js";
import { type LayerSpan, type ReluNetwork, type SparseLayer, sparseLayer } from "./network.js";

/** A number usable as a coefficient: a dyadic, a bigint, or a finite float64 (converted exactly). */
export type Coefficient = Dyadic | bigint | number;

function toDyadic(k: Coefficient): Dyadic {
  if (typeof k === "bigint") return dyadic(k, 0);
  if (typeof k === "number") return fromNumber(k);
  return k;
}

/**
 * An affine expression Σ c_j·h_j + c₀ over the neurons h_j of one layer (`level` = number of layers
 * emitted when it was made; −1 for a constant, usable at any level). Immutable.
 */
export class Lin {
  private constructor(
    readonly level: number,
    readonly terms: ReadonlyMap<number, Dyadic>,
    readonly constant: Dyadic,
  ) {}

  /** The neuron `index` of layer `level` (level 0: the network inputs). */
  static neuron(level: number, index: number): Lin {
    return new Lin(level, new Map([[index, ONE]]), ZERO);
  }

  /** A constant. */
  static constant(c: Coefficient): Lin {
    return new Lin(-1, new Map(), toDyadic(c));
  }

  /** The sum of expressions of one layer (and constants), built in one pass. */
  static sum(parts: readonly Lin[]): Lin {
    let level = -1;
    const terms = new Map<number, Dyadic>();
    let constant = ZERO;
    for (const p of parts) {
      constant = add(constant, p.constant);
      if (p.isConstant) continue;
      if (level >= 0 && p.level !== level) {
        throw new Error(`Lin.sum: expressions of layers ${level} and ${p.level}`);
      }
      level = p.level;
      for (const [j, c] of p.terms) {
        const s = add(terms.get(j) ?? ZERO, c);
        if (s.m === 0n) terms.delete(j);
        else terms.set(j, s);
      }
    }
    return new Lin(terms.size === 0 ? -1 : level, terms, constant);
  }

  /** The constant 0. */
  static readonly zero: Lin = new Lin(-1, new Map(), ZERO);

  /** True when the expression has no neuron terms. */
  get isConstant(): boolean {
    return this.terms.size === 0;
  }

  /** this + other (an expression or a constant). */
  plus(other: Lin | Coefficient): Lin {
    const o = other instanceof Lin ? other : Lin.constant(other);
    if (o.isConstant) return new Lin(this.level, this.terms, add(this.constant, o.constant));
    if (this.isConstant) return new Lin(o.level, o.terms, add(this.constant, o.constant));
    if (this.level !== o.level) {
      throw new Error(`Lin: adding expressions of layers ${this.level} and ${o.level}`);
    }
    const terms = new Map(this.terms);
    for (const [j, c] of o.terms) {
      const s = add(terms.get(j) ?? ZERO, c);
      if (s.m === 0n) terms.delete(j);
      else terms.set(j, s);
    }
    return new Lin(terms.size === 0 ? -1 : this.level, terms, add(this.constant, o.constant));
  }

  /** this − other. */
  minus(other: Lin | Coefficient): Lin {
    const o = other instanceof Lin ? other : Lin.constant(other);
    return this.plus(o.times(-1));
  }

  /** k · this. */
  times(k: Coefficient): Lin {
    const d = toDyadic(k);
    if (d.m === 0n) return Lin.zero;
    const terms = new Map<number, Dyadic>();
    for (const [j, c] of this.terms) terms.set(j, mul(c, d));
    return new Lin(this.level, terms, mul(this.constant, d));
  }
}

/** Emits the layers of one network; see the module comment. */
export class NetworkBuilder {
  private readonly layers: SparseLayer[] = [];
  private readonly spans: LayerSpan[] = [];
  private width: number;

  constructor(readonly inputDim: number) {
    if (!Number.isInteger(inputDim) || inputDim < 1) {
      throw new RangeError(`input dimension must be a positive integer, got ${inputDim}`);
    }
    this.width = inputDim;
  }

  /** Number of layers emitted so far. */
  get level(): number {
    return this.layers.length;
  }

  /** The input coordinates as expressions (only before the first layer). */
  inputs(): Lin[] {
    if (this.level !== 0) throw new Error("inputs() after layers were emitted");
    return Array.from({ length: this.inputDim }, (_, k) => Lin.neuron(0, k));
  }

  /**
   * Emits a hidden layer with one ReLU neuron σ(e) per non-constant expression; returns each
   * neuron as an expression of the new layer (a constant c gives the constant max(c, 0), no neuron).
   */
  layer(exprs: readonly Lin[]): Lin[] {
    const level = this.level;
    const rows: [number, Dyadic][][] = [];
    const biases: Dyadic[] = [];
    const out: Lin[] = [];
    for (const e of exprs) {
      if (e.isConstant) {
        out.push(e.constant.m > 0n ? e : Lin.zero);
        continue;
      }
      this.checkLevel(e);
      out.push(Lin.neuron(level + 1, rows.length));
      rows.push([...e.terms]);
      biases.push(e.constant);
    }
    if (rows.length === 0) throw new Error("layer(): every expression is constant");
    this.layers.push(sparseLayer(this.width, rows, biases));
    this.width = rows.length;
    return out;
  }

  /** `layer` over the values of a record (insertion order = neuron order); same keys out. */
  step<K extends string>(values: Readonly<Record<K, Lin>>): Record<K, Lin> {
    const keys = Object.keys(values) as K[];
    const out = this.layer(keys.map((k) => values[k]));
    const result = {} as Record<K, Lin>;
    keys.forEach((k, i) => (result[k] = out[i]));
    return result;
  }

  /** Runs `body`, recording the layers it emits under `name`. */
  span<T>(name: string, body: () => T): T {
    const first = this.level;
    const result = body();
    if (this.level > first) this.spans.push({ name, first, last: this.level - 1 });
    return result;
  }

  /** Emits the final linear layer computing `outputs` and returns the network. */
  finish(outputs: readonly Lin[], finalSpan?: string): ReluNetwork {
    const rows = outputs.map((e) => {
      if (!e.isConstant) this.checkLevel(e);
      return [...e.terms];
    });
    if (finalSpan !== undefined) {
      this.spans.push({ name: finalSpan, first: this.level, last: this.level });
    }
    this.layers.push(
      sparseLayer(
        this.width,
        rows,
        outputs.map((e) => e.constant),
      ),
    );
    return {
      inputDim: this.inputDim,
      outputDim: outputs.length,
      layers: this.layers,
      spans: this.spans,
    };
  }

  private checkLevel(e: Lin): void {
    if (e.level !== this.level) {
      throw new Error(`expression of layer ${e.level} used at layer ${this.level}`);
    }
  }
}
