// Reading whole files from disk, transparently gunzipping .gz files (Node.js only).

import { readFile, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { DataError } from "../data/dataset.js";

const gunzipAsync = promisify(gunzip);

function errorCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A DataError for a failed file-system call on `path`, worded by the error code. */
export function fileError(path: string, err: unknown): DataError {
  switch (errorCode(err)) {
    case "ENOENT":
      return new DataError(`${path}: file not found`);
    case "EISDIR":
      return new DataError(`${path}: is a directory, expected a file`);
    case "EACCES":
    case "EPERM":
      return new DataError(`${path}: permission denied`);
    default:
      return new DataError(`${path}: cannot read the file (${errorMessage(err)})`);
  }
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

/**
 * Reads a whole file; gunzips it when it starts with the gzip magic (1f 8b) or its name ends in
 * ".gz". DataError naming the path for a missing/unreadable file or corrupt gzip data.
 */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = plain(await readFile(path));
  } catch (err) {
    throw fileError(path, err);
  }
  const magic = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!magic && !path.toLowerCase().endsWith(".gz")) return bytes;
  if (!magic) {
    throw new DataError(
      `${path}: name ends in .gz but the file does not start with the gzip magic bytes 1f 8b ` +
        `(found ${bytes.length >= 2 ? `${hexByte(bytes[0])} ${hexByte(bytes[1])}` : `${bytes.length} bytes`})`,
    );
  }
  try {
    return plain(await gunzipAsync(bytes));
  } catch (err) {
    throw new DataError(`${path}: corrupt gzip data (${errorMessage(err)})`);
  }
}

/** A plain Uint8Array view of a Buffer (Buffer.slice would not copy), without copying. */
function plain(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function hexByte(b: number): string {
  return b.toString(16).padStart(2, "0");
}
