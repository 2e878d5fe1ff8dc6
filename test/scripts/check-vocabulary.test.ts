// scripts/check-vocabulary.mjs (run by `make lint`) in a copy of the tree: the real tree passes, and a
// second spelling of a vocabulary list (an array, a union type, a z.enum outside core/config.ts) fails.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScript, treeCopy } from '../support/tree-copy.js';

let remove = (): void => {};
afterEach(() => remove());

function planted(file: string, text: string): { status: number | null; out: string } {
  const copy = treeCopy();
  remove = copy.remove;
  if (text) appendFileSync(join(copy.dir, file), text);
  return runScript(copy.dir, 'check-vocabulary.mjs');
}

describe('check-vocabulary', () => {
  it('passes on the tree as it is', () => {
    const r = planted('ts/core/types.ts', '');
    expect(r.out).toMatch(/check-vocabulary: ok \(6 lists: RECURRENCES, READOUTS, W_INITS/);
    expect(r.status).toBe(0);
  });

  it('fails on a second list of the activations, in any order', () => {
    const r = planted('ts/data/pieces.ts', "\nexport const ACTS = ['sin', 'tanh', 'relu', 'sigmoid'];\n");
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/ts\/data\/pieces\.ts:\d+: a second spelling of ACTIVATIONS \(ts\/core\/activations\.ts\)/);
  });

  it('fails on a union type of the laws of w(0)', () => {
    const r = planted('ts/theory/ntk.ts', "\nexport type Law2 = 'uniform' | 'normal' | 'rademacher';\n");
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/ts\/theory\/ntk\.ts:\d+: a second spelling of W_INITS/);
  });

  it('fails on a z.enum of a core list outside core/config.ts', () => {
    const r = planted(
      'ts/data/pieces.ts',
      "\nimport { z } from 'zod';\nimport { RECURRENCES } from '../core/types.js';\nexport const s = z.enum(RECURRENCES);\n",
    );
    expect(r.status).toBe(1);
    expect(r.out).toMatch(
      /ts\/data\/pieces\.ts:\d+: z\.enum\(RECURRENCES\): use its field schema from ts\/core\/config\.ts/,
    );
  });
});
