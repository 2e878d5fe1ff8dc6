/**
 * Data-parallel training (ts/parallel, run from dist/ because the workers load compiled JS):
 * the combined gradient equals the single-instance gradient up to float32 rounding (bit for bit
 * with one chunk), and results are bit-identical whatever the timing and the number of workers.
 */
import { describe, expect, it } from 'vitest';
import { initialize } from '../../ts/train/init.js';
import type { Dataset, ModelParams, Projection } from '../../ts/core/types.js';
import { randomData, relError, setNativeExact } from '../helpers.js';

type Parallel = typeof import('../../ts/parallel/index.js');
const parallel = () => import('../../dist/parallel/index.js' as string) as Promise<Parallel>;
const single = async () =>
  (await import('../../dist/backend/wasm-backend.js' as string)).wasmBackend('simd') as Promise<
    import('../../ts/backend/types.js').Backend
  >;

const projection: Projection = { kind: 'maxnorm', rho: 1 };

function setup(recurrence: 'dense' | 'diagonal', n: number): { params: ModelParams; data: Dataset } {
  const params = initialize(
    { recurrence, activation: 'tanh', readout: 'final', m: 24, d: 3, alpha: 0.9 },
    { seed: `par-${recurrence}` },
  );
  // Off the symmetric point so the gradient is not trivial; float32 values as the wasm core sees them.
  for (let i = 0; i < params.W.length; i++) params.W[i] = Math.fround(params.W[i] + 0.3 * Math.sin(1.3 * i + 0.5));
  for (let i = 0; i < params.U.length; i++) params.U[i] = Math.fround(params.U[i] + 0.3 * Math.cos(0.7 * i));
  const data = randomData(n, 9, 3, 'final', `par-${recurrence}`);
  data.X = Float32Array.from(data.X);
  data.Y = Float32Array.from(data.Y);
  return { params, data };
}

describe('parallel data-parallel training', () => {
  it('chunks cover the samples in order', async () => {
    const { chunkStarts, defaultChunkSize } = await parallel();
    expect(chunkStarts(10, 4)).toEqual([0, 4, 8, 10]);
    expect(chunkStarts(4096, defaultChunkSize(4096))).toHaveLength(17);
    expect(defaultChunkSize(50)).toBe(32);
    expect(defaultChunkSize(20)).toBe(20);
  });

  for (const recurrence of ['dense', 'diagonal'] as const) {
    it(`${recurrence}: gradient = single instance within float32 rounding, bit-identical for 1, 2, 3 workers; one chunk = single bit for bit`, async () => {
      // Native workers (the default in Node) with the exact kernels, so that one chunk equals the
      // single wasm instance bit for bit (the fused default is held to its tolerance in
      // test/core/backends.test.ts).
      setNativeExact(true);
      const { ParallelTrainer } = await parallel();
      const { params, data } = setup(recurrence, 100);
      const backend = await single();
      using net = backend.network(params);
      using ws = net.workspace(data.n, data.T);
      ws.setData(data);
      const loss = ws.lossGrad();
      const gW = net.read('gradW'),
        gU = net.read('gradU');
      const runs: { loss: number; gradW: Float32Array; gradU: Float32Array; chunks: readonly number[] }[] = [];
      for (const workers of [1, 2, 3]) {
        const p = await ParallelTrainer.create(params, data, { workers, chunkSize: 16 });
        try {
          const l = await p.lossGrad();
          runs.push({ loss: l, ...p.gradient(), chunks: p.chunksPerWorker });
          expect(p.chunks).toBe(7);
        } finally {
          await p.free();
        }
      }
      expect(Math.abs(runs[0].loss - loss) / loss).toBeLessThan(1e-6);
      expect(relError(runs[0].gradW, gW)).toBeLessThan(1e-5);
      expect(relError(runs[0].gradU, gU)).toBeLessThan(1e-5);
      for (const r of runs.slice(1)) {
        expect(r.loss).toBe(runs[0].loss);
        expect(r.gradW).toEqual(runs[0].gradW);
        expect(r.gradU).toEqual(runs[0].gradU);
      }
      for (const [k, r] of runs.entries()) {
        expect(r.chunks).toHaveLength(k + 1);
        expect(r.chunks.reduce((a, b) => a + b, 0)).toBe(7);
      }
      const one = await ParallelTrainer.create(params, data, { workers: 2, chunkSize: data.n });
      try {
        expect(await one.lossGrad()).toBe(loss);
        expect(one.gradient().gradW).toEqual(gW);
        expect(one.gradient().gradU).toEqual(gU);
      } finally {
        await one.free();
      }
    });
  }

  it('runs with 2 and 3 workers are bit-identical, native workers equal wasm ones, and track single-instance training', async () => {
    const { ParallelTrainer } = await parallel();
    const { params, data } = setup('dense', 64);
    const run = async (workers: number, backend: 'auto' | 'native' | 'wasm' = 'auto') => {
      const p = await ParallelTrainer.create(params, data, { workers, chunkSize: 8, backend });
      try {
        expect(p.backendDescription).toMatch(
          backend === 'wasm' ? /^wasm simd128 f32 x / : /^native (avx512-fma|avx512|avx2-fma|avx2|scalar) f32 x /,
        );
        const a = await p.train(15, 0.3, projection);
        const b = await p.train(15, 0.3, projection);
        return { losses: [...a.losses, ...b.losses], gradNorms: [...a.gradNorms, ...b.gradNorms], params: p.params() };
      } finally {
        await p.free();
      }
    };
    // The fused default: 2 and 3 workers give the same bits (a fixed reduction order).
    setNativeExact(false);
    const r1 = await run(2);
    const r2 = await run(3);
    expect(r1.losses).toHaveLength(30);
    expect(r2.losses).toEqual(r1.losses);
    expect(r2.gradNorms).toEqual(r1.gradNorms);
    expect(r2.params.W).toEqual(r1.params.W);
    expect(r2.params.U).toEqual(r1.params.U);
    // The native addon's workers with the exact kernels and wasm's give the same bits; the fused
    // ones stay within float32 rounding of them.
    const w = await run(2, 'wasm');
    setNativeExact(true);
    const exact = await run(2, 'native');
    setNativeExact(false);
    expect(w.losses).toEqual(exact.losses);
    expect(w.params.W).toEqual(exact.params.W);
    expect(relError(r1.losses, w.losses)).toBeLessThan(1e-5);

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
