#!/usr/bin/env node
// `make lint`: no dead exports. A name exported by a module under ts/ must be used by another file
// (in ts/, test/, web/ or bench/) or be part of a package entry (the modules behind package.json's
// "exports" and "bin"); otherwise it is module-private and loses its `export`. Word-level search,
// so it can only err towards keeping a name (a same-named word elsewhere).
import { readFileSync } from 'node:fs';
import { files } from './lib/sources.mjs';

/** ts/ sources of the package entries: dist/X.js (or .d.ts) -> ts/X.ts. */
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const targets = JSON.stringify([pkg.exports, pkg.bin]).match(/\.\/dist\/[^"]+?\.js/g) ?? [];
const entries = new Set(targets.map((t) => t.replace('./dist/', 'ts/').replace(/\.js$/, '.ts')));

const sources = files('ts', ['.ts']);
const users = [
  ...sources,
  ...files('test', ['.ts', '.mjs']),
  ...files('web', ['.ts']),
  ...files('bench', ['.mjs', '.ts']),
];
const texts = new Map(users.map((p) => [p, readFileSync(p, 'utf8')]));

const dead = [];
for (const path of sources) {
  if (entries.has(path)) continue;
  for (const m of texts.get(path).matchAll(/^export (?:async )?(?:function|const|class|let) ([A-Za-z0-9_$]+)/gm)) {
    const word = new RegExp(`\\b${m[1].replace('$', '\\$')}\\b`);
    if (![...texts].some(([p, text]) => p !== path && word.test(text))) dead.push(`${path}: ${m[1]}`);
  }
}
if (dead.length > 0) {
  console.error(
    `check-exports: exported but used by no other file (drop the export, or the code):\n  ${dead.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`check-exports: ok (${sources.length} files, ${entries.size} entry modules)`);
