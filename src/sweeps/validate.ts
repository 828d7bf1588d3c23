// Small helpers to validate parsed JSON with messages that name the file and key; every rule is a
// constraint of src/validation.ts (the one vocabulary), checked by optionalValue.

import {
  type Constraint,
  integerAtLeast,
  interval,
  isBoolean,
  isString,
  numberAbove,
  numberAtLeast,
  shortText,
} from "../validation.js";
import { ExperimentError } from "./errors.js";

/** A JSON object. */
export type JsonObject = { readonly [key: string]: unknown };
/** Where a value sits: the file first, then keys and indices. */
export type Path = readonly (string | number)[];

/** "file: a.b[2].c" for a path and an optional last key. */
export function at(path: Path, key?: string | number): string {
  const parts = key === undefined ? path : [...path, key];
  const [file, ...rest] = parts;
  let s = "";
  for (const p of rest) s += typeof p === "number" ? `[${p}]` : s === "" ? p : `.${p}`;
  return s === "" ? String(file) : `${String(file)}: ${s}`;
}

/** A short description of a value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The value as an object, or ExperimentError. */
export function expectObject(v: unknown, path: Path): JsonObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new ExperimentError(`${at(path)}: expected an object {...}, got ${describe(v)}`);
  }
  return v as JsonObject;
}

/** ExperimentError for the first key that is not in `allowed`, listing the allowed ones. */
export function rejectUnknownKeys(o: JsonObject, path: Path, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) {
      throw new ExperimentError(
        `${at(path, key)}: unknown key; expected one of ${allowed.filter((k) => !k.startsWith("$")).join(", ")}`,
      );
    }
  }
}

/**
 * The value at `key` if it meets `constraint` (each of a list, in order), undefined when absent;
 * otherwise ExperimentError "<file>: <key>: expected <what the constraint accepts>, got <value>".
 * Every typed field of a configuration is read through this one check.
 */
export function optionalValue<T>(
  o: JsonObject,
  key: string,
  path: Path,
  constraint: Constraint<T> | readonly Constraint<unknown>[],
): T | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const all: readonly Constraint<unknown>[] = "test" in constraint ? [constraint] : constraint;
  for (const c of all) {
    if (!c.test(v))
      throw new ExperimentError(`${at(path, key)}: expected ${shortText(c)}, got ${describe(v)}`);
  }
  return v as T;
}

/** A finite number >= min (> min when `exclusive`), or undefined when absent. */
export function optionalNumber(
  o: JsonObject,
  key: string,
  path: Path,
  min: number,
  exclusive = false,
): number | undefined {
  const c =
    min === -Infinity
      ? interval("real", -Infinity, Infinity)
      : exclusive
        ? numberAbove(min)
        : numberAtLeast(min);
  return optionalValue(o, key, path, c);
}

/** An integer >= min (and meeting `more`, e.g. an upper bound), or undefined when absent. */
export function optionalInteger(
  o: JsonObject,
  key: string,
  path: Path,
  min: number,
  ...more: Constraint<number>[]
): number | undefined {
  return optionalValue<number>(o, key, path, [integerAtLeast(min), ...more]);
}

/** A required integer >= min. */
export function requireInteger(o: JsonObject, key: string, path: Path, min: number): number {
  const v = optionalInteger(o, key, path, min);
  if (v === undefined) {
    throw new ExperimentError(`${at(path, key)}: missing (expected an integer >= ${min})`);
  }
  return v;
}

/** A string, or undefined when absent. */
export function optionalString(o: JsonObject, key: string, path: Path): string | undefined {
  return optionalValue(o, key, path, isString);
}

/** A boolean, or undefined when absent. */
export function optionalBoolean(o: JsonObject, key: string, path: Path): boolean | undefined {
  return optionalValue(o, key, path, isBoolean);
}
