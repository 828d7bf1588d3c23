// The one user-error boundary of the CLI: a MemonetError becomes one line on stderr and exit 1.

import { type Command, CommanderError } from "commander";
import { isUserError } from "../errors.js";

/**
 * Sets the program up for the boundary: commander throws instead of exiting, and prints its usage
 * errors as one `memonet: error: … (see --help)` line on stderr. Call before adding commands
 * (they inherit it).
 */
export function configureProgram(program: Command): Command {
  return program.exitOverride().configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => {
      const line = s
        .trim()
        .replace(/^error: /, "")
        .replace(/\s*\n\s*/g, " ");
      write(`memonet: error: ${line} (see --help)\n`);
    },
  });
}

/**
 * Runs `program` on `argv` (without node and script) and returns the exit code: 0 on success,
 * 2 for a usage error (commander has printed it), 1 for a user error (printed here as one
 * `memonet: error: …` line). Any other error is a bug and is rethrown with its stack.
 */
export async function runProgram(program: Command, argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed the message (or help/version, with exit code 0).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(e)) {
      const line = e.message.replace(/\s*\n\s*/g, " ");
      process.stderr.write(`memonet: error: ${line}\n`);
      return 1;
    }
    throw e;
  }
}
