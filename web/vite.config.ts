// Vite configuration of the playground: a static single-page app. The dev and preview servers
// send the cross-origin isolation headers that shared WebAssembly memory needs; a static host
// without them still works (the kernels fall back to single-threaded code where needed).
import { defineConfig } from "vite";

const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: "es" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
});
