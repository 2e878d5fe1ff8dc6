/**
 * Property: generateData configs (every system, hostile values) either generate finite data of the
 * stated shapes or throw a ValidationError naming the field; absurd sizes are refused up front
 * (no allocation attempt, no hang).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/index.js';
import { generateData, SYSTEMS, type DataConfigInput } from '../../ts/data/generate.js';
import { assertAllFinite, expectCleanAsync } from '../support/cli.js';

const nasty = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 0.5, 1, 2, 3, 1e300, 2 ** 32 + 2, 2 ** 53 + 2, 3.5e38, -0.99, 0.99),
  fc.integer({ min: -3, max: 12 }),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
  fc.array(fc.double(), { maxLength: 4 }),
);
const small = fc.integer({ min: 1, max: 6 });

/** Valid values per field (small sizes), and the keys of each system. */
const VALID: Record<string, fc.Arbitrary<unknown>> = {
  n: small,
  nTest: fc.integer({ min: 0, max: 4 }),
  T: small,
  d: small,
  readout: fc.constantFrom('final', 'all'),
  inputs: fc.oneof(
    fc.constant({ kind: 'gaussian', scale: 1 }),
    fc.constant({ kind: 'ar1', r: 0.5 }),
    fc.constant({ kind: 'uniform' }),
  ),
  noise: fc.constantFrom(0, 0.1),
  normalize: fc.constantFrom('standard', 'scale', 'none'),
  seed: fc.oneof(fc.nat(100), fc.string({ minLength: 1, maxLength: 3 })),
  map: fc.constantFrom('linear', 'input', 'memory', 'mix'),
  M: fc.integer({ min: 2, max: 40 }).map((x) => 2 * x),
  activation: fc.constantFrom('tanh', 'sigmoid', 'sin', 'relu'),
  alpha: fc.constantFrom(0.3, 0.9, 1.2),
  nuW: fc.constantFrom(0, 1),
  nuU: fc.constantFrom(0.5, 1),
  kappa: fc.constantFrom(0.5, 1),
  antithetic: fc.boolean(),
  seParticles: fc.constantFrom(0, 2, 5),
  mTeacher: fc.constantFrom(2, 4, 8),
  nu: fc.constantFrom(0.5, 1),
  anchors: fc.constantFrom(1, 3),
  r: fc.constantFrom(-0.9, 0, 0.8),
  k: fc.constant(0),
  coordinate: fc.constant(0),
  recurrence: fc.constantFrom('dense', 'diagonal'),
};
const SYSTEM_KEYS: Record<string, string[]> = {
  transport: ['map', 'M', 'activation', 'alpha', 'nuW', 'nuU', 'kappa', 'antithetic', 'seParticles'],
  'dense-teacher': ['mTeacher', 'activation', 'alpha', 'nu', 'anchors'],
  'linear-filter': ['r'],
  delay: ['k', 'coordinate'],
  narma10: ['coordinate'],
  'teacher-rnn': ['recurrence', 'activation', 'alpha', 'mTeacher'],
};
const COMMON = ['n', 'nTest', 'T', 'd', 'readout', 'inputs', 'noise', 'normalize', 'seed'];
const ALL_KEYS = [...new Set([...COMMON, ...Object.values(SYSTEM_KEYS).flat(), 'beta', 'gamma', 'system', 'bogus'])];

/** A valid config of a system (a random subset of its fields), then 0-2 fields replaced by hostile values. */
const configArb = fc.constantFrom(...SYSTEMS).chain((system) => {
  const keys = [...COMMON, ...SYSTEM_KEYS[system]];
  // sizes always given (the defaults, e.g. n = 512 and M = 10000, would make the property slow)
  const required = [
    'n',
    'nTest',
    'T',
    'd',
    ...(system === 'transport' ? ['M', 'seParticles'] : []),
    ...(system === 'dense-teacher' || system === 'teacher-rnn' ? ['mTeacher'] : []),
  ];
  const base = fc.record(Object.fromEntries(keys.map((k) => [k, VALID[k]])), { requiredKeys: required });
  const mutations = fc.array(fc.record({ key: fc.constantFrom(...ALL_KEYS), value: nasty }), { maxLength: 2 });
  return fc.tuple(base, mutations).map(([b, muts]) => {
    const c: Record<string, unknown> = { system, ...b };
    if (system === 'delay' && typeof c.T === 'number') c.k = Math.min((c.k as number) ?? 0, c.T - 1);
    for (const { key, value } of muts) c[key] = value;
    return c;
  });
});

describe('generateData configs', () => {
  it('generate finite data of the right shapes or name the field', async () => {
    const backend = tsBackend();
    const outcomes = { ok: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(configArb, async (config) => {
        outcomes[
          await expectCleanAsync(() => generateData(config as DataConfigInput, undefined, { backend }), {
            names: /field '/,
            check: (g) => {
              const per = g.meta.readout === 'all' ? g.meta.T : 1;
              expect(g.train.X.length).toBe(g.train.n * g.train.T * g.train.d);
              expect(g.train.Y.length).toBe(g.train.n * per);
              assertAllFinite(g.train.X);
              assertAllFinite(g.train.Y);
              if (g.test) {
                assertAllFinite(g.test.X);
                assertAllFinite(g.test.Y);
              }
            },
          })
        ]++;
      }),
      { numRuns: 600 },
    );
    // both sides exercised: valid configs generate, hostile ones are refused
    expect(outcomes.ok).toBeGreaterThan(20);
    expect(outcomes.error).toBeGreaterThan(100);
  });

  it('absurd sizes are refused up front, naming the field (no allocation, no hang)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ system: 'delay', n: 1e9, T: 10, d: 4 }, /field 'n'.*values/],
      [{ system: 'linear-filter', n: 10, nTest: 2 ** 40, T: 10 }, /field 'n'.*values/],
      [{ system: 'narma10', n: 100, T: 2 ** 33 }, /field 'n'.*values/],
      [{ system: 'teacher-rnn', n: 4, T: 3, mTeacher: 2 ** 20 }, /field 'mTeacher'/],
      [{ system: 'dense-teacher', n: 4, T: 3, mTeacher: 2 ** 15 }, /field 'mTeacher'/],
      [{ system: 'transport', n: 4, T: 3, M: 2 ** 40 }, /field 'M'/],
      [{ system: 'teacher-rnn', n: 4, T: 3, alpha: 1e300 }, /field 'alpha'/],
      [{ system: 'dense-teacher', n: 4, T: 3, anchors: 2 ** 40 }, /field 'anchors'/],
      [{ system: 'transport', n: 100000, nTest: 0, T: 100, d: 4, M: 2 ** 24 }, /field 'M'.*2\^40/],
      [
        { system: 'teacher-rnn', recurrence: 'dense', mTeacher: 8192, n: 20000, nTest: 0, T: 100, d: 1 },
        /field 'mTeacher'.*2\^40/,
      ],
    ];
    for (const [config, names] of cases) {
      const t0 = Date.now();
      expect(
        await expectCleanAsync(() => generateData(config as DataConfigInput, undefined, { backend: tsBackend() }), {
          names,
        }),
      ).toBe('error');
      expect(Date.now() - t0).toBeLessThan(2000);
    }
  });
});
