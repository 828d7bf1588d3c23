// Appending results rows as trials finish, so that a sweep can be killed at any moment (even
// kill -9) and resumed: each row is one write() of one complete line; on reopening, a last line
// without its newline (cut by a crash) is cut off, and the complete rows tell which trials are done.

import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { checkFault, errorCode, makeDirectory, writeFailure } from "../node/files.js";
import { csvLine } from "./csv.js";
import { ExperimentError } from "./errors.js";
import { formatRow, parseResults, type ResultRow } from "./results.js";

/** What was in a results file when it was opened for appending. */
export interface OpenedResults {
  readonly appender: ResultsAppender;
  /** Rows already in the file (complete lines only). */
  readonly rows: readonly ResultRow[];
  /** Bytes of a cut last line that were removed. */
  readonly repairedBytes: number;
  /** Rows of trials that an earlier row of the file already has (not in `rows`). */
  readonly duplicates: number;
}

/** Appends rows to a results file, one complete line per write(); fsyncs about once a second. */
export class ResultsAppender {
  private lastSync = Date.now();

  private constructor(
    private readonly fd: number,
    private readonly columns: readonly string[],
    private readonly path: string,
    private readonly lock: string,
  ) {}

  /**
   * Opens (or creates) `path` for the given header. An existing file must have exactly this
   * header (ExperimentError otherwise); a cut last line is removed.
   */
  static async open(path: string, columns: readonly string[]): Promise<OpenedResults> {
    await makeDirectory(dirname(path), (m) => new ExperimentError(m));
    const lock = acquireLock(path);
    try {
      return ResultsAppender.openLocked(path, columns, lock);
    } catch (e) {
      rmSync(lock, { force: true });
      throw e;
    }
  }

  private static openLocked(path: string, columns: readonly string[], lock: string): OpenedResults {
    let bytes: Buffer | undefined;
    try {
      if (!statSync(path).isFile()) {
        throw new ExperimentError(
          `${path}: not a regular file; a results file must be one (it is appended to and cut)`,
        );
      }
      bytes = readFileSync(path);
    } catch (e) {
      if (e instanceof ExperimentError) throw e;
      if (errorCode(e) !== "ENOENT") throw new ExperimentError(writeFailure(path, e));
    }
    const header = csvLine(columns);
    const bom = bytes !== undefined && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    if (bytes === undefined || bytes.length === 0 || bytes.indexOf(0x0a) < 0) {
      // New file, or only a cut header: start afresh.
      const fd = openOrFail(path, "w");
      try {
        writeOrFail(fd, Buffer.from(header, "utf8"), path);
        syncOrFail(fd, path);
      } catch (e) {
        closeSync(fd);
        rmSync(path, { force: true }); // no half-written header left behind
        throw e;
      }
      return {
        appender: new ResultsAppender(fd, columns, path, lock),
        rows: [],
        repairedBytes: bytes?.length ?? 0,
        duplicates: 0,
      };
    }
    const complete = bytes.lastIndexOf(0x0a) + 1;
    const text = bytes.subarray(bom ? 3 : 0, complete).toString("utf8");
    const firstLine = text.slice(0, text.indexOf("\n") + 1).replace(/\r\n$/, "\n");
    if (firstLine !== header) {
      throw new ExperimentError(
        `${path}: this results file has other columns than this experiment writes ` +
          `(${firstLine.trim()} instead of ${header.trim()}); use another --results file`,
      );
    }
    const parsed = parseResults(text, path);
    const fd = openOrFail(path, "r+");
    if (complete < bytes.length) {
      try {
        ftruncateSync(fd, complete);
      } catch (e) {
        closeSync(fd);
        throw new ExperimentError(writeFailure(path, e));
      }
      syncOrFail(fd, path);
    }
    closeSync(fd);
    const appendFd = openOrFail(path, "a");
    return {
      appender: new ResultsAppender(appendFd, columns, path, lock),
      rows: parsed.rows,
      repairedBytes: bytes.length - complete,
      duplicates: parsed.duplicates,
    };
  }

  /** True when the file holds only its header (nothing worth keeping). */
  static headerOnly(path: string, columns: readonly string[]): boolean {
    try {
      return readFileSync(path, "utf8") === csvLine(columns);
    } catch {
      return false;
    }
  }

  /** Writes one row as a single complete line. */
  append(row: ResultRow): void {
    writeOrFail(this.fd, Buffer.from(formatRow(row, this.columns), "utf8"), this.path);
    if (Date.now() - this.lastSync > 1000) this.sync();
  }

  /** Flushes the file to disk. */
  sync(): void {
    syncOrFail(this.fd, this.path);
    this.lastSync = Date.now();
  }

  /** Flushes and closes the file and releases its lock; `dropIfEmpty` removes a header-only file. */
  close(dropIfEmpty = false): void {
    try {
      this.sync();
    } finally {
      closeSync(this.fd);
      if (dropIfEmpty && ResultsAppender.headerOnly(this.path, this.columns)) {
        rmSync(this.path, { force: true });
      }
      rmSync(this.lock, { force: true });
    }
  }
}

function openOrFail(path: string, flags: string): number {
  try {
    checkFault("open", path);
    return openSync(path, flags);
  } catch (e) {
    throw new ExperimentError(writeFailure(path, e));
  }
}

function syncOrFail(fd: number, path: string): void {
  try {
    checkFault("sync", path);
    fsyncSync(fd);
  } catch (e) {
    throw new ExperimentError(writeFailure(path, e));
  }
}

/** Writes all of `bytes`; a short write (disk full …) is cut back so no fragment line stays. */
function writeOrFail(fd: number, bytes: Buffer, path: string): void {
  let written = 0;
  try {
    while (written < bytes.length) {
      checkFault("write", path);
      written += writeSync(fd, bytes, written);
    }
  } catch (e) {
    if (written > 0) {
      try {
        const size = readFileSync(path).length;
        ftruncateSync(fd, size - written);
      } catch {
        // the repair on the next open cuts the fragment instead
      }
    }
    throw new ExperimentError(writeFailure(path, e));
  }
}

/** The lock file of a results file: "<path>.lock", holding "pid host" of its writer. */
export function lockPath(path: string): string {
  return `${path}.lock`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === "EPERM";
  }
}

/**
 * Claims the results file for this process with an exclusive lock file (O_EXCL). A lock left by
 * a process of this host that no longer runs is stale and taken over; a live one is refused
 * with an ExperimentError naming its pid and host.
 */
function acquireLock(path: string): string {
  const lock = lockPath(path);
  const me = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      checkFault("open", lock);
      const fd = openSync(lock, "wx");
      try {
        writeSync(fd, me);
      } finally {
        closeSync(fd);
      }
      return lock;
    } catch (e) {
      if (errorCode(e) !== "EEXIST") throw new ExperimentError(writeFailure(lock, e));
    }
    let owner = "";
    try {
      owner = readFileSync(lock, "utf8").trim();
    } catch {
      continue; // released meanwhile: try again
    }
    const [pidText, host] = owner.split(" ");
    const pid = Number(pidText);
    const stale = host === hostname() && Number.isSafeInteger(pid) && pid > 0 && !processAlive(pid);
    if (!stale) {
      throw new ExperimentError(
        `${path} is being written by another memonet process (pid ${pidText || "?"} on ${host || "?"}); ` +
          `wait for it to finish, or remove ${lock} if that process is gone`,
      );
    }
    rmSync(lock, { force: true });
  }
  throw new ExperimentError(`${path}: cannot claim ${lock}`);
}
