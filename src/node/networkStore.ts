// Reading and writing network files (memorization side) on disk.

import { readFile } from "node:fs/promises";
import {
  type NetworkDocument,
  NetworkFileError,
  networkFromJson,
  networkToJson,
} from "../memorization/networkFile.js";
import { writeFileAtomic } from "./modelStore.js";

/** Reads and validates a network file; NetworkFileError names the file. */
export async function loadNetworkFile(path: string): Promise<NetworkDocument> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NetworkFileError(
      code === "ENOENT" ? `${path}: no such network file` : `${path}: ${(e as Error).message}`,
    );
  }
  return networkFromJson(text, path);
}

/** Writes a network document atomically (the file is complete or absent). */
export async function saveNetworkFile(path: string, doc: NetworkDocument): Promise<void> {
  await writeFileAtomic(path, networkToJson(doc));
}
