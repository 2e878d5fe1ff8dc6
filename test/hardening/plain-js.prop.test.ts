/**
 * The library from plain JavaScript (issue 22 item 10): a wrong type at a public entry point is a
 * ValidationError at the call naming the field, never a TypeError from inside nor a value silently
 * ignored (property tests over arbitrary wrong values); and the worker count is capped by one rule
 * (item 9: `parallelTrainer({ workers: 1000 })` started 1000 workers for 40 s).
 */
import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { ValidationError } from '../../ts/core/errors.js';
import { cloneParams, initialize } from '../../ts/train/init.js';
import { parallelTrainer } from '../../ts/parallel/index.js';
import { predict } from '../../ts/train/predict.js';
import { Trainer } from '../../ts/train/trainer.js';
import { workerCount } from '../../ts/core/workers.js';
import { poolSize } from '../../ts/experiments/pool.js';
import { createNodePool } from '../../ts/experiments/pool-node.js';
import { randomData } from '../helpers.js';
import { checkDataset } from '../../ts/core/dataset.js';

import { encodeNpy } from '../../ts/io/npy-codec.js';
import { metricsCsv } from '../../ts/io/metrics-file.js';
import { modelToJson } from '../../ts/io/model-json.js';
import { paramMetrics, wBar } from '../../ts/core/metrics.js';
import { prepareRun } from '../../ts/train/run.js';
import { bounds } from '../../ts/theory/bounds.js';
import { constants } from '../../ts/theory/constants.js';
import { infiniteWidthKernel } from '../../ts/theory/infinite-width.js';
import { KernelRegime, kernelRegime } from '../../ts/theory/kernel-regime.js';

const backend = tsBackend();
const params = initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 0.5 }, { seed: 1 });
const data = randomData(3, 2, 2, 'final', 'plain-js');
const init = { backend, params, data, train: { eta: 0.1, steps: 2 } };

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const notObject = fc.anything().filter((v) => !isObject(v));
const notArray = fc.anything().filter((v) => !Array.isArray(v) && !ArrayBuffer.isView(v));
const notFunction = fc.anything().filter((v) => v !== undefined);
const present = <T>(a: fc.Arbitrary<T>) => a.filter((v) => v !== undefined);

/** `call` with the wrong value throws a ValidationError naming `field` (a rejected promise counts). */
async function refusesNaming(call: () => unknown, field: string): Promise<void> {
  let err: unknown;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  expect(err, `no error for field '${field}'`).toBeInstanceOf(ValidationError);
  expect((err as Error).message).toContain(`field '${field}'`);
}

const cases: [string, fc.Arbitrary<unknown>, (v: unknown) => unknown][] = [
  ['init', notObject, (v) => new Trainer(v as never)],
  ['backend', fc.anything(), (v) => new Trainer({ ...init, backend: v as never })],
  ['params', notObject, (v) => new Trainer({ ...init, params: v as never })],
  ['params.spec', notObject, (v) => new Trainer({ ...init, params: { ...params, spec: v as never } })],
  ['params.W', notArray, (v) => new Trainer({ ...init, params: { ...params, W: v as never } })],
  ['data', notObject, (v) => new Trainer({ ...init, data: v as never })],
  ['data.X', notArray, (v) => new Trainer({ ...init, data: { ...data, X: v as never } })],
  ['test', present(notObject), (v) => new Trainer({ ...init, test: v as never })],
  ['train', notObject, (v) => new Trainer({ ...init, train: v as never })],
  ['options', present(notObject), (v) => new Trainer(init).run(v as never)],
  [
    'onProgress',
    notFunction.filter((v) => typeof v !== 'function'),
    (v) => new Trainer(init).run({ onProgress: v as never }),
  ],
  ['signal', present(fc.anything()), (v) => new Trainer(init).run({ signal: v as never })],
  ['params', notObject, (v) => predict(v as never, data, { backend })],
  ['params.U', notArray, (v) => predict({ ...params, U: v as never }, data, { backend })],
  ['X', notArray.filter((v) => v !== undefined), (v) => predict(params, { X: v as never, T: 2 }, { backend })],
  ['options', present(notObject), (v) => predict(params, data, v as never)],
  ['backend', fc.object(), (v) => predict(params, data, { backend: v as never })],
  ['params', notObject, (v) => parallelTrainer(v as never, data)],
  ['data', notObject, (v) => parallelTrainer(params, v as never)],
  ['options', present(notObject), (v) => parallelTrainer(params, data, v as never)],
  ['options', present(notObject), (v) => tsBackend(v as never)],
  ['input', notObject, (v) => bounds(v as never)],
  ['params', notObject, (v) => modelToJson(v as never)],
  ['params', notObject, (v) => cloneParams(v as never)],
  ['spec', notObject, (v) => paramMetrics(v as never, params.W, params.U, params.W0, params.U0, { kind: 'none' })],
  ['W', notArray, (v) => wBar(params.spec, v as never)],
  ['config', notObject, (v) => prepareRun(v as never, { data, backend })],
  ['inputs.backend', fc.anything(), (v) => prepareRun({} as never, { data, backend: v as never })],
  ['data', notObject, (v) => checkDataset(v as never)],
  ['X', notArray, (v) => checkDataset({ ...data, X: v as never })],
  ['data', notArray, (v) => encodeNpy(v as never, [1])],
  ['records', fc.anything().filter((v) => !Array.isArray(v)), (v) => metricsCsv(v as never)],
  ['params', notObject, (v) => constants(v as never, data)],
  ['input', notObject, (v) => new KernelRegime(v as never)],
  ['K', notArray, (v) => new KernelRegime({ K: v as never, y: [1], f0: [0], eta: 1 })],
  ['params', notObject, (v) => kernelRegime(backend, v as never, data, 0.1)],
  ['train', notObject, (v) => kernelRegime(backend, params, v as never, 0.1)],
  ['spec', notObject, (v) => infiniteWidthKernel(backend, v as never, data, { kind: 'ntk', M: 32 })],
];

describe('plain JavaScript: wrong types are ValidationErrors naming the field, at the call', () => {
  it.each(cases.map(([field, arb, call], k) => [`${k}: ${field}`, field, arb, call] as const))(
    'property %s',
    async (_name, field, arb, call) => {
      await fc.assert(
        fc.asyncProperty(arb, (v) => refusesNaming(() => call(v), field)),
        { numRuns: 60 },
      );
    },
  );

  it('the reported cases, with their messages', async () => {
    expect(() => new Trainer(undefined as never)).toThrow(/Trainer: field 'init' must be an object, got nothing/);
    expect(() => new Trainer({ ...init, backend: 'wasm' as never })).toThrow(
      /field 'backend' must be a Backend object .*pass the object, not its name/,
    );
    await expect(predict(null as never, data)).rejects.toThrow(/predict: field 'params' must be an object, got null/);
    await expect(new Trainer(init).run({ onProgress: 42 as never })).rejects.toThrow(
      /'onProgress' must be a function, got the number 42/,
    );
    await expect(new Trainer(init).run({ signal: 'stop' as never })).rejects.toThrow(/'signal' must be an AbortSignal/);
    expect(() => new Trainer({ ...init, data: { ...data, X: 5 as never } })).toThrow(/'data.X' must be an array/);
    expect(() => tsBackend({ dtype: 'float16' as never })).toThrow(/field 'dtype' must be 'float32' or 'float64'/);
  });

  it('the right types still work (a real AbortSignal, a callback)', async () => {
    const seen: number[] = [];
    const r = await new Trainer(init).run({
      signal: new AbortController().signal,
      onProgress: (rec) => seen.push(rec.step),
    });
    expect(r.status).toBe('completed');
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('one worker rule (ts/core/workers.ts)', () => {
  it('at most the jobs and 4 per core; a warning above the cores', () => {
    const warnings: string[] = [];
    const warn = (t: string) => warnings.push(t);
    expect(workerCount(1000, 10_000, 2, warn)).toBe(8);
    expect(warnings.at(-1)).toMatch(/workers 1000 is more than 4 per core of the 2 cores of this machine; starting 8/);
    expect(workerCount(1000, 3, 2, warn)).toBe(3);
    expect(workerCount(5, 100, 2, warn)).toBe(5);
    expect(warnings.at(-1)).toMatch(/more than the 2 cores/);
    expect(workerCount(undefined, 100, 6)).toBe(6);
    expect(workerCount(undefined, 0, 6)).toBe(1);
  });

  it('worker pools (createNodePool, createBrowserPool) follow it: size 1000 gives 4 per core; a bad size is a ValidationError', async () => {
    expect(poolSize(1000, 2)).toBe(8);
    expect(poolSize(undefined, 3)).toBe(3);
    expect(() => poolSize(0.5, 2)).toThrow(/worker pool: size must be a positive integer, got 0.5/);
    const pool = createNodePool({ size: 1000, backend: 'ts' });
    try {
      expect(pool.size).toBe(4 * availableParallelism());
    } finally {
      await pool.close();
    }
  });

  it('parallelTrainer({ workers: 1000 }) starts at most the chunks and 4 per core, in seconds', async () => {
    type Parallel = typeof import('../../ts/parallel/index.js');
    const { parallelTrainer: built } = (await import('../../dist/parallel/index.js' as string)) as Parallel;
    const big = randomData(64, 2, 2, 'final', 'workers');
    const t0 = Date.now();
    const a = await built(params, big, { workers: 1000 });
    const b = await built(params, big, { workers: 1000, chunkSize: 1 });
    try {
      expect(a.workers).toBe(2); // 64 sequences in default chunks of 32
      expect(b.workers).toBe(Math.min(64, 4 * availableParallelism()));
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      await a.free();
      await b.free();
    }
  });
});
