// Model files (memonet fit) and network files (memonet memorize) look alike — JSON with a
// "format" field — so a file given to the wrong command is refused with the command to use.

import { ModelFileError, NetworkFileError } from "../errors.js";
import type { InterpolationModel } from "../dfg/model.js";
import { MODEL_FORMAT } from "../dfg/modelFile.js";
import { NETWORK_FORMAT, type NetworkDocument } from "../vys/networkFile.js";
import { readText } from "../node/files.js";
import { loadModel } from "../node/modelStore.js";
import { loadNetworkFile } from "../node/networkStore.js";

/** The "format" field of a JSON file, or undefined when it cannot be read as one. */
async function formatOf(path: string): Promise<string | undefined> {
  try {
    const doc: unknown = JSON.parse(await readText(path));
    if (typeof doc === "object" && doc !== null && "format" in doc) {
      return typeof doc.format === "string" ? doc.format : undefined;
    }
  } catch {
    // not readable or not JSON: the loader's own error says so
  }
  return undefined;
}

/**
 * Loads a model file for `command` (info, eval, export); a network file is refused with a
 * ModelFileError pointing to `memonet verify`.
 */
export async function loadModelFor(command: string, path: string): Promise<InterpolationModel> {
  try {
    return await loadModel(path);
  } catch (e) {
    if (e instanceof ModelFileError && (await formatOf(path)) === NETWORK_FORMAT) {
      throw new ModelFileError(
        `${path} is a network file (memonet memorize, Vardi–Yehudai–Shamir), not a model file of ` +
          `memonet fit, which ${command} reads: check it on data with memonet verify ${path} <data options>`,
      );
    }
    throw e;
  }
}

/** Loads a network file for verify; a model file is refused pointing to `memonet eval`/`info`. */
export async function loadNetworkFor(path: string): Promise<NetworkDocument> {
  try {
    return await loadNetworkFile(path);
  } catch (e) {
    if (e instanceof NetworkFileError && (await formatOf(path)) === MODEL_FORMAT) {
      throw new NetworkFileError(
        `${path} is a model file (memonet fit, Dirksen–Finke–Genzel), not a network file of ` +
          `memonet memorize, which verify reads: score it with memonet eval ${path} <data options>, ` +
          `or see it with memonet info ${path}`,
      );
    }
    throw e;
  }
}
