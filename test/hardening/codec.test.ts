/**
 * The model and data codecs are symmetric (issue 22 item 11): what saveModel / writeData write,
 * loadModel / readData read back exactly (float64 bit for bit, -0 included), and what the reader
 * refuses the writer refuses too (one nesting limit); fields inherited through a prototype are not
 * fields of the file. Property tests over random float64 values (fast-check, seeded).
 */
import { tempDir } from '../support/fs.js';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { readData, writeData } from '../../ts/io/data-file.js';
import { parseDataFile } from '../../ts/io/data-json.js';
import { loadModel, parseModelFile, saveModel } from '../../ts/io/model-file.js';
import { modelToJson } from '../../ts/io/model-json.js';

const dir = tempDir('codec');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const params = initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 0.5 }, { seed: 'codec' });

/** { a: { a: ... { a: 1 } } }, `levels` objects deep. */
const nested = (levels: number): Record<string, unknown> => {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let k = 1; k < levels; k++) v = { a: v };
  return v;
};
const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((x, k) => Object.is(x, b[k]));

describe('one nesting limit for writing and reading', () => {
  it('meta 100 levels deep: saveModel refuses it (before writing), as loadModel refuses the file', async () => {
    const path = join(dir, 'deep.json');
    expect(() => saveModel(path, params, nested(100))).toThrow(/field 'meta': nested more than 64 levels/);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
    expect(() => writeData(join(dir, 'deep-data.json'), { ...randomSet(), meta: nested(100) })).toThrow(
      /field 'meta': nested more than 64 levels/,
    );
  });

  it('at the limit both agree: meta 63 levels deep (file depth 64) round-trips, 64 is refused by both', async () => {
    const ok = join(dir, 'ok.json');
    saveModel(ok, params, nested(63));
    expect((await loadModel(ok)).meta).toEqual(nested(63));
    expect(() => saveModel(join(dir, 'over.json'), params, nested(64))).toThrow(/nested more than 64/);
    // The reader refuses the same file written by hand.
    const text = readFileSync(ok, 'utf8').replace('"leaf":1', '"leaf":{"x":1}');
    const over = join(dir, 'over-by-hand.json');
    writeFileSync(over, text);
    await expect(loadModel(over)).rejects.toThrow(/nested more than 64 levels/);
  });

  it('a circular meta is refused as too deep (not a TypeError from JSON.stringify)', () => {
    const meta: Record<string, unknown> = {};
    meta.self = meta;
    expect(() => saveModel(join(dir, 'cycle.json'), params, meta)).toThrow(ValidationError);
  });
});

function randomSet() {
  return { n: 2, T: 1, d: 1, X: new Float64Array([0.5, -0]), Y: new Float64Array([-0, 1]) };
}

describe('exact float64 round trips, -0 included', () => {
  const float64 = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(-0, 0, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1074, Number.MAX_VALUE),
  );

  it('property: a model saved and loaded has the same bits in W, U, W0, U0 (-0 stays -0)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(float64, { minLength: 12, maxLength: 12 }), async (v) => {
        const p = {
          ...params,
          W: Float64Array.from(v.slice(0, 4)),
          W0: Float64Array.from(v.slice(4, 8)),
          U: params.U.map((_, k) => v[k % 12]),
          U0: params.U0.map((_, k) => v[(k + 5) % 12]),
        };
        const path = join(dir, 'rt.json');
        saveModel(path, p);
        const back = await loadModel(path);
        for (const f of ['W', 'U', 'W0', 'U0'] as const) expect(sameBits(back[f], p[f]), f).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('property: a data file written and read has the same bits in X and Y', () => {
    fc.assert(
      fc.property(fc.array(float64, { minLength: 6, maxLength: 6 }), (v) => {
        const path = join(dir, 'rt-data.json');
        writeData(path, { n: 3, T: 2, d: 1, X: Float64Array.from(v), Y: Float64Array.from(v.slice(0, 3)) });
        const back = readData(path);
        expect(sameBits(back.X, v)).toBe(true);
        expect(sameBits(back.Y, v.slice(0, 3))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('-0 in W is written as -0 in the file', () => {
    const path = join(dir, 'negzero.json');
    saveModel(path, { ...params, W: Float64Array.from([-0, 0.5, -0, 1]) });
    expect(readFileSync(path, 'utf8')).toMatch(/"W": \[-0,0\.5,-0,1\]/);
  });
});

describe('own fields only', () => {
  it('parseModelFile does not read fields inherited through the prototype', () => {
    const { W, ...rest } = modelToJson(params) as unknown as Record<string, unknown>;
    const inherits = Object.assign(Object.create({ W, meta: { from: 'prototype' } }), rest);
    expect(() => parseModelFile(inherits)).toThrow(/field 'W' is missing/);
    const withW = Object.assign(Object.create({ meta: { from: 'prototype' }, W0: [9, 9, 9, 9] }), { ...rest, W });
    const parsed = parseModelFile(withW);
    expect(parsed.meta).toBeUndefined();
    expect(Array.from(parsed.W0)).toEqual(Array.from(parsed.W)); // W0 defaults to W, not the inherited one
  });

  it('parseDataFile likewise', () => {
    const inherits = Object.assign(Object.create({ X: [1, 2] }), { format: 'rnn-gd.data/1', n: 1, T: 2, d: 1, Y: [0] });
    expect(() => parseDataFile(inherits)).toThrow(/field 'X' is missing/);
  });
});
