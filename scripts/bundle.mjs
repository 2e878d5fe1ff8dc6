#!/usr/bin/env node
/**
 * Self-contained browser bundles for pages without a bundler (a plain <script type="module">, a
 * CDN): dist/bundle/index.js (wasm inlined) and dist/bundle/wasm-file.js (wasm by URL), plus
 * dist/bundle/memory.js and dist/bundle/data.js (the rnn-gd/memory and rnn-gd/data subpaths), with the
 * dependencies (zod, seedrandom, ...) included. Code splitting keeps each inlined wasm flavor in its
 * own chunk, loaded only when needed. dist/bundle sits at the same depth as dist/backend, so the
 * wasm-file chunk's `new URL('../wasm-pkg/...', import.meta.url)` still points at dist/wasm-pkg.
 * Run by `make build` after tsc.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { build } from 'esbuild';

const outdir = 'dist/bundle';
/** Bundle name -> the compiled entry it bundles (its types are that entry's: dist/bundle/<name>.d.ts). */
const entryPoints = {
  index: 'dist/entries/index.js',
  'wasm-file': 'dist/entries/wasm-file.js',
  memory: 'dist/entries/memory.js',
  data: 'dist/data/index.js',
};
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  // memory and data share the index bundle's chunks (one loader, one memory cap) through code splitting.
  entryPoints,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outdir,
  chunkNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
const nodeImports = Object.values(result.metafile.inputs).flatMap((i) =>
  i.imports.filter((x) => x.path.startsWith('node:')).map((x) => x.path),
);
if (nodeImports.length) {
  console.error(`bundle: the browser bundle imports Node modules: ${[...new Set(nodeImports)].join(', ')}`);
  process.exit(1);
}
for (const [name, entry] of Object.entries(entryPoints))
  writeFileSync(`${outdir}/${name}.d.ts`, `export * from '${relative(outdir, entry)}';\n`);
const sizes = Object.entries(result.metafile.outputs)
  .filter(([p]) => p.endsWith('.js'))
  .map(([p, o]) => `${p.slice(outdir.length + 1)} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.error(`bundle: ${sizes.join(', ')}`);
