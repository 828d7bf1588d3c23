// The one error boundary of the CLI: every error in what the user gave — a MemonetError or a bad
// option value that commander finds — becomes one line `memonet: error: …` on stderr and exit 1;
// a command line naming an unknown command or option, or with a wrong number of arguments,
// exits 2; an interrupted sweep exits 128 + the signal's number.

import { constants } from "node:os";
import { type Command, CommanderError } from "commander";
import { InterruptedError, isUserError } from "../errors.js";

/** Commander's codes for a command line it cannot parse (exit 2); other codes are bad values. */
const USAGE_CODES = new Set([
  "commander.unknownOption",
  "commander.unknownCommand",
  "commander.excessArguments",
  "commander.missingArgument",
]);

/** The first long flag of commander's flags text: "-n, --n <n>" → "--n". */
function flagOf(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags.split(/[ ,]/)[0];
}

/**
 * Commander's message in memonet's words: `--lambda: expected a number >= 0, got "-1"` for
 * commander's "option '--lambda <λ>' argument '-1' is invalid. expected …".
 */
export function commanderMessage(text: string): string {
  const s = text
    .trim()
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ");
  let m = /^option '([^']+)' argument '(.*)' is invalid\. (.*)$/.exec(s);
  if (m !== null) {
    const [, flags, value, reason] = m;
    const choices = /^Allowed choices are (.*?)\.?$/.exec(reason);
    const why = choices !== null ? `expected one of ${choices[1]}` : reason;
    return `${flagOf(flags)}: ${why}${/\bgot\b/.test(why) ? "" : `, got "${value}"`}`;
  }
  m = /^command-argument value '(.*)' is invalid for argument '([^']+)'\. (.*)$/.exec(s);
  if (m !== null) return `<${m[2]}>: ${m[3]}${/\bgot\b/.test(m[3]) ? "" : `, got "${m[1]}"`}`;
  m = /^option '([^']+)' argument missing$/.exec(s);
  if (m !== null) return `${flagOf(m[1])} needs a value (${m[1]})`;
  m = /^required option '([^']+)' not specified$/.exec(s);
  if (m !== null) return `${flagOf(m[1])} is required (${m[1]})`;
  m = /^option '([^']+)' cannot be used with option '([^']+)'$/.exec(s);
  if (m !== null) return `${flagOf(m[1])} cannot be used with ${flagOf(m[2])}`;
  return s;
}

/**
 * Sets the program up for the boundary: commander throws instead of exiting, and prints its
 * errors as one `memonet: error: … (see --help)` line on stderr. Call before adding commands
 * (they inherit it).
 */
export function configureProgram(program: Command): Command {
  return program.exitOverride().configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`memonet: error: ${commanderMessage(s)} (see --help)\n`),
  });
}

/** The exit status of a process stopped by `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: string | undefined): number {
  const n =
    signal === undefined ? undefined : (constants.signals as Record<string, number>)[signal];
  return 128 + (n ?? constants.signals.SIGINT);
}

/**
 * Runs `program` on `argv` (without node and script) and returns the exit code: 0 on success
 * (and for --help, --version); 1 for a user error or a bad option value (one line on stderr);
 * 2 for an unknown command or option or a wrong number of arguments; 128 + n when a sweep was
 * interrupted by signal n (its message says how many rows were saved). Any other error is a bug
 * and is rethrown with its stack.
 */
export async function runProgram(program: Command, argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed the message (or help/version, with exit code 0).
      if (e.exitCode === 0) return 0;
      return USAGE_CODES.has(e.code) || e.code.startsWith("commander.help") ? 2 : 1;
    }
    if (e instanceof InterruptedError) {
      process.stderr.write(`memonet: ${e.message.replace(/\s*\n\s*/g, " ")}\n`);
      return signalExitCode(e.signal);
    }
    if (isUserError(e)) {
      const line = e.message.replace(/\s*\n\s*/g, " ");
      process.stderr.write(`memonet: error: ${line}\n`);
      return 1;
    }
    throw e;
  }
}
