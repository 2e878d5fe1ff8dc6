/**
 * Property: model configs, init options, train options and bounds() inputs either parse into
 * something usable or throw a clear error naming the field (fast-check over hostile values).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseModelSpec, parseTrainOptions } from '../../ts/core/config.js';
import { initialize } from '../../ts/train/init.js';
import { bounds } from '../../ts/theory/bounds.js';
import { uLength, wLength } from '../../ts/core/types.js';
import { assertAllFinite, expectClean } from '../support/cli.js';

/** Hostile numbers: NaN, infinities, huge, tiny, negative, fractional, beyond uint32 and safe integers. */
export const nastyNumber = fc.oneof(
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    1,
    2,
    -1,
    0.5,
    1e-300,
    1e300,
    2 ** 31,
    2 ** 32,
    2 ** 32 + 2,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    3.5e38,
    1e39,
  ),
  fc.integer({ min: -10, max: 70 }),
  fc.double(),
);
const nastyValue = fc.oneof(
  nastyNumber,
  fc.string({ maxLength: 6 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

const specArb = fc.record(
  {
    recurrence: fc.oneof(fc.constantFrom('dense', 'diagonal'), nastyValue),
    activation: fc.oneof(fc.constantFrom('tanh', 'sigmoid', 'sin', 'relu', 'TANH', 'gelu'), nastyValue),
    readout: fc.oneof(fc.constantFrom('final', 'all'), nastyValue),
    m: fc.oneof(fc.constantFrom(2, 4, 6, 8, 3, 2 ** 15, 2 ** 15 + 2, 2 ** 32 + 2), nastyNumber),
    d: fc.oneof(fc.constantFrom(1, 2, 3, 2 ** 20 + 1, 2 ** 32 + 1), nastyNumber),
    alpha: fc.oneof(fc.constantFrom(0.5, 1, 2), nastyNumber),
  },
  { requiredKeys: [] },
);

describe('model configs (parseModelSpec, initialize)', () => {
  it('parse or name the field; a parsed spec initializes to finite arrays of the right lengths', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.option(fc.record({ w: nastyValue, seed: nastyValue }, { requiredKeys: [] })),
        (spec, init) => {
          expectClean(() => parseModelSpec(spec), { names: /field '/ });
          expectClean(() => initialize(spec as never, (init ?? undefined) as never), {
            names: /field '/,
            check: (p) => {
              expect(p.W.length).toBe(wLength(p.spec));
              expect(p.U.length).toBe(uLength(p.spec));
              assertAllFinite(p.W);
              assertAllFinite(p.U);
              assertAllFinite(p.c);
            },
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses sizes the wasm core cannot hold (uint32 wrap-around, float32 alpha) at the boundary', () => {
    for (const bad of [
      { m: 2 ** 32 + 2, d: 1, alpha: 1 },
      { m: 2 ** 16, d: 1, alpha: 1 },
      { m: 4, d: 2 ** 32 + 1, alpha: 1 },
      { m: 4, d: 1, alpha: 1e39 },
      { m: 2 ** 14, d: 2 ** 14, alpha: 1 },
    ]) {
      expect(() => parseModelSpec({ recurrence: 'dense', ...bad })).toThrow(/field '(m|d|alpha)'/);
    }
  });
});

describe('train options (parseTrainOptions)', () => {
  const projArb = fc.oneof(
    fc.record({ kind: fc.constantFrom('none', 'maxnorm', 'l2', 'box'), rho: nastyNumber }, { requiredKeys: ['kind'] }),
    nastyValue,
  );
  const trainArb = fc.record(
    {
      eta: fc.oneof(fc.constantFrom(0.1, 1), nastyNumber, nastyValue),
      steps: fc.oneof(fc.constantFrom(1, 10), nastyNumber, nastyValue),
      projection: projArb,
      batchSize: fc.oneof(fc.constantFrom(0, 4), nastyNumber),
      recordEvery: fc.oneof(fc.constantFrom(1, 10), nastyNumber),
      seed: nastyValue,
      extra: nastyValue,
    },
    { requiredKeys: [] },
  );
  it('parse or name the field', () => {
    fc.assert(
      fc.property(trainArb, (t) => {
        expectClean(() => parseTrainOptions(t), {
          names: /field '/,
          check: (o) => {
            expect(Number.isFinite(o.eta) && o.eta > 0).toBe(true);
            expect(Number.isSafeInteger(o.steps) && o.steps > 0).toBe(true);
            expect(Number.isSafeInteger(o.batchSize) && o.batchSize >= 0).toBe(true);
            expect(Number.isSafeInteger(o.recordEvery) && o.recordEvery > 0).toBe(true);
          },
        });
      }),
      { numRuns: 400 },
    );
  });
  it('refuses a step size the float32 core would turn into Infinity, and absurd step counts', () => {
    expect(() => parseTrainOptions({ eta: 1e39, steps: 1 })).toThrow(/field 'eta'/);
    expect(() => parseTrainOptions({ eta: 1, steps: 2 ** 53 })).toThrow(/field 'steps'/);
    expect(() => parseTrainOptions({ eta: 1, steps: 1, batchSize: 2 ** 32 })).toThrow(/field 'batchSize'/);
  });
});

describe('bounds()', () => {
  const inputArb = fc.record({
    activation: fc.oneof(fc.constantFrom('tanh', 'sigmoid', 'sin', 'relu', 'elu'), nastyValue),
    alpha: nastyNumber,
    T: nastyNumber,
    m: nastyNumber,
    n: nastyNumber,
    d: fc.option(nastyNumber, { nil: undefined }),
    delta: fc.option(nastyNumber, { nil: undefined }),
    rho: fc.option(nastyNumber, { nil: undefined }),
    nuW: fc.option(nastyNumber, { nil: undefined }),
    nuU: fc.option(nastyNumber, { nil: undefined }),
    eta: fc.option(nastyNumber, { nil: undefined }),
    tau: fc.option(nastyNumber, { nil: undefined }),
    eps: fc.option(nastyNumber, { nil: undefined }),
    wBar0: fc.option(nastyNumber, { nil: undefined }),
  });
  it('returns only finite numbers or throws a clear error naming the input', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expectClean(() => bounds(input as never), {
          names: /invalid \w+|bounds: /,
          check: (r) => assertAllFinite(r),
        });
      }),
      { numRuns: 2000 },
    );
  });
  it('valid-looking inputs: finite outputs or an overflow message that names the quantity', () => {
    const sane = fc.record({
      activation: fc.constantFrom('tanh', 'sigmoid', 'sin'),
      alpha: fc.double({ min: 0, max: 5, noNaN: true }),
      T: fc.integer({ min: 1, max: 10_000 }),
      m: fc.integer({ min: 1, max: 1e9 }),
      n: fc.integer({ min: 1, max: 1e9 }),
      eps: fc.option(fc.double({ min: 1e-12, max: 1, noNaN: true }), { nil: undefined }),
      tau: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(sane, (input) => {
        expectClean(() => bounds(input), {
          names: /bounds: \w+ is (Infinity|NaN|zero)/,
          check: (r) => assertAllFinite(r),
        });
      }),
      { numRuns: 1000 },
    );
  });
});
