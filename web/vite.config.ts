/**
 * The demo page and the browser-test harness page, built with Vite 7 (`make web`, `make web-build`).
 * 'rnn-gd' resolves to this repository's package.json (its exports map, browser condition:
 * dist/entries/index.js with the wasm inlined), exactly as it would from node_modules: run `make build` first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('..', import.meta.url));
type Target = string | { browser?: { default: string }; default: string | { default: string } };
const exportsMap: Record<string, Target> = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')).exports;
/** 'rnn-gd/x' -> the file package.json's exports map gives a browser for './x' (one place for the paths). */
const subpaths = Object.entries(exportsMap)
  .filter(([key]) => key !== '.' && !key.endsWith('.json'))
  .map(([key, target]) => {
    const file =
      typeof target === 'string'
        ? target
        : (target.browser?.default ?? (typeof target.default === 'string' ? target.default : target.default.default));
    return { find: new RegExp(`^rnn-gd/${key.slice(2)}$`), replacement: `${repo}${file.slice(2)}` };
  });

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [{ find: /^rnn-gd$/, replacement: repo }, ...subpaths],
  },
  worker: { format: 'es' },
  // The dev server pre-bundles these at start. Without the list it finds them only when a worker
  // (comlink and its Node adapter, which the experiments worker imports only under Node; zod,
  // seedrandom, ml-matrix) or the first report (vega, vega-lite) imports them, and
  // then reloads the page ("optimized dependencies changed"), which stops a running sweep. They are
  // what the package's dist/ imports by bare name, reached from this repository (not from
  // node_modules, so Vite's scan does not see them).
  optimizeDeps: {
    include: [
      'comlink',
      'comlink/dist/esm/node-adapter.mjs',
      'zod',
      'seedrandom',
      'ml-matrix',
      'vega',
      'vega-lite',
      'marked',
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        harness: fileURLToPath(new URL('harness.html', import.meta.url)),
      },
    },
  },
  server: { fs: { allow: [repo] } },
  preview: { port: 4173 },
});
