// Finding experiments: the checked-in configurations in experiments/ (by name) or any JSON file.

import { readdir, readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { type ExperimentConfig, parseExperiment } from "./config.js";
import { ExperimentError } from "./errors.js";

/** The directory of the checked-in configurations (experiments/ at the package root). */
export function experimentsDirectory(): string {
  // This module is dist/src/sweeps/registry.js; the package root is three levels up.
  return fileURLToPath(new URL("../../../experiments/", import.meta.url));
}

/** Names of the checked-in experiments, sorted. */
export async function listExperiments(): Promise<string[]> {
  const files = await readdir(experimentsDirectory());
  return files
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/**
 * Loads an experiment by name (experiments/<name>.json) or from a path ending in .json.
 * ExperimentError for an unknown name (listing the known ones) or a malformed file.
 */
export async function loadExperiment(nameOrPath: string): Promise<ExperimentConfig> {
  const isPath = extname(nameOrPath) === ".json" || nameOrPath.includes("/");
  let file: string;
  let source: string;
  let name: string;
  if (isPath) {
    file = nameOrPath;
    source = nameOrPath;
    name = basename(nameOrPath, ".json");
  } else {
    if (!/^[A-Za-z0-9._-]+$/.test(nameOrPath)) {
      throw new ExperimentError(`unknown experiment ${JSON.stringify(nameOrPath)}`);
    }
    file = `${experimentsDirectory()}${nameOrPath}.json`;
    source = `experiments/${nameOrPath}.json`;
    name = nameOrPath;
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ExperimentError(`${source}: ${(e as Error).message}`);
    }
    if (isPath) throw new ExperimentError(`${source}: no such experiment file`);
    const known = await listExperiments();
    throw new ExperimentError(
      `unknown experiment "${nameOrPath}"; known experiments: ${known.join(", ")} ` +
        `(or give the path of a .json configuration)`,
    );
  }
  return parseExperiment(text, name, source);
}
