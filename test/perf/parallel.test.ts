/**
 * Data-parallel training (ts/parallel, run from dist/ because the workers load compiled JS):
 * the combined gradient equals the single-instance gradient up to float32 rounding, one worker
 * reproduces it bit for bit, and runs are bit-identical whatever the timing.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialize } from '../../ts/init.js';
import type { Dataset, ModelParams, Projection } from '../../ts/types.js';
import { randomData, relError } from '../helpers.js';

const built = existsSync('dist/parallel/worker.js') && existsSync('dist/wasm-pkg/simd/rnn_wasm_bg.wasm');
type Parallel = typeof import('../../ts/parallel/index.js');
const parallel = () => import('../../dist/parallel/index.js' as string) as Promise<Parallel>;
const single = async () => (await import('../../dist/backend/wasm-backend.js' as string)).wasmBackend('simd') as
  Promise<import('../../ts/backend/types.js').Backend>;

const projection: Projection = { kind: 'maxnorm', rho: 1 };

function setup(recurrence: 'dense' | 'diagonal', n: number): { params: ModelParams; data: Dataset } {
  const params = initialize({ recurrence, activation: 'tanh', readout: 'final', m: 24, d: 3, alpha: 0.9 }, { seed: `par-${recurrence}` });
  // Off the symmetric point so the gradient is not trivial; float32 values as the wasm core sees them.
  for (let i = 0; i < params.W.length; i++) params.W[i] = Math.fround(params.W[i] + 0.3 * Math.sin(1.3 * i + 0.5));
  for (let i = 0; i < params.U.length; i++) params.U[i] = Math.fround(params.U[i] + 0.3 * Math.cos(0.7 * i));
  const data = randomData(n, 9, 3, 'final', `par-${recurrence}`);
  data.X = Float32Array.from(data.X);
  data.Y = Float32Array.from(data.Y);
  return { params, data };
}

describe.skipIf(!built)('parallel data-parallel training', () => {
  it('shards cover the samples in order, sizes differ by at most one', async () => {
    const { shardStarts } = await parallel();
    expect(shardStarts(10, 3)).toEqual([0, 3, 6, 10]);
    expect(shardStarts(4096, 2)).toEqual([0, 2048, 4096]);
  });

  for (const recurrence of ['dense', 'diagonal'] as const) {
    it(`${recurrence}: gradient of 2 and 3 workers = single instance within float32 rounding; 1 worker bit-identical`, async () => {
      const { ParallelTrainer } = await parallel();
      const { params, data } = setup(recurrence, 50);
      const backend = await single();
      using net = backend.network(params);
      using ws = net.workspace(data.n, data.T);
      ws.setData(data);
      const loss = ws.lossGrad();
      const gW = net.read('gradW'), gU = net.read('gradU');
      for (const workers of [1, 2, 3]) {
        const p = await ParallelTrainer.create(params, data, { workers });
        try {
          const l = await p.lossGrad();
          const g = p.gradient();
          if (workers === 1) {
            expect(l).toBe(loss);
            expect(g.gradW).toEqual(gW);
            expect(g.gradU).toEqual(gU);
          } else {
            expect(Math.abs(l - loss) / loss).toBeLessThan(1e-6);
            expect(relError(g.gradW, gW)).toBeLessThan(1e-5);
            expect(relError(g.gradU, gU)).toBeLessThan(1e-5);
          }
        } finally {
          await p.free();
        }
      }
    });
  }

  it('two runs with 2 workers are bit-identical and track single-instance training', async () => {
    const { ParallelTrainer } = await parallel();
    const { params, data } = setup('dense', 64);
    const run = async () => {
      const p = await ParallelTrainer.create(params, data, { workers: 2 });
      try {
        const a = await p.train(15, 0.3, projection);
        const b = await p.train(15, 0.3, projection);
        return { losses: [...a.losses, ...b.losses], gradNorms: [...a.gradNorms, ...b.gradNorms], params: p.params() };
      } finally {
        await p.free();
      }
    };
    const r1 = await run();
    const r2 = await run();
    expect(r1.losses).toHaveLength(30);
    expect(r2.losses).toEqual(r1.losses);
    expect(r2.gradNorms).toEqual(r1.gradNorms);
    expect(r2.params.W).toEqual(r1.params.W);
    expect(r2.params.U).toEqual(r1.params.U);

    const backend = await single();
    using net = backend.network(params);
    using ws = net.workspace(data.n, data.T);
    ws.setData(data);
    const s = ws.train(30, 0.3, projection);
    expect(relError(r1.losses, s.losses)).toBeLessThan(1e-4);
    expect(r1.losses[29]).toBeLessThan(r1.losses[0]);
  });

  it('free() ends the workers; use after free() rejects', async () => {
    const { ParallelTrainer } = await parallel();
    const { params, data } = setup('diagonal', 20);
    const p = await ParallelTrainer.create(params, data, { workers: 2 });
    await p.free();
    await expect(p.train(1, 0.1, projection)).rejects.toThrow(/after free/);
  });
});
