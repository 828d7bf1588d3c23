// The error hierarchy of memonet. Every error caused by user input (data, options, files,
// configurations, an unavailable backend, a call out of order, a network that fails its check)
// is a MemonetError: the CLI prints its message as one line, `memonet: error: …`, and exits 1.
// Any other error is a bug. Browser-safe (no Node.js imports).

/** C0 controls but the tab, DEL, and the line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g;

/**
 * `message` on one line: line breaks and other control characters (which messages quoting a
 * file's contents may carry) written as escapes, \n or \u0000.
 */
export function oneLine(message: string): string {
  return message.replace(CONTROL, (c) =>
    c === "\n" ? "\\n" : c === "\r" ? "\\r" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Base class of every user-facing memonet error; its message names the file, row or option,
 * and is always one line (see oneLine).
 */
export class MemonetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(oneLine(message), options);
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** A problem with user-supplied data: the message names the file, row or option. */
export class DataError extends MemonetError {}

/** An invalid option or hyperparameter value; the message names the option. */
export class OptionError extends MemonetError {}

/** A model file that cannot be read or written; the message says what is wrong and where. */
export class ModelFileError extends MemonetError {}

/** A network file that cannot be read or written; the message names the file and the field. */
export class NetworkFileError extends MemonetError {}

/**
 * A problem in user input to an experiment: an unknown experiment, a malformed configuration
 * (the message names the file and key), a results file with missing columns, a bad shard.
 */
export class ExperimentError extends MemonetError {}

/** A results file that cannot be used (locked by another writer, bad columns, duplicate rows). */
export class ResultsFileError extends ExperimentError {}

/** A file-system failure (not found, permission denied, read-only, disk full) naming the path. */
export class FileError extends MemonetError {
  constructor(
    message: string,
    /** The Node.js error code (ENOENT, EACCES, EROFS, ENOSPC …) when there was one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A kernel backend that was asked for by name but cannot load here. */
export class BackendUnavailableError extends MemonetError {}

/** A method that needs a fitted estimator was called before fit(). */
export class NotFittedError extends MemonetError {}

/** A network that does not memorize the data it was checked against. */
export class VerificationError extends MemonetError {}

/** A computation stopped because it would exceed a resource budget (time, memory, size). */
export class ResourceLimitError extends MemonetError {}

/** A model that cannot be exported to the format asked for (e.g. ONNX). */
export class ExportError extends MemonetError {}

/**
 * A computation stopped on request (SIGINT/SIGTERM or an AbortSignal); whatever it had saved is
 * kept, and the message says so. `signal` names the signal when there was one.
 */
export class InterruptedError extends MemonetError {
  constructor(
    message: string,
    readonly signal?: string,
  ) {
    super(message);
  }
}

/**
 * The errors that cross worker threads by name: a worker posts `{ name, message }` and the
 * parent rebuilds the same class with errorFromName.
 */
export const ERROR_CLASSES = {
  MemonetError,
  DataError,
  OptionError,
  ModelFileError,
  NetworkFileError,
  ExperimentError,
  ResultsFileError,
  FileError,
  BackendUnavailableError,
  NotFittedError,
  VerificationError,
  ResourceLimitError,
  ExportError,
} as const satisfies Record<string, new (message: string) => MemonetError>;

/** The MemonetError class named `name` rebuilt with `message`, or undefined for other names. */
export function errorFromName(name: string, message: string): MemonetError | undefined {
  const cls = (ERROR_CLASSES as Record<string, new (message: string) => MemonetError>)[name];
  return Object.hasOwn(ERROR_CLASSES, name) && cls !== undefined ? new cls(message) : undefined;
}

/** True for errors caused by user input (printed as one line by the CLI). */
export function isUserError(e: unknown): e is MemonetError {
  return e instanceof MemonetError;
}
