// scripts/check-layers.mjs (run by `make lint`) in a copy of the tree: the real tree passes, and each
// planted breach of the room table fails it with a message naming the file, the line and the rooms.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScript, treeCopy as copyTree } from '../support/tree-copy.js';

let remove = (): void => {};
afterEach(() => remove());

function treeCopy(): string {
  const copy = copyTree();
  remove = copy.remove;
  return copy.dir;
}

const checkLayers = (dir: string): { status: number | null; out: string } => runScript(dir, 'check-layers.mjs');

describe('check-layers', () => {
  it('passes on the tree as it is', () => {
    const r = checkLayers(treeCopy());
    expect(r.out).toMatch(/check-layers: ok/);
    expect(r.status).toBe(0);
  });

  it('fails on an import against the table (a core module importing the CLI)', () => {
    const dir = treeCopy();
    appendFileSync(join(dir, 'ts/core/types.ts'), "\nexport { parseCount } from '../cli/options.js';\n");
    const r = checkLayers(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(
      /ts\/core\/types\.ts:\d+: imports '\.\.\/cli\/options\.js' \(room cli\); room core may import nothing/,
    );
  });

  it('fails on a type-only import against the table', () => {
    const dir = treeCopy();
    const file = join(dir, 'ts/backend/checks.ts');
    writeFileSync(file, "import type { Trainer } from '../train/trainer.js';\n" + readFileSync(file, 'utf8'));
    const r = checkLayers(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(
      /ts\/backend\/checks\.ts:1: imports '\.\.\/train\/trainer\.js' \(room train\); room backend may import core/,
    );
  });

  it('fails when the point runner goes around its door to theory', () => {
    const dir = treeCopy();
    appendFileSync(join(dir, 'ts/experiments/point.ts'), "\nexport { bounds } from '../theory/bounds.js';\n");
    const r = checkLayers(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(
      /ts\/experiments\/point\.ts:\d+: imports '\.\.\/theory\/bounds\.js' \(room theory\) around ts\/experiments\/deps\.ts/,
    );
  });

  it('fails on a module in no room', () => {
    const dir = treeCopy();
    mkdirSync(join(dir, 'ts/attic'));
    writeFileSync(join(dir, 'ts/attic/old.ts'), 'export const old = 1;\n');
    const r = checkLayers(dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain('ts/attic/old.ts: in no room');
  });

  it("fails when the README's room table is edited by hand or names a missing module", () => {
    const dir = treeCopy();
    const readme = join(dir, 'README.md');
    const text = readFileSync(readme, 'utf8');
    writeFileSync(
      readme,
      text.replace('| theory | `ts/theory/` |', '| theory (edited) | `ts/theory/` |') + '\nSee `ts/gone.ts`.\n',
    );
    const r = checkLayers(dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain('README.md: the room table differs from scripts/check-layers.mjs');
    expect(r.out).toContain('README.md: names ts/gone.ts, which does not exist');
    expect(runScript(dir, 'check-layers.mjs', '--write').status).toBe(1);
    expect(readFileSync(readme, 'utf8')).toContain('| theory | `ts/theory/` |');
  });
});
