#!/usr/bin/env node
// The shape of ts/, for a reader or a review (not a check): files and lines per top-level folder
// (a room; files directly in ts/ count as "(root)"), the largest file of each folder, and the import
// depth of each folder's modules and of ts/'s root files (0: imports no module of ts/; else 1 + the
// deepest module it imports).
//   node scripts/layout-stats.mjs [DIR]   (DIR: a checkout, default the current directory)
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { files, importsOf, resolveImport } from './lib/sources.mjs';

const dir = process.argv[2] ?? '.';
const lineCount = (text) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
const paths = files(join(dir, 'ts'), ['.ts']).map((p) => relative(dir, p).split(sep).join('/'));
const texts = new Map(paths.map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
const folderOf = (p) => (p.split('/').length > 2 ? p.split('/')[1] : '(root)');

const rooms = new Map();
for (const p of paths) {
  const r = rooms.get(folderOf(p)) ?? { files: 0, lines: 0, largest: { path: '', lines: -1 } };
  const lines = lineCount(texts.get(p));
  r.files += 1;
  r.lines += lines;
  if (lines > r.largest.lines) r.largest = { path: p, lines };
  rooms.set(folderOf(p), r);
}

const depth = new Map();
function depthOf(p, seen = new Set()) {
  if (depth.has(p)) return depth.get(p);
  if (seen.has(p)) return 0; // a cycle: counted once
  seen.add(p);
  const below = importsOf(texts.get(p))
    .map(({ spec }) => resolveImport(p, spec))
    .filter((q) => texts.has(q))
    .map((q) => depthOf(q, seen));
  const d = below.length === 0 ? 0 : 1 + Math.max(...below);
  depth.set(p, d);
  return d;
}

const depthRange = (name) => {
  const ds = paths.filter((p) => folderOf(p) === name).map((p) => depthOf(p));
  return `${Math.min(...ds)}-${Math.max(...ds)}`;
};
console.log('| folder | files | lines | largest file | its lines | import depth |');
console.log('|---|---:|---:|---|---:|---|');
for (const [name, r] of [...rooms].sort((a, b) => a[0].localeCompare(b[0])))
  console.log(`| ${name} | ${r.files} | ${r.lines} | ${r.largest.path} | ${r.largest.lines} | ${depthRange(name)} |`);
const root = paths.filter((p) => folderOf(p) === '(root)');
const depths = root.map((p) => depthOf(p));
const all = paths.map((p) => depthOf(p));
console.log(
  `\nts/: ${paths.length} files, ${[...texts.values()].reduce((s, t) => s + lineCount(t), 0)} lines; ` +
    `root: ${root.length} files, import depth ${root.length ? `${Math.min(...depths)} to ${Math.max(...depths)}` : '(none)'}; ` +
    `deepest module of ts/: ${Math.max(...all)}`,
);
