// Model files on disk: atomic durable save (never a half-written file), validated load.

import type { InterpolationModel } from "../dfg/model.js";
import {
  ModelFileError,
  type ModelWriteOptions,
  modelFromJson,
  modelToJson,
} from "../dfg/modelFile.js";
import { type FileContents, readText, writeFileAtomic as writeAtomic } from "./files.js";

/**
 * Writes `contents` to `path` atomically and durably (see files.ts); a failure is a
 * ModelFileError naming the path. Kept for callers of the former model-only writer.
 */
export async function writeFileAtomic(path: string, contents: FileContents): Promise<void> {
  await writeAtomic(path, contents, (m) => new ModelFileError(m));
}

/** Saves a model in the model file format (JSON), atomically (timings left out by default). */
export async function saveModel(
  path: string,
  model: InterpolationModel,
  options: ModelWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, modelToJson(model, options));
}

/** Loads and validates a model file; ModelFileError names the file and the problem. */
export async function loadModel(path: string): Promise<InterpolationModel> {
  const text = await readText(path, {
    kind: "model file",
    makeError: (m) => new ModelFileError(m),
  });
  return modelFromJson(text, path);
}
