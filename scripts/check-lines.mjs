#!/usr/bin/env node
// `make lint`: no TypeScript source file under ts/ longer than the line budget, so that every file
// stays one job a reader can hold in mind. Generated code (ts/wasm-pkg) is not counted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BUDGET = 400;
/**
 * Files allowed over the budget, each held at its size until it is split along its jobs: a
 * ceiling may only come down (a ratchet). None today.
 */
const CEILINGS = {};
const ROOT = 'ts';
const GENERATED = join(ROOT, 'wasm-pkg');

/** Every .ts file under dir, generated ones excepted. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p === GENERATED ? [] : sources(p);
    return e.isFile() && e.name.endsWith('.ts') ? [p] : [];
  });
}

const lineCount = (text) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
const over = sources(ROOT)
  .map((path) => ({ path, lines: lineCount(readFileSync(path, 'utf8')) }))
  .filter((f) => f.lines > (CEILINGS[f.path] ?? BUDGET))
  .sort((a, b) => b.lines - a.lines);
if (over.length > 0) {
  console.error(`check-lines: ${over.length} file(s) over the budget of ${BUDGET} lines (split them by job):`);
  for (const f of over) console.error(`  ${f.path}: ${f.lines} lines (limit ${CEILINGS[f.path] ?? BUDGET})`);
  process.exit(1);
}
const stale = Object.entries(CEILINGS).filter(([path, max]) => {
  try {
    return lineCount(readFileSync(path, 'utf8')) < max;
  } catch {
    return true;
  }
});
if (stale.length > 0) {
  console.error("check-lines: lower these ceilings in scripts/check-lines.mjs to the files' present sizes:");
  for (const [path, max] of stale) console.error(`  ${path}: ceiling ${max}`);
  process.exit(1);
}
