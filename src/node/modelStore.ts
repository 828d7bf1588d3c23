// Model files on disk: atomic save (never a half-written file), validated load.

import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ModelFileError, modelFromJson, modelToJson } from "../interpolation/modelFile.js";
import type { InterpolationModel } from "../interpolation/model.js";

/**
 * Writes text to `path` atomically: to a temporary file beside it, then rename. On any failure the
 * temporary file is removed and `path` is untouched.
 */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new ModelFileError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Saves a model in the model file format (JSON), atomically. */
export async function saveModel(path: string, model: InterpolationModel): Promise<void> {
  await writeFileAtomic(path, modelToJson(model));
}

/** Loads and validates a model file; ModelFileError names the file and the problem. */
export async function loadModel(path: string): Promise<InterpolationModel> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      code === "ENOENT" ? `${path}: no such model file` : `${path}: ${(e as Error).message}`,
    );
  }
  return modelFromJson(text, path);
}
