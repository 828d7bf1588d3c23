// Parsers for option values: each throws commander's InvalidArgumentError with what was expected.

import { InvalidArgumentError } from "commander";

/** An integer >= min. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got "${value}"`);
    }
    return n;
  };
}

/** A finite number >= min. */
export function numberAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min) {
      throw new InvalidArgumentError(`expected a number >= ${min}, got "${value}"`);
    }
    return n;
  };
}

/** One of the given words. */
export function oneOf<T extends string>(options: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(options as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${options.join(", ")}, got "${value}"`);
    }
    return value as T;
  };
}
