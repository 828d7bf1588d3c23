// memonet's version, from its package.json (for `memonet --version`).

import { readFileSync } from "node:fs";

/** The "version" of package.json (this file is dist/src/cli/version.js, three levels below). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;
