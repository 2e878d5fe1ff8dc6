/** The model file rnn-gd.model/1: exact round trips and validation of every field. */
import { ValidationError } from '../../ts/core/errors.js';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initialize } from '../../ts/train/init.js';
import { MODEL_FORMAT, modelToJson, parseModelFile, readModelFile, saveModel } from '../../ts/io/model-file.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('model');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid diagonal model file object (m = 4, d = 2) to break one field at a time. */
const base = () => ({
  format: 'rnn-gd.model/1',
  recurrence: 'diagonal',
  activation: 'tanh',
  readout: 'final',
  m: 4,
  d: 2,
  alpha: 0.5,
  W: [0.1, -0.2, 0.1, -0.2],
  U: [1, 2, 3, 4, 1, 2, 3, 4],
  c: [1, 1, -1, -1],
});

const bad = (obj: unknown, pattern: RegExp) => {
  expect(() => parseModelFile(obj, 'model file x.json')).toThrow(ValidationError);
  expect(() => parseModelFile(obj, 'model file x.json')).toThrow(pattern);
};

describe('model file round trip', () => {
  it.each(['dense', 'diagonal'] as const)(
    '%s: float64 values survive JSON exactly; keys in docs/formats.md order',
    (recurrence) => {
      const p = initialize({ recurrence, activation: 'sin', readout: 'all', m: 6, d: 3, alpha: 0.7 }, { seed: 'rt' });
      // Perturb W, U away from W0, U0 with awkward doubles.
      p.W = p.W.map((v, i) => v + (i % 3 === 0 ? 1e-17 * i + 1 / 3 : -Math.PI / 1e5));
      p.U = p.U.map((v, i) => v * (1 + 2 ** -52 * i) + 5e-324);
      const json = modelToJson(p);
      expect(Object.keys(json)).toEqual([
        'format',
        'recurrence',
        'activation',
        'readout',
        'm',
        'd',
        'alpha',
        'init',
        'W',
        'U',
        'c',
        'W0',
        'U0',
      ]);
      expect(json.format).toBe(MODEL_FORMAT);
      const path = join(dir, `${recurrence}.json`);
      saveModel(path, p);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
      const text = readFileSync(path, 'utf8');
      expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(json));
      const back = readModelFile(path);
      expect(back.spec).toEqual(p.spec);
      for (const k of ['W', 'U', 'c', 'W0', 'U0'] as const) {
        expect(back[k]).toBeInstanceOf(Float64Array);
        expect(Array.from(back[k])).toEqual(Array.from(p[k]));
      }
      expect(back.W0).not.toEqual(back.W);
    },
  );

  it('W0/U0 absent: copies of W and U (not shared arrays); written back always', () => {
    const p = parseModelFile(base());
    expect(Array.from(p.W0)).toEqual(base().W);
    expect(Array.from(p.U0)).toEqual(base().U);
    p.W[0] = 99;
    expect(p.W0[0]).toBe(0.1);
    const json = modelToJson(parseModelFile(base()));
    expect(json.W0).toEqual(base().W);
    expect(json.U0).toEqual(base().U);
  });

  it('keeps a meta object and writes it last', () => {
    const p = parseModelFile({ ...base(), meta: { seed: 3, note: 'x' } });
    expect(p.meta).toEqual({ seed: 3, note: 'x' });
    expect(Object.keys(modelToJson(p)).at(-1)).toBe('meta');
  });

  it('refuses to write an invalid model', () => {
    const p = parseModelFile(base());
    p.U[3] = Number.NaN;
    expect(() => saveModel(join(dir, 'nan.json'), p)).toThrow(/field 'U' entry 3 is not a finite number/);
    expect(readdirSync(dir).some((f) => f.startsWith('nan.json'))).toBe(false);
  });
});

describe('bad model files name the field', () => {
  it('format string', () => {
    bad(
      { ...base(), format: 'rnn-gd.model/2' },
      /field 'format' is the string "rnn-gd.model\/2", expected 'rnn-gd.model\/1' \(unsupported version/,
    );
    bad({ ...base(), format: 'rnn-gd.data/1' }, /data file, not a model file/);
    const { format: _f, ...noFormat } = base();
    bad(noFormat, /field 'format' is missing/);
  });

  it('missing fields', () => {
    for (const key of ['recurrence', 'activation', 'readout', 'm', 'd', 'alpha', 'W', 'U', 'c'] as const) {
      const obj: Record<string, unknown> = base();
      delete obj[key];
      bad(obj, new RegExp(`model file x\\.json: field '${key}' is missing`));
    }
  });

  it('names and scalars', () => {
    bad({ ...base(), recurrence: 'full' }, /field 'recurrence'/);
    bad({ ...base(), activation: 'gelu' }, /field 'activation'/);
    bad({ ...base(), readout: 'last' }, /field 'readout'/);
    bad({ ...base(), m: 3, W: [1, 2, 3], U: [1, 2, 3, 4, 5, 6], c: [1, -1, 1] }, /field 'm': must be even/);
    bad({ ...base(), m: 0 }, /field 'm'/);
    bad({ ...base(), m: 4.5 }, /field 'm'/);
    bad({ ...base(), d: '2' }, /field 'd'/);
    bad({ ...base(), alpha: Number.NaN }, /field 'alpha'/);
    bad({ ...base(), alpha: Infinity }, /field 'alpha'/);
  });

  it('array lengths', () => {
    bad({ ...base(), W: [1, 2, 3] }, /field 'W' has 3 entries, expected 4 \(diagonal: m = 4\)/);
    bad({ ...base(), recurrence: 'dense' }, /field 'W' has 4 entries, expected 16 \(dense: m\*m = 4\*4\)/);
    bad({ ...base(), U: [1, 2, 3] }, /field 'U' has 3 entries, expected 8 \(m\*d = 4\*2\)/);
    bad({ ...base(), c: [1, -1] }, /field 'c' has 2 entries, expected 4/);
    bad({ ...base(), W0: [1] }, /field 'W0' has 1 entries, expected 4/);
    bad({ ...base(), U0: [] }, /field 'U0' has 0 entries, expected 8/);
  });

  it('NaN, Infinity, strings, nulls inside arrays: field and index', () => {
    bad(
      { ...base(), U: [1, 2, 3, 4, 5, 6, 7, Number.NaN] },
      /model file x\.json: field 'U' entry 7 is not a finite number \(got NaN\)/,
    );
    bad({ ...base(), W: [0, -Infinity, 0, 0] }, /field 'W' entry 1 is not a finite number \(got -Infinity\)/);
    bad({ ...base(), W0: [0, 0, '0.5', 0] }, /field 'W0' entry 2 is not a finite number \(got the string "0.5"\)/);
    bad({ ...base(), U0: [0, 0, 0, 0, 0, null, 0, 0] }, /field 'U0' entry 5 is not a finite number \(got null\)/);
    bad({ ...base(), W: 'abc' }, /field 'W' must be an array of numbers/);
    bad({ ...base(), c: [1, 1, -1, 0] }, /field 'c' entry 3 is 0; output signs must be \+1 or -1/);
  });

  it('unknown keys (typos) are refused; meta must be an object', () => {
    bad({ ...base(), Wo: [0, 0, 0, 0] }, /unknown field 'Wo' \(did you mean 'W0'\?\)/);
    bad({ ...base(), Alpha: 1 }, /unknown field 'Alpha' \(did you mean 'alpha'\?\)/);
    bad({ ...base(), comment: 'hi' }, /unknown field 'comment'.*'meta'/);
    bad({ ...base(), meta: [1] }, /field 'meta' must be an object/);
    bad([1, 2], /expected a JSON object/);
    bad(null, /expected a JSON object/);
  });

  it('files: invalid JSON and missing files name the path', () => {
    const p = join(dir, 'broken.json');
    writeFileSync(p, '{"format": "rnn-gd.model/1",');
    expect(() => readModelFile(p)).toThrow(/model file .*broken\.json: invalid JSON/);
    expect(() => readModelFile(join(dir, 'none.json'))).toThrow(/model file .*none\.json: cannot read/);
  });
});
