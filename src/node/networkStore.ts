// Reading and writing network files (memorization side) on disk.

import {
  type NetworkDocument,
  NetworkFileError,
  networkFromJson,
  networkToJson,
} from "../vys/networkFile.js";
import { readText, writeFileAtomic } from "./files.js";

/** Reads and validates a network file; NetworkFileError names the file. */
export async function loadNetworkFile(path: string): Promise<NetworkDocument> {
  const text = await readText(path, {
    kind: "network file",
    makeError: (m) => new NetworkFileError(m),
  });
  return networkFromJson(text, path);
}

/**
 * Writes a network document atomically and durably (the file is complete or absent); timings
 * are left out unless `timings` (byte-reproducible files).
 */
export async function saveNetworkFile(
  path: string,
  doc: NetworkDocument,
  options: { readonly timings?: boolean } = {},
): Promise<void> {
  await writeFileAtomic(
    path,
    networkToJson(doc, { timings: options.timings === true }),
    (m) => new NetworkFileError(m),
  );
}
