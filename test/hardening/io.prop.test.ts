/**
 * Property: the model and data JSON parsers and the .npy reader take any bytes / any JSON and either
 * return something valid or throw a ValidationError naming the field (or the file problem).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialize } from '../../ts/train/init.js';
import { parseDataFile } from '../../ts/io/data-file.js';
import { modelToJson, parseModelFile } from '../../ts/io/model-file.js';
import { encodeNpy, parseNpy } from '../../ts/io/npy.js';
import { assertAllFinite, expectClean } from '../support/cli.js';

const nastyNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, 1, -1, 0.5, 1e300, 2 ** 32 + 2, 2 ** 53 + 2, 3.5e38),
  fc.integer({ min: -5, max: 40 }),
  fc.double(),
);
const jsonish = fc.oneof(
  nastyNumber,
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.boolean(),
  fc.array(nastyNumber, { maxLength: 6 }),
  fc.object({ maxDepth: 1 }),
);

const validModel = () =>
  modelToJson(initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 0.5 }, { seed: 3 })) as unknown as Record<
    string,
    unknown
  >;
const validDense = () =>
  modelToJson(
    initialize({ recurrence: 'dense', m: 4, d: 2, alpha: 0.5, readout: 'all' }, { seed: 3 }),
  ) as unknown as Record<string, unknown>;
const validData = (): Record<string, unknown> => ({
  format: 'rnn-gd.data/1',
  n: 3,
  T: 2,
  d: 2,
  X: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0, 0],
  Y: [1, 2, 3],
});

/** A mutation of a valid object: drop, replace, add, or damage one array entry / its length. */
const mutation = (keys: string[]) =>
  fc.oneof(
    fc.record({ op: fc.constant('drop' as const), key: fc.constantFrom(...keys) }),
    fc.record({
      op: fc.constant('set' as const),
      key: fc.constantFrom(...keys, 'extra', 'W1', 'meta'),
      value: jsonish,
    }),
    fc.record({ op: fc.constant('entry' as const), key: fc.constantFrom(...keys), index: fc.nat(20), value: jsonish }),
    fc.record({
      op: fc.constant('length' as const),
      key: fc.constantFrom(...keys),
      delta: fc.integer({ min: -3, max: 3 }),
    }),
  );
type Mutation =
  | { op: 'drop'; key: string }
  | { op: 'set'; key: string; value: unknown }
  | { op: 'entry'; key: string; index: number; value: unknown }
  | { op: 'length'; key: string; delta: number };

function mutate(obj: Record<string, unknown>, muts: Mutation[]): Record<string, unknown> {
  const o: Record<string, unknown> = structuredClone(obj);
  for (const m of muts) {
    if (m.op === 'drop') delete o[m.key];
    else if (m.op === 'set') o[m.key] = m.value;
    else if (Array.isArray(o[m.key])) {
      const a = o[m.key] as unknown[];
      if (m.op === 'entry') a[m.index % Math.max(1, a.length)] = m.value;
      else if (m.delta > 0) for (let k = 0; k < m.delta; k++) a.push(0.5);
      else a.length = Math.max(0, a.length + m.delta);
    }
  }
  return o;
}

describe('model file JSON (parseModelFile)', () => {
  const keys = ['format', 'recurrence', 'activation', 'readout', 'm', 'd', 'alpha', 'W', 'U', 'c', 'W0', 'U0'];
  it('mutated model files parse into valid models or name the field', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(mutation(keys), { minLength: 1, maxLength: 3 }), (dense, muts) => {
        const json = mutate(dense ? validDense() : validModel(), muts as Mutation[]);
        expectClean(() => parseModelFile(json), {
          names: /field '|expected a JSON object/,
          check: (p) => {
            assertAllFinite(p.W);
            assertAllFinite(p.U);
            assertAllFinite(p.W0);
            assertAllFinite(p.U0);
          },
        });
      }),
      { numRuns: 1500 },
    );
  });
  it('any JSON value: a clear error', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (json) => {
        expectClean(() => parseModelFile(json), { names: /field '|expected a JSON object/ });
      }),
      { numRuns: 500 },
    );
  });
});

describe('data file JSON (parseDataFile)', () => {
  const keys = ['format', 'n', 'T', 'd', 'X', 'Y'];
  it('mutated data files parse into consistent data sets or name the field', () => {
    fc.assert(
      fc.property(fc.array(mutation(keys), { minLength: 1, maxLength: 3 }), (muts) => {
        const json = mutate(validData(), muts as Mutation[]);
        expectClean(() => parseDataFile(json), {
          names: /field '|expected a JSON object/,
          check: (ds) => {
            expect(ds.X.length).toBe(ds.n * ds.T * ds.d);
            expect([ds.n, ds.n * ds.T]).toContain(ds.Y.length);
            assertAllFinite(ds.X);
            assertAllFinite(ds.Y);
          },
        });
      }),
      { numRuns: 1500 },
    );
  });
  it('absurd sizes are refused before any allocation (no RangeError, no hang)', () => {
    for (const [n, T, d] of [
      [2 ** 40, 2 ** 40, 2 ** 40],
      [2 ** 53 - 1, 1, 1],
      [1e9, 1e9, 1],
    ]) {
      const t0 = Date.now();
      expectClean(() => parseDataFile({ ...validData(), n, T, d }), { names: /field 'X'/ });
      expect(Date.now() - t0).toBeLessThan(1000);
    }
  });
});

describe('.npy reader (parseNpy)', () => {
  const valid = encodeNpy(
    Float64Array.from({ length: 24 }, (_, i) => i / 7),
    [2, 3, 4],
  );
  const valid32 = encodeNpy(
    Float32Array.from({ length: 6 }, (_, i) => i),
    [6],
    '<f4',
  );
  const check = (a: ReturnType<typeof parseNpy>) => {
    expect(a.data.length).toBe(a.shape.reduce((x, y) => x * y, 1));
  };
  const names = /npy|magic|header|dtype|shape|truncated|trailing|Fortran|dimension|int64|descr/i;

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expectClean(() => parseNpy(bytes, 'x.npy'), { names, check });
      }),
      { numRuns: 1000 },
    );
  });

  it('truncations of a valid file', () => {
    for (const base of [valid, valid32]) {
      for (let len = 0; len < base.length; len++) {
        expect(expectClean(() => parseNpy(base.subarray(0, len), 'x.npy'), { names })).toBe('error');
      }
      expect(expectClean(() => parseNpy(base, 'x.npy'), { check })).toBe('ok');
    }
  });

  it('byte flips anywhere', () => {
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean(), (pos, byte, use32) => {
        const b = (use32 ? valid32 : valid).slice();
        b[pos % b.length] = byte;
        expectClean(() => parseNpy(b, 'x.npy'), { names, check });
      }),
      { numRuns: 2000 },
    );
  });

  it('header mutations: descr, fortran_order, shape', () => {
    const header = (dict: string) => {
      const prefix = 10;
      const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
      const h = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
      const out = new Uint8Array(total + 64);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, total - prefix, true);
      for (let i = 0; i < h.length; i++) out[prefix + i] = h.charCodeAt(i);
      return out;
    };
    const descr = fc.constantFrom(
      "'<f8'",
      "'<f4'",
      "'>f8'",
      "'|u1'",
      "'<f2'",
      "'<c16'",
      "'<i8'",
      "'<i4'",
      "[('a', '<f8')]",
      "'O'",
      "''",
      "'<f8",
      '<f8',
      "'=f8'",
    );
    const fortran = fc.constantFrom('False', 'True', 'false', '0', '');
    const shape = fc.oneof(
      fc.constantFrom(
        '(8,)',
        '(2, 4)',
        '()',
        '(8)',
        '(-1,)',
        '(1e3,)',
        '(99999999999999999999,)',
        '(2**40,)',
        '(4294967296, 4294967296)',
        '(0,)',
        '(2, 2, 2)',
        '(8L,)',
        '(a,)',
      ),
      fc.array(fc.nat(10), { maxLength: 4 }).map((a) => `(${a.join(', ')}${a.length === 1 ? ',' : ''})`),
    );
    fc.assert(
      fc.property(descr, fortran, shape, fc.boolean(), (ds, fo, sh, quoteStyle) => {
        const q = (s: string) => (quoteStyle ? s : s.replaceAll("'", '"'));
        const dict = `{${q("'descr'")}: ${ds}, ${q("'fortran_order'")}: ${fo}, ${q("'shape'")}: ${sh}, }`;
        expectClean(() => parseNpy(header(dict), 'x.npy'), { names, check });
      }),
      { numRuns: 1500 },
    );
  });

  it('a header length field pointing past the end, or absurd shapes, never allocate or hang', () => {
    const b = valid.slice();
    new DataView(b.buffer).setUint16(8, 0xffff, true);
    expectClean(() => parseNpy(b, 'x.npy'), { names });
    const v2 = new Uint8Array(16);
    v2.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(v2.buffer).setUint32(8, 0xffffffff, true);
    expectClean(() => parseNpy(v2, 'x.npy'), { names });
  });
});
