/**
 * The demo page and the browser-test harness page, built with Vite 7 (`make web`, `make web-build`).
 * 'rnn-gd' resolves to this repository's package.json (its exports map, browser condition:
 * dist/entries/index.js with the wasm inlined), exactly as it would from node_modules: run `make build` first.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^rnn-gd$/, replacement: repo },
      { find: /^rnn-gd\/(experiments|data|theory|parallel)$/, replacement: `${repo}dist/$1/index.js` },
      { find: /^rnn-gd\/(.*)$/, replacement: `${repo}dist/$1.js` },
    ],
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
