// The one validation vocabulary of memonet, modelled on scikit-learn's Interval and StrOptions:
// a constraint tests a value and describes what it accepts ("an integer >= 1", "one of a, b"),
// and every checker words its message from that description. Hyperparameters, memorize options,
// experiment configurations, model and network files and the CLI's option parsers all use it.
// Browser-safe.

import { DataError, type MemonetError, OptionError } from "./errors.js";

/** A rule for one value: `test` accepts it, `text` says what is accepted (after "must be"). */
export interface Constraint<T> {
  test(value: unknown): value is T;
  /** E.g. "an integer >= 1", "a finite number in (0, 1]", "one of threshold, relu". */
  readonly text: string;
}

type Closed = "both" | "left" | "right" | "neither";

function boundText(kind: "integer" | "real", low: number, high: number, closed: Closed): string {
  const noun = kind === "integer" ? "an integer" : "a finite number";
  const lowIn = closed === "both" || closed === "left";
  const highIn = closed === "both" || closed === "right";
  const hasLow = low > -Infinity;
  const hasHigh = high < Infinity;
  if (hasLow && hasHigh) {
    if (kind === "integer" && lowIn && highIn) return `${noun} in ${low}..${high}`;
    return `${noun} in ${lowIn ? "[" : "("}${low}, ${high}${highIn ? "]" : ")"}`;
  }
  if (hasLow) return `${noun} ${lowIn ? ">=" : ">"} ${low}`;
  if (hasHigh) return `${noun} ${highIn ? "<=" : "<"} ${high}`;
  return noun;
}

/**
 * Numbers of a kind ("integer": safe integers; "real": finite numbers) between `low` and
 * `high` (±Infinity for no bound), each end included as `closed` says. `text` may override
 * the description.
 */
export function interval(
  kind: "integer" | "real",
  low: number,
  high: number,
  closed: Closed = "both",
  text?: string,
): Constraint<number> {
  const lowIn = closed === "both" || closed === "left";
  const highIn = closed === "both" || closed === "right";
  return {
    test: (v: unknown): v is number =>
      typeof v === "number" &&
      (kind === "integer" ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
      (lowIn ? v >= low : v > low) &&
      (highIn ? v <= high : v < high),
    text: text ?? boundText(kind, low, high, closed),
  };
}

/** Integers >= min. */
export const integerAtLeast = (min: number, text?: string): Constraint<number> =>
  interval("integer", min, Infinity, "both", text);

/** Finite numbers >= min. */
export const numberAtLeast = (min: number, text?: string): Constraint<number> =>
  interval("real", min, Infinity, "both", text);

/** Finite numbers > min. */
export const numberAbove = (min: number, text?: string): Constraint<number> =>
  interval("real", min, Infinity, "neither", text);

/** The largest finite float32: parameters stored as float32 must stay below it. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** One of the given strings (StrOptions); `text` is "one of a, b, c" unless given. */
export function strOptions<T extends string>(
  options: readonly T[],
  text?: string,
): Constraint<T> & { readonly options: readonly T[] } {
  return {
    options,
    test: (v: unknown): v is T =>
      typeof v === "string" && (options as readonly string[]).includes(v),
    text: text ?? `one of ${options.join(", ")}`,
  };
}

/** A constraint's text for a prompt where finiteness goes without saying ("a number >= 0"). */
export function shortText(constraint: Constraint<unknown>): string {
  return constraint.text.replace(/^a finite number/, "a number");
}

/** A short description of any value for messages: numbers as written, strings quoted. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return typeof value;
}

/**
 * Returns `value` if it meets `constraint`, else throws (OptionError unless `makeError` says
 * otherwise) "<label> must be <constraint>, got <value>".
 */
export function checkParam<T>(
  value: unknown,
  label: string,
  constraint: Constraint<T> | readonly [Constraint<T>, ...Constraint<unknown>[]],
  makeError: (message: string) => MemonetError = (m) => new OptionError(m),
): T {
  const all: readonly Constraint<unknown>[] = "test" in constraint ? [constraint] : constraint;
  for (const c of all) {
    if (!c.test(value)) throw makeError(`${label} must be ${c.text}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** Numbers <= max (a second constraint after a lower bound: "at most 2^27", say). */
export const atMost = (max: number, text?: string): Constraint<number> => ({
  test: (v: unknown): v is number => typeof v === "number" && v <= max,
  text: text ?? `at most ${max}`,
});

/** Any string. */
export const isString: Constraint<string> = {
  test: (v: unknown): v is string => typeof v === "string",
  text: "a string",
};

/** true or false. */
export const isBoolean: Constraint<boolean> = {
  test: (v: unknown): v is boolean => typeof v === "boolean",
  text: "true or false",
};

/** Integers that are multiples of `k` ("an even integer" for k = 2 unless `text` says otherwise). */
export const multipleOf = (k: number, text?: string): Constraint<number> => ({
  test: (v: unknown): v is number =>
    typeof v === "number" && Number.isSafeInteger(v) && v % k === 0,
  text: text ?? (k === 2 ? "an even integer" : `a multiple of ${k}`),
});

/** What a field of a document failed: "expected <constraint>, found <value>" (files, configs). */
export function expected(constraint: Constraint<unknown>, value: unknown, verb = "found"): string {
  return `expected ${constraint.text}, ${verb} ${describeValue(value)}`;
}

/**
 * A parser for command-line option text derived from a numeric constraint: the number if it
 * meets it, else `fail("expected <constraint>, got "<text>"")` (commander's InvalidArgumentError).
 */
export function numberParser(
  constraint: Constraint<number> | readonly Constraint<number>[],
  fail: (message: string) => Error,
): (text: string) => number {
  const all: readonly Constraint<number>[] = "test" in constraint ? [constraint] : constraint;
  return (text) => {
    const n = text.trim() === "" ? NaN : Number(text);
    for (const c of all) {
      if (!c.test(n)) {
        throw fail(`expected ${shortText(c)}, got "${text}"`);
      }
    }
    return n;
  };
}

/** A parser for command-line option text derived from a StrOptions constraint. */
export function wordParser<T extends string>(
  constraint: Constraint<T>,
  fail: (message: string) => Error,
): (text: string) => T {
  return (text) => {
    if (!constraint.test(text)) throw fail(`expected ${constraint.text}, got "${text}"`);
    return text;
  };
}

/**
 * The one feature check (fit, predict, memorize, verify): `features` must be whole rows of `dim`
 * finite values. DataError naming `name`, the 0-based point and the column; `columnWord`
 * ("feature", "coordinate" or "column") names the column.
 */
export function checkFeatures(
  features: ArrayLike<number>,
  dim: number,
  name: string,
  columnWord: "feature" | "coordinate" | "column" = "feature",
): void {
  if (!Number.isSafeInteger(dim) || dim < 1) {
    throw new DataError(`${name}: dimension must be a positive integer, got ${dim}`);
  }
  if (features.length % dim !== 0) {
    throw new DataError(
      `${name}: ${features.length} values are not a whole number of rows of dimension ${dim}`,
    );
  }
  for (let i = 0; i < features.length; i++) {
    const v = features[i];
    if (v - v !== 0) {
      const row = Math.floor(i / dim);
      const col = i - row * dim;
      const where =
        columnWord === "column"
          ? `row ${row}, column ${col}`
          : columnWord === "coordinate"
            ? `point ${row} (0-based), coordinate ${col}`
            : `point ${row} (0-based), feature ${col} (0-based)`;
      throw new DataError(`${name}: ${where} is ${v}, expected a finite number`);
    }
  }
}

/**
 * Labels of a data set re-indexed by class name into `known` (the classes of a model or
 * network), once for fit/score/verify. DataError naming the first class `known` lacks.
 */
export function alignLabels(
  ds: {
    readonly name: string;
    readonly labels: Int32Array;
    readonly classNames: readonly string[];
  },
  known: readonly string[],
  owner: string,
): Int32Array {
  const index = new Map(known.map((n, k) => [n, k]));
  const map = ds.classNames.map((name) => {
    const k = index.get(name);
    if (k === undefined) {
      throw new DataError(
        `${ds.name}: class ${JSON.stringify(name)} is not one of ${owner}'s classes (${known.join(", ")})`,
      );
    }
    return k;
  });
  return Int32Array.from(ds.labels, (k) => map[k]);
}

/** Exactly `value` (a format name, say); `text` defaults to the value as JSON. */
export function constant<T extends string | number>(value: T, text?: string): Constraint<T> {
  return {
    test: (v: unknown): v is T => v === value,
    text: text ?? JSON.stringify(value),
  };
}

/**
 * Reads the fields of an untrusted parsed JSON document (model files, network files): each
 * method returns the value if it is what is asked for, else throws `makeError("<source>: <path>:
 * expected <constraint>, found <value>")`, so every message names the file and the field.
 */
export class DocumentReader {
  constructor(
    readonly source: string,
    private readonly makeError: (message: string) => MemonetError,
  ) {}

  /** Throws the document's error for the field at `path`. */
  fail(path: string, message: string): never {
    throw this.makeError(`${this.source}: ${path}: ${message}`);
  }

  /** `value` if it meets `constraint`, else "<path>: expected <constraint>, found <value>". */
  check<T>(value: unknown, path: string, constraint: Constraint<T>): T {
    if (!constraint.test(value)) this.fail(path, expected(constraint, value));
    return value;
  }

  /**
   * `value` if it meets `constraint`, else "<path>: <label> must be <constraint>, got <value>"
   * (for the parts of a compact entry, e.g. the row of a weight).
   */
  part<T>(value: unknown, path: string, label: string, constraint: Constraint<T>): T {
    if (!constraint.test(value)) {
      this.fail(path, `${label} must be ${constraint.text}, got ${describeValue(value)}`);
    }
    return value;
  }

  /** A JSON object (not null, not an array). */
  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(path, `expected an object, found ${describeValue(value)}`);
    }
    return value as Record<string, unknown>;
  }

  /** A finite number. */
  number(value: unknown, path: string): number {
    return this.check(value, path, FINITE);
  }

  /** A safe integer >= min. */
  integer(value: unknown, path: string, min: number): number {
    return this.check(this.number(value, path), path, integerAtLeast(min));
  }

  boolean(value: unknown, path: string): boolean {
    return this.check(value, path, isBoolean);
  }

  string(value: unknown, path: string): string {
    return this.check(value, path, isString);
  }

  /** One of the given strings. */
  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
    return this.check(this.string(value, path), path, strOptions(options));
  }

  /** An array (of exactly `length` entries when given). */
  array(value: unknown, path: string, length?: number): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, found ${describeValue(value)}`);
    if (length !== undefined && value.length !== length) {
      this.fail(path, `expected ${length} entries, found ${value.length}`);
    }
    return value;
  }
}

const FINITE = interval("real", -Infinity, Infinity);
