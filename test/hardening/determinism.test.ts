/**
 * Determinism: the same seed gives bit-identical results across repeated runs, across processes
 * (the CLI), and between the SIMD and scalar wasm builds and the native addon with its exact
 * kernels (RNN_GD_NATIVE_EXACT=1: AVX-512, AVX2 or scalar, mul then add): the same IEEE operations
 * in the same order. The native default fuses multiply-adds: test/core/backends.test.ts holds it
 * to the stated tolerance instead.
 */
import { tempDir } from '../support/fs.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsBackend, type Backend } from '../../ts/backend/index.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import { nativeBackend } from '../../ts/backend/native-backend.js';
import { generateData } from '../../ts/data/generate.js';
import { initialize } from '../../ts/train/init.js';
import { readModelFile } from '../../ts/io/model-file.js';
import type { MetricRecord } from '../../ts/core/metrics.js';
import { Trainer } from '../../ts/train/trainer.js';
import type { Readout } from '../../ts/core/types.js';
import { randomData, setNativeExact } from '../helpers.js';
import { runCli } from '../support/cli.js';

const strip = (records: MetricRecord[]) => records.map(({ wallMs: _w, ...r }) => r);

interface Case {
  recurrence: 'dense' | 'diagonal';
  activation: 'tanh' | 'sigmoid' | 'sin' | 'relu';
  readout: Readout;
  batchSize: number;
  projection: { kind: 'none' } | { kind: 'maxnorm' | 'l2'; rho: number };
}
const CASES: Case[] = [];
for (const recurrence of ['dense', 'diagonal'] as const) {
  for (const activation of ['tanh', 'sigmoid', 'sin', 'relu'] as const) {
    for (const readout of ['final', 'all'] as const) {
      const k = CASES.length;
      CASES.push({
        recurrence,
        activation,
        readout,
        batchSize: k % 3 === 0 ? 0 : 6,
        projection:
          k % 3 === 1 ? { kind: 'maxnorm', rho: 1.5 } : k % 3 === 2 ? { kind: 'l2', rho: 2 } : { kind: 'none' },
      });
    }
  }
}

async function train(backend: Backend, c: Case, seed = 5) {
  const params = initialize(
    { recurrence: c.recurrence, m: 12, d: 3, alpha: 0.9, activation: c.activation, readout: c.readout },
    { seed },
  );
  const trainer = new Trainer({
    backend,
    params,
    data: randomData(30, 7, 3, c.readout, 1),
    test: randomData(9, 7, 3, c.readout, 2),
    train: { eta: 0.2, steps: 25, recordEvery: 4, batchSize: c.batchSize, projection: c.projection, seed },
  });
  try {
    const res = await trainer.run();
    const p = trainer.params();
    return { status: res.status, W: Array.from(p.W), U: Array.from(p.U), records: strip(res.records) };
  } finally {
    trainer.free();
  }
}

/** Backends that must give the same bits: the wasm SIMD128 build against the scalar one and against the native addon. */
const PAIRS: [string, () => Promise<[Backend, Backend]>][] = [
  [
    'the SIMD and scalar wasm builds',
    async () => {
      const [simd, scalar] = [await wasmBackend('simd'), await wasmBackend('scalar')];
      expect(simd.description).toMatch(/simd128/);
      expect(scalar.description).toMatch(/scalar/);
      return [simd, scalar];
    },
  ],
  [
    'the SIMD wasm build and the native addon (exact kernels)',
    async () => {
      expect(setNativeExact(true)).toMatch(/^(avx512|avx2|scalar)$/);
      const [simd, native] = [await wasmBackend('simd'), await nativeBackend()];
      expect(native.description).toMatch(/^native (avx512|avx2|scalar) f32$/);
      return [simd, native];
    },
  ],
];

describe('same seed, same bits', () => {
  it('repeated runs are bit-identical (wasm, native fused and ts); another seed differs', async () => {
    expect(setNativeExact(false)).toMatch(/^(avx512-fma|avx2-fma|avx2|scalar)$/);
    for (const backend of [await wasmBackend(), await nativeBackend(), tsBackend(), tsBackend({ dtype: 'float32' })]) {
      for (const c of CASES.slice(0, 6)) {
        const a = await train(backend, c),
          b = await train(backend, c);
        expect(b).toEqual(a);
        expect((await train(backend, c, 6)).W).not.toEqual(a.W);
      }
    }
  });

  it.each(PAIRS)(
    '%s agree bit for bit: training (all recurrences x activations x readouts, GD/SGD, projections)',
    async (_, pair) => {
      const [simd, scalar] = await pair();
      for (const c of CASES) {
        const a = await train(simd, c),
          b = await train(scalar, c);
        expect(b, JSON.stringify(c)).toEqual(a);
      }
    },
  );

  it.each(PAIRS)('%s agree bit for bit: kernels', async (_, pair) => {
    const [simd, scalar] = await pair();
    const data = randomData(11, 6, 3, 'final', 3);
    const particles = {
      w: Float64Array.from({ length: 13 }, (_, k) => Math.sin(k)),
      u: Float64Array.from({ length: 39 }, (_, k) => Math.cos(k)),
    };
    const v = Float64Array.from({ length: 52 }, (_, k) => Math.sin(3 * k));
    for (const activation of ['tanh', 'sigmoid', 'sin'] as const) {
      const spec = { activation, alpha: 0.7, d: 3 };
      expect(Array.from(scalar.kernels.tangentFeatures(spec, particles, data))).toEqual(
        Array.from(simd.kernels.tangentFeatures(spec, particles, data)),
      );
      expect(Array.from(scalar.kernels.teacherSum(spec, particles, v, data))).toEqual(
        Array.from(simd.kernels.teacherSum(spec, particles, v, data)),
      );
      for (const recurrence of ['dense', 'diagonal'] as const) {
        const p = initialize({ recurrence, m: 10, d: 3, alpha: 0.7, activation }, { seed: 4 });
        expect(Array.from(scalar.kernels.ntkGram(p, data))).toEqual(Array.from(simd.kernels.ntkGram(p, data)));
        expect(Array.from(scalar.kernels.perSampleGradients(p, data))).toEqual(
          Array.from(simd.kernels.perSampleGradients(p, data)),
        );
      }
    }
  });

  it('generated data is a pure function of (config, seed)', async () => {
    for (const system of ['transport', 'dense-teacher', 'linear-filter', 'delay', 'narma10', 'teacher-rnn'] as const) {
      const config = { system, n: 16, nTest: 4, T: 6, ...(system === 'transport' ? { M: 64, seParticles: 0 } : {}) };
      const a = await generateData(config, 3),
        b = await generateData(config, 3);
      expect(Array.from(b.train.X)).toEqual(Array.from(a.train.X));
      expect(Array.from(b.train.Y)).toEqual(Array.from(a.train.Y));
      expect(Array.from(b.test!.Y)).toEqual(Array.from(a.test!.Y));
    }
  });
});

describe('across processes', () => {
  it('two `rnn-gd train` runs with the same flags write the same model and metrics (up to wall time)', () => {
    const dir = tempDir('hard');
    const run = (out: string) =>
      runCli([
        'train',
        '--system',
        'teacher-rnn',
        '--n',
        '48',
        '--T',
        '6',
        '--d',
        '2',
        '--recurrence',
        'diagonal',
        '--m',
        '16',
        '--alpha',
        '0.8',
        '--eta',
        '0.5',
        '--steps',
        '40',
        '--batch',
        '8',
        '--project',
        '2',
        '--seed',
        '9',
        '--out',
        join(dir, out),
        '--quiet',
      ]);
    for (const out of ['a', 'b']) expect(run(out).status).toBe(0);
    const ma = readModelFile(join(dir, 'a', 'model.json')),
      mb = readModelFile(join(dir, 'b', 'model.json'));
    expect(Array.from(mb.W)).toEqual(Array.from(ma.W));
    expect(Array.from(mb.U)).toEqual(Array.from(ma.U));
    const lines = (p: string) =>
      readFileSync(join(dir, p, 'metrics.jsonl'), 'utf8').replace(/"wallMs":[0-9.e+-]+/g, '');
    expect(lines('b')).toBe(lines('a'));
  });
});
