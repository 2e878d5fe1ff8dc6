/** Data sets on disk: rnn-gd.data/1 JSON and X.npy/Y.npy, round trips, dispatch and validation. */
import { ValidationError } from '../../ts/core/errors.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataToJson, parseDataFile, readData, writeData } from '../../ts/io/data-file.js';
import { writeNpy } from '../../ts/io/npy.js';
import type { Dataset } from '../../ts/core/types.js';
import { PYTHON, requireNumpy } from '../python.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sample(
  n: number,
  T: number,
  d: number,
  all: boolean,
  Arr: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array,
): Dataset {
  const make = (values: number[]) => (Arr === Float32Array ? Float32Array.from(values) : Float64Array.from(values));
  return {
    n,
    T,
    d,
    X: make(Array.from({ length: n * T * d }, (_, i) => Math.sin(i * 1.7) / 3 + 1e-17 * i)),
    Y: make(Array.from({ length: all ? n * T : n }, (_, i) => Math.cos(i) * Math.PI)),
  };
}

const same = (a: Dataset, b: Dataset) => {
  expect([a.n, a.T, a.d]).toEqual([b.n, b.T, b.d]);
  expect(Array.from(a.X)).toEqual(Array.from(b.X));
  expect(Array.from(a.Y)).toEqual(Array.from(b.Y));
};

const bad = (obj: unknown, pattern: RegExp) => {
  expect(() => parseDataFile(obj, 'data file d.json')).toThrow(ValidationError);
  expect(() => parseDataFile(obj, 'data file d.json')).toThrow(pattern);
};

describe('JSON data files', () => {
  it.each([false, true])('round trip is exact (readout all: %s), keys in order, meta kept', (all) => {
    const ds = { ...sample(3, 5, 2, all), meta: { generator: 'test', seed: 7 } };
    const json = dataToJson(ds);
    expect(Object.keys(json)).toEqual(['format', 'n', 'T', 'd', 'X', 'Y', 'meta']);
    const p = join(dir, `d-${all}.json`);
    expect(writeData(p, ds)).toEqual([p]);
    const back = readData(p);
    same(back, ds);
    expect(back.X).toBeInstanceOf(Float64Array);
    expect(back.meta).toEqual(ds.meta);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('bad files name the field', () => {
    const good = dataToJson(sample(2, 3, 2, false));
    bad({ ...good, format: 'rnn-gd.model/1' }, /field 'format' .*model file, not a data file/);
    bad({ ...good, n: 0 }, /field 'n' must be a positive integer/);
    bad({ ...good, T: 2.5 }, /field 'T' must be a positive integer/);
    bad({ ...good, d: '2' }, /field 'd' must be a positive integer/);
    bad({ ...good, X: good.X.slice(1) }, /field 'X' has 11 entries, expected 12 \(n\*T\*d = 2\*3\*2\)/);
    bad(
      { ...good, Y: [1, 2, 3] },
      /field 'Y' has 3 entries, expected n = 2 \(readout final\) or n\*T = 6 \(readout all\)/,
    );
    bad(
      { ...good, X: [...good.X.slice(0, 4), Number.NaN, ...good.X.slice(5)] },
      /data file d\.json: field 'X' entry 4 is not a finite number \(got NaN\)/,
    );
    bad({ ...good, Y: [1, 'x'] }, /field 'Y' entry 1 is not a finite number \(got the string "x"\)/);
    bad({ ...good, y: [1, 2] }, /unknown field 'y' \(did you mean 'Y'\?\)/);
    bad({ ...good, meta: 'seed 1' }, /field 'meta' must be an object/);
    const { X: _x, ...noX } = good;
    bad(noX, /field 'X' is missing/);
  });
});

describe('NumPy data sets', () => {
  it.each([
    ['float32, readout final', sample(4, 3, 2, false, Float32Array), '<f4'],
    ['float64, readout all', sample(2, 5, 3, true), '<f8'],
  ] as const)('directory round trip (%s) keeps the dtype', (_name, ds, dtype) => {
    const p = join(dir, `npy-${dtype}-${ds.Y.length}`);
    expect(writeData(p, ds)).toEqual([join(p, 'X.npy'), join(p, 'Y.npy')]);
    const back = readData(p);
    same(back, ds);
    expect(back.X.constructor).toBe(ds.X.constructor);
    // Also through the X.npy path.
    same(readData(join(p, 'X.npy')), ds);
  });

  it('<prefix>X.npy with <prefix>Y.npy beside it; dtype option', () => {
    const ds = sample(3, 2, 1, true);
    const x = join(dir, 'train.X.npy');
    expect(writeData(x, ds, { dtype: '<f4' })).toEqual([x, join(dir, 'train.Y.npy')]);
    const back = readData(x);
    expect(back.X).toBeInstanceOf(Float32Array);
    expect(Array.from(back.X)).toEqual(Array.from(Float32Array.from(ds.X)));
    expect(() => readData(join(dir, 'train.Y.npy'))).toThrow(/give the inputs file/);
  });

  it("format 'both': data.json + X.npy + Y.npy; a directory prefers data.json", () => {
    const ds = { ...sample(2, 2, 2, false), meta: { kind: 'both' } };
    const p = join(dir, 'both');
    expect(writeData(p, ds, { format: 'both' })).toEqual([join(p, 'data.json'), join(p, 'X.npy'), join(p, 'Y.npy')]);
    const back = readData(p);
    same(back, ds);
    expect(back.meta).toEqual({ kind: 'both' });
  });

  it('bad pairs: missing Y, wrong ranks and shapes, NaN, empty dir, missing path', () => {
    const p = join(dir, 'badpairs');
    mkdirSync(p, { recursive: true });
    expect(() => readData(p)).toThrow(/neither data\.json nor X\.npy/);
    writeNpy(join(p, 'X.npy'), new Float64Array(12), [2, 3, 2]);
    expect(() => readData(p)).toThrow(/Y\.npy is missing/);
    writeNpy(join(p, 'Y.npy'), new Float64Array(3), [3]);
    expect(() => readData(p)).toThrow(
      /Y must have shape \(2,\) \(readout final\) or \(2, 3\) \(readout all\).*got \(3,\)/,
    );
    writeNpy(join(p, 'Y.npy'), new Float64Array(6), [3, 2]);
    expect(() => readData(p)).toThrow(/got \(3, 2\)/);
    writeNpy(join(p, 'Y.npy'), [1, Number.NaN], [2]);
    expect(() => readData(p)).toThrow(/field 'Y' entry 1 is not a finite number/);
    writeNpy(join(p, 'X.npy'), new Float64Array(12), [2, 6]);
    expect(() => readData(p)).toThrow(/X must have shape \(n, T, d\), got \(2, 6\)/);
    expect(() => readData(join(dir, 'missing'))).toThrow(/no such file or directory/);
    writeFileSync(join(dir, 'notjson.json'), 'nope');
    expect(() => readData(join(dir, 'notjson.json'))).toThrow(/invalid JSON/);
  });

  it('reads a data set that NumPy wrote', () => {
    requireNumpy();
    const p = join(dir, 'from-numpy');
    mkdirSync(p, { recursive: true });
    const r = spawnSync(
      PYTHON,
      [
        '-c',
        `
import numpy as np
X = (np.arange(2 * 3 * 2, dtype=np.float64) / 8).reshape(2, 3, 2)
np.save(${JSON.stringify(join(p, 'X.npy'))}, X)
np.save(${JSON.stringify(join(p, 'Y.npy'))}, np.array([[0.5, 1, 2], [3, 4, 5.25]], dtype=np.float32))
`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const ds = readData(p);
    expect([ds.n, ds.T, ds.d]).toEqual([2, 3, 2]);
    expect(Array.from(ds.X)).toEqual(Array.from({ length: 12 }, (_, i) => i / 8));
    expect(ds.Y).toBeInstanceOf(Float32Array);
    expect(Array.from(ds.Y)).toEqual([0.5, 1, 2, 3, 4, 5.25]);
  });
});
