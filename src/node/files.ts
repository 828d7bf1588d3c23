// The one file module (Node.js only): reading whole files with typed errors (transparently
// gunzipping .gz files), atomic durable writes, and one-line messages for file-system faults.

import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import {
  type FileHandle,
  mkdir,
  open,
  readFile,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { createGunzip, gunzip } from "node:zlib";
import { DataError, FileError, MemonetError } from "../errors.js";

const gunzipAsync = promisify(gunzip);

/** The Node.js error code of a failed file-system call (ENOENT, EACCES …), if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Builds the typed error of a file-system failure from its one-line message and code. */
export type FileErrorFactory = (message: string, code: string | undefined) => MemonetError;

const asFileError: FileErrorFactory = (message, code) => new FileError(message, code);

/** How reading `path` failed, in words: "file not found", "permission denied" … */
export function readFailure(path: string, err: unknown, kind: string | undefined): string {
  switch (errorCode(err)) {
    case "ENOENT":
      return kind === undefined ? `${path}: file not found` : `${path}: no such ${kind}`;
    case "EISDIR":
      return `${path}: is a directory, expected a file`;
    case "ENOTDIR":
      return `${path}: a parent of this path is not a directory`;
    case "EACCES":
    case "EPERM":
      return `${path}: permission denied`;
    default:
      return `${path}: cannot read the file (${errorMessage(err)})`;
  }
}

/** How writing `path` failed, in words ("read-only file system", "disk full" …). */
export function writeFailure(path: string, err: unknown): string {
  const code = errorCode(err);
  const why: Record<string, string> = {
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EEXIST: "a file is in the way of a directory on the path",
    ENOTDIR: "a parent of this path is not a directory",
    ENOENT: "its directory does not exist",
    EISDIR: "is a directory",
    EMFILE: "too many open files",
  };
  const reason = code !== undefined && why[code] !== undefined ? why[code] : errorMessage(err);
  return `cannot write ${path}: ${reason}${code !== undefined ? ` (${code})` : ""}`;
}

/** A DataError for a failed file-system call on `path`, worded by the error code. */
export function fileError(path: string, err: unknown): DataError {
  return new DataError(readFailure(path, err, undefined));
}

/**
 * Reads a whole file as bytes. A failure becomes one typed error naming the path (FileError,
 * or what `makeError` builds); `kind` words "not found" as "no such <kind>".
 */
export async function readBytes(
  path: string,
  options: { kind?: string; makeError?: FileErrorFactory } = {},
): Promise<Uint8Array> {
  const makeError = options.makeError ?? asFileError;
  try {
    const info = await stat(path);
    if (info.isFile()) return plain(await readFile(path));
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    if (!info.isFIFO() && !info.isCharacterDevice()) {
      throw makeError(`${path}: not a regular file, a pipe or a terminal`, undefined);
    }
    return await readStream(path, makeError);
  } catch (err) {
    if (err instanceof MemonetError) throw err;
    throw makeError(readFailure(path, err, options.kind), errorCode(err));
  }
}

/** Bytes read from a pipe or a device (/dev/stdin …) at most; more is an error, not a hang. */
export const STREAM_LIMIT = 1 << 30;

/** Reads a pipe or character device to its end, refusing more than STREAM_LIMIT bytes. */
async function readStream(path: string, makeError: FileErrorFactory): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(1 << 20);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > STREAM_LIMIT) {
        throw makeError(
          `${path}: more than ${STREAM_LIMIT} bytes from a pipe or device; give a regular file`,
          undefined,
        );
      }
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return plain(Buffer.concat(chunks, total));
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Reads a whole UTF-8 text file (a leading byte-order mark is dropped); errors as readBytes. */
export async function readText(
  path: string,
  options: { kind?: string; makeError?: FileErrorFactory } = {},
): Promise<string> {
  const bytes = await readBytes(path, options);
  const text = new TextDecoder("utf-8").decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Temporary files of writes in progress, removed if the process is stopped by a signal. */
const pendingTemps = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const tmp of pendingTemps) rmSync(tmp, { force: true });
  pendingTemps.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal); // the default action, now that no listener is left
}

function trackTemp(tmp: string): void {
  if (pendingTemps.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  pendingTemps.add(tmp);
}

function untrackTemp(tmp: string): void {
  pendingTemps.delete(tmp);
  if (pendingTemps.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** What writeFileAtomic writes: text (UTF-8), bytes, or a sequence of both written in order. */
export type FileContents = string | Uint8Array | readonly (string | Uint8Array)[];

/**
 * Writes `contents` to `path` atomically and durably: to a fresh temporary file beside it
 * (created exclusively), fsync, rename over `path`, fsync of the directory. On any failure (and
 * on SIGINT/SIGTERM/SIGHUP during the write) the temporary file is removed and `path` is left as
 * it was; the error is one line naming the path (FileError, or what `makeError` builds).
 */
export async function writeFileAtomic(
  path: string,
  contents: FileContents,
  makeError: FileErrorFactory = asFileError,
): Promise<void> {
  const target = await writeTarget(path, makeError);
  if (target.direct) return writeDirect(path, contents, makeError);
  const real = target.path;
  const tmp = join(dirname(real), `.${basename(real)}.${randomBytes(6).toString("hex")}.tmp`);
  let handle: FileHandle | undefined;
  trackTemp(tmp);
  try {
    handle = await open(tmp, "wx", 0o666);
    await writeParts(handle, contents);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, real);
  } catch (err) {
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw makeError(writeFailure(path, err), errorCode(err));
  } finally {
    untrackTemp(tmp);
  }
  await syncDirectory(dirname(real));
}

async function writeParts(handle: FileHandle, contents: FileContents): Promise<void> {
  const parts =
    typeof contents === "string" || contents instanceof Uint8Array ? [contents] : contents;
  for (const part of parts) {
    await handle.write(typeof part === "string" ? Buffer.from(part, "utf8") : part);
  }
}

/**
 * Where an atomic write of `path` goes: the file a symbolic link points to (the link stays a
 * link), or `direct` for a pipe or character device (/dev/stdout), which a rename would replace.
 */
async function writeTarget(
  path: string,
  makeError: FileErrorFactory,
): Promise<{ path: string; direct: boolean }> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { path, direct: false }; // not there yet (or unreachable: the write says why)
  }
  const info = await stat(real);
  if (info.isFile()) return { path: real, direct: false };
  if (info.isFIFO() || info.isCharacterDevice()) return { path: real, direct: true };
  if (info.isDirectory()) throw makeError(writeFailure(path, { code: "EISDIR" }), "EISDIR");
  throw makeError(`cannot write ${path}: not a regular file, a pipe or a terminal`, undefined);
}

/** Writes to a pipe or device as it is (no temporary file, no rename, no fsync). */
async function writeDirect(
  path: string,
  contents: FileContents,
  makeError: FileErrorFactory,
): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "w");
    await writeParts(handle, contents);
  } catch (err) {
    throw makeError(writeFailure(path, err), errorCode(err));
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** fsyncs a directory so that a rename in it is durable (ignored where directories cannot be). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Some file systems (and Windows) cannot fsync a directory; the rename itself happened.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** Creates `dir` and its parents; a failure is one line naming the path. */
export async function makeDirectory(
  dir: string,
  makeError: FileErrorFactory = asFileError,
): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    const cause = await mkdirFailure(dir, err);
    throw makeError(writeFailure(cause.path, cause.err), errorCode(cause.err));
  }
}

/**
 * Why a recursive mkdir of `dir` failed, as the first directory on the path that could not be
 * made and its own error (a recursive mkdir reports ENOENT on a read-only file system).
 */
async function mkdirFailure(dir: string, err: unknown): Promise<{ path: string; err: unknown }> {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    try {
      const info = await stat(cur);
      if (!info.isDirectory()) return { path: cur, err: { code: "EEXIST" } };
      break;
    } catch (e) {
      if (errorCode(e) !== "ENOENT") return { path: cur, err: e };
    }
    const parent = dirname(cur);
    if (parent === cur) return { path: dir, err };
    missing.push(cur);
    cur = parent;
  }
  const first = missing.pop();
  if (first === undefined) return { path: dir, err };
  try {
    await mkdir(first);
    await rmdir(first).catch(() => {});
  } catch (e) {
    return { path: first, err: e };
  }
  return { path: dir, err };
}

/** True if `path` exists and is a directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** True if `path` exists and is a regular file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Decompressed size allowed when the data's own header declares none (CSV, unknown formats). */
export const DEFAULT_GZIP_LIMIT = 1 << 30;

/**
 * The total byte length that the start of an uncompressed .npy or IDX file declares (its header
 * plus its shape times the element size), or undefined for other formats.
 */
export function declaredLength(head: Uint8Array): number | undefined {
  if (
    head.length >= 10 &&
    head[0] === 0x93 &&
    String.fromCharCode(...head.subarray(1, 6)) === "NUMPY"
  ) {
    const major = head[6];
    const headerLen =
      major === 1
        ? head[8] | (head[9] << 8)
        : head.length >= 12
          ? new DataView(head.buffer, head.byteOffset).getUint32(8, true)
          : NaN;
    const start = major === 1 ? 10 : 12;
    const text = String.fromCharCode(
      ...head.subarray(start, Math.min(head.length, start + headerLen)),
    );
    const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
    const descr = /'descr'\s*:\s*'[<>|=]?[a-zA-Z](\d+)'/.exec(text);
    if (shape === null || descr === null || !Number.isFinite(headerLen)) return undefined;
    const dims = shape[1]
      .split(",")
      .filter((t) => t.trim() !== "")
      .map(Number);
    return start + headerLen + dims.reduce((a, b) => a * b, 1) * Number(descr[1]);
  }
  const sizes: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && sizes[head[2]] !== undefined) {
    const ndims = head[3];
    if (ndims < 1 || head.length < 4 + 4 * ndims) return undefined;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    let count = 1;
    for (let k = 0; k < ndims; k++) count *= view.getUint32(4 + 4 * k, false);
    return 4 + 4 * ndims + count * sizes[head[2]];
  }
  return undefined;
}

/**
 * Reads a whole file; gunzips it when it starts with the gzip magic (1f 8b) or its name ends in
 * ".gz". The decompressed size is limited to what the data's header declares (.npy, IDX) or to
 * `limit` (default 1 GiB). DataError naming the path for a missing/unreadable file, corrupt gzip
 * data or data beyond the limit.
 */
export async function readMaybeGzip(path: string, limit = DEFAULT_GZIP_LIMIT): Promise<Uint8Array> {
  const bytes = await readBytes(path, { makeError: (m) => new DataError(m) });
  const magic = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!magic && !path.toLowerCase().endsWith(".gz")) return bytes;
  if (!magic) {
    throw new DataError(
      `${path}: name ends in .gz but the file does not start with the gzip magic bytes 1f 8b ` +
        `(found ${bytes.length >= 2 ? `${hexByte(bytes[0])} ${hexByte(bytes[1])}` : `${bytes.length} bytes`})`,
    );
  }
  return gunzipLimited(bytes, path, limit);
}

/** Gunzips `bytes`, stopping with a DataError once the output passes its declared length. */
async function gunzipLimited(bytes: Uint8Array, path: string, limit: number): Promise<Uint8Array> {
  // A small first pass reads the header of the data inside, which says how long it may be.
  let head: Uint8Array;
  try {
    head = await inflatePrefix(bytes, 4096);
  } catch (err) {
    throw new DataError(`${path}: corrupt gzip data (${errorMessage(err)})`);
  }
  const declared = declaredLength(head);
  const cap = declared === undefined ? limit : Math.min(limit, declared);
  try {
    return plain(await gunzipAsync(bytes, { maxOutputLength: Math.max(1, cap) }));
  } catch (err) {
    if (errorCode(err) === "ERR_BUFFER_TOO_LARGE") {
      throw new DataError(
        `${path}: decompresses to more than ${cap} bytes` +
          (declared === undefined
            ? " (the limit for compressed input)"
            : ", the size its header declares"),
      );
    }
    throw new DataError(`${path}: corrupt gzip data (${errorMessage(err)})`);
  }
}

/** The first `n` decompressed bytes of gzip data (or all of them when shorter). */
function inflatePrefix(bytes: Uint8Array, n: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const z = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      z.removeAllListeners("data");
      z.destroy();
      resolve(plain(Buffer.concat(chunks)).subarray(0, n));
    };
    z.on("data", (c: Buffer) => {
      chunks.push(c);
      total += c.length;
      if (total >= n) done();
    });
    z.on("end", done);
    z.on("error", (e) => (total > 0 ? done() : reject(e)));
    z.end(bytes);
  });
}

/** A plain Uint8Array view of a Buffer (Buffer.slice would not copy), without copying. */
function plain(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, "0");
}
