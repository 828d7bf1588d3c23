// Parsers for option values, derived from the constraints of src/validation.ts: each throws
// commander's InvalidArgumentError with what was expected.

import { InvalidArgumentError } from "commander";
import * as v from "../validation.js";

const fail = (message: string) => new InvalidArgumentError(message);

/** A parser for a number meeting `constraint` (or every constraint of a list). */
export function constrained(
  constraint: v.Constraint<number> | readonly v.Constraint<number>[],
): (value: string) => number {
  return v.numberParser(constraint, fail);
}

/** An integer >= min. */
export function integerAtLeast(min: number): (value: string) => number {
  return constrained(v.integerAtLeast(min));
}

/** A finite number >= min. */
export function numberAtLeast(min: number): (value: string) => number {
  return constrained(v.numberAtLeast(min));
}

/** A finite number > min. */
export function numberAbove(min: number): (value: string) => number {
  return constrained(v.numberAbove(min));
}

/** One of the given words. */
export function oneOf<T extends string>(options: readonly T[]): (value: string) => T {
  return v.wordParser(v.strOptions(options), fail);
}

/** A comma-separated list of the given words (each once, in the order given). */
export function listOf<T extends string>(options: readonly T[]): (value: string) => T[] {
  const word = oneOf(options);
  return (value) => [...new Set(value.split(",").map((s) => word(s.trim())))];
}
