/**
 * scripts/check-lines.mjs (`make lint`): the line budget holds in every source room (ts/, web/src/,
 * bench/, crates/), a ceiling lets one named file exceed it only up to its size, and a ceiling
 * above its file's size (or without its file) fails until lowered.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUDGET, checkLines } from '../../scripts/check-lines.mjs';
import { tempDir } from '../support/fs.js';

interface Result {
  files: number;
  over: { path: string; lines: number; limit: number }[];
  stale: { path: string; ceiling: number; lines: number | null }[];
}
const check = checkLines as (root: string, ceilings?: Record<string, [number, string]>) => Result;

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A tree with one file of `lines` lines at each path. */
function tree(files: Record<string, number>): string {
  const root = tempDir('lines');
  roots.push(root);
  for (const [path, lines] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), 'x\n'.repeat(lines));
  }
  return root;
}

const AT_BUDGET = {
  'ts/a.ts': BUDGET,
  'web/src/train/view.ts': BUDGET,
  'bench/lib/stats.mjs': BUDGET,
  'bench/python/bench_step.py': BUDGET,
  'crates/rnn-core/src/lib.rs': BUDGET,
};

describe('check-lines', () => {
  it('passes a tree whose files are all within the budget', () => {
    expect(check(tree(AT_BUDGET), {})).toEqual({ files: 5, over: [], stale: [] });
  });

  it.each([
    ['ts', 'ts/big.ts'],
    ['web', 'web/src/lab/view.ts'],
    ['bench (script)', 'bench/run.mjs'],
    ['bench (Python)', 'bench/python/bench_step.py'],
    ['crates', 'crates/rnn-wasm/src/lib.rs'],
  ])('fails a file over the budget in %s', (_, path) => {
    const r = check(tree({ ...AT_BUDGET, [path]: BUDGET + 1 }), {});
    expect(r.over).toEqual([{ path, lines: BUDGET + 1, limit: BUDGET }]);
  });

  it('does not count generated code, bench results, the venv, or other file kinds', () => {
    const big = BUDGET + 100;
    const root = tree({
      ...AT_BUDGET,
      'ts/wasm-pkg/simd/rnn_wasm.d.ts': big,
      'bench/results/latest.json': big,
      'bench/python/.venv/lib/site.py': big,
      'web/src/style.css': big,
      'crates/rnn-core/Cargo.toml': big,
    });
    expect(check(root, {})).toEqual({ files: 5, over: [], stale: [] });
  });

  it('a ceiling allows its file up to the ceiling, and must come down when the file shrinks or goes', () => {
    const path = 'crates/rnn-core/src/tests.rs';
    const ceilings: Record<string, [number, string]> = { [path]: [500, 'reason'] };
    expect(check(tree({ ...AT_BUDGET, [path]: 500 }), ceilings)).toMatchObject({ over: [], stale: [] });
    expect(check(tree({ ...AT_BUDGET, [path]: 501 }), ceilings).over).toEqual([{ path, lines: 501, limit: 500 }]);
    expect(check(tree({ ...AT_BUDGET, [path]: 450 }), ceilings).stale).toEqual([{ path, ceiling: 500, lines: 450 }]);
    expect(check(tree(AT_BUDGET), ceilings).stale).toEqual([{ path, ceiling: 500, lines: null }]);
  });

  it("this repository's tree passes with its ceilings", () => {
    const r = check(process.cwd());
    expect(r.over).toEqual([]);
    expect(r.stale).toEqual([]);
    expect(r.files).toBeGreaterThan(200);
  });
});
