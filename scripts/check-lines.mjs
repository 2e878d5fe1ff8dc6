#!/usr/bin/env node
// `make lint`: no source file longer than the line budget, so that every file stays one job a
// reader can hold in mind: the package (ts/), the demo page (web/src/), the benchmark (bench/) and
// the Rust crates (crates/). Generated code (ts/wasm-pkg) and the bench's results and Python venv
// are not counted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGET = 400;
/** Where sources live, what counts as one, and what under it is not ours to split. */
const ROOTS = [
  { dir: 'ts', ext: ['.ts'], skip: ['ts/wasm-pkg'] },
  { dir: 'web/src', ext: ['.ts'], skip: [] },
  { dir: 'bench', ext: ['.mjs', '.js', '.ts', '.py'], skip: ['bench/results', 'bench/python/.venv'] },
  { dir: 'crates', ext: ['.rs'], skip: [] },
];
/**
 * Files allowed over the budget, each held at its size until it is split along its jobs: a
 * ceiling may only come down (a ratchet), and one above the file's size fails until lowered.
 */
const CEILINGS = {
  'crates/rnn-node/src/lib.rs': [
    674,
    'the napi bindings of every class (pass_binding! covers the two passes) and the kernel switch',
  ],
  'crates/rnn-core/src/tests.rs': [539, 'the core test suite; to split by module (test_util.rs is shared already)'],
  'crates/rnn-core/src/tangent.rs': [
    479,
    'tangent features (grouped by 4 neurons for the cache) and the teacher: two diagonal JVP kernels',
  ],
  'crates/rnn-core/src/linearize.rs': [512, 'the linearization pass and its JVP (one GD driver via trait Pass)'],
  'crates/rnn-core/src/simd.rs': [434, 'every unsafe SIMD intrinsic in one file, on purpose (lib.rs module map)'],
};

/** Every source file under root/dir with one of `ext`, the skipped folders excepted. */
function sources(root, dir, ext, skip) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return skip.includes(p) || e.name === 'node_modules' ? [] : sources(root, p, ext, skip);
    return e.isFile() && ext.some((x) => e.name.endsWith(x)) ? [p] : [];
  });
}

const lineCount = (text) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
const exists = (path) => {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * The files over their limit and the ceilings above their file's size (or whose file is gone),
 * for the tree at `root`.
 * @param {string} root
 * @param {Record<string, [number, string]>} ceilings
 */
export function checkLines(root, ceilings = CEILINGS) {
  const files = ROOTS.filter((r) => exists(join(root, r.dir))).flatMap((r) => sources(root, r.dir, r.ext, r.skip));
  const limit = (path) => ceilings[path]?.[0] ?? BUDGET;
  const sizes = new Map(files.map((path) => [path, lineCount(readFileSync(join(root, path), 'utf8'))]));
  const over = [...sizes]
    .filter(([path, lines]) => lines > limit(path))
    .map(([path, lines]) => ({ path, lines, limit: limit(path) }))
    .sort((a, b) => b.lines - a.lines);
  const stale = Object.entries(ceilings)
    .filter(([path, [max]]) => !(sizes.get(path) >= max))
    .map(([path, [max]]) => ({ path, ceiling: max, lines: sizes.get(path) ?? null }));
  return { files: sizes.size, over, stale };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files, over, stale } = checkLines(process.cwd());
  if (over.length > 0) {
    console.error(`check-lines: ${over.length} file(s) over the budget of ${BUDGET} lines (split them by job):`);
    for (const f of over) console.error(`  ${f.path}: ${f.lines} lines (limit ${f.limit})`);
  }
  if (stale.length > 0) {
    console.error("check-lines: lower these ceilings in scripts/check-lines.mjs to the files' present sizes:");
    for (const s of stale) console.error(`  ${s.path}: ceiling ${s.ceiling}, ${s.lines ?? 'no such file'}`);
  }
  if (over.length > 0 || stale.length > 0) process.exit(1);
  console.log(`check-lines: ok (${files} files in ${ROOTS.map((r) => r.dir).join(', ')})`);
}
