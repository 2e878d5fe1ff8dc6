/** generateData: reproducibility, splits, normalization, noise, meta, files, and clear errors (API and CLI). */
import { ValidationError, UsageError } from '../../ts/core/errors.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { dataConfigFromFlags } from '../../ts/cli/commands/data.js';
import { readGenerated, writeGenerated } from '../../ts/data/files.js';
import { generateData, parseDataConfig, SYSTEMS, type DataConfigInput } from '../../ts/data/generate.js';
import { describeDataset, sparkline } from '../../ts/data/summary.js';
import { readData } from '../../ts/io/data-file.js';
import { PACKAGE_VERSION } from '../../ts/core/version.js';
import { tempDir } from '../support/fs.js';

const small = {
  transport: { system: 'transport', n: 12, nTest: 6, T: 5, d: 3, M: 400, seParticles: 64, backend: 'ts' },
  'dense-teacher': { system: 'dense-teacher', n: 12, nTest: 6, T: 5, d: 3, mTeacher: 16, anchors: 2 },
  'linear-filter': { system: 'linear-filter', n: 12, nTest: 6, T: 5, d: 3 },
  delay: { system: 'delay', n: 12, nTest: 6, T: 5, d: 3, k: 2 },
  narma10: { system: 'narma10', n: 12, nTest: 6, T: 12 },
  'teacher-rnn': { system: 'teacher-rnn', n: 12, nTest: 6, T: 5, d: 3, mTeacher: 8 },
} satisfies Record<string, DataConfigInput>;

/** generateData on a config that is wrong on purpose, past the types: the runtime validation is under test. */
const generateUnchecked = (config: unknown) => generateData(config as DataConfigInput);

describe('generateData', () => {
  for (const system of SYSTEMS) {
    for (const readout of ['final', 'all'] as const) {
      it(`${system}, readout ${readout}: shapes, reproducible, seed-dependent`, async () => {
        const config = { ...small[system], readout };
        const a = await generateData(config, 11);
        const b = await generateData(config, 11);
        const c = await generateData(config, 12);
        const per = readout === 'all' ? a.train.T : 1;
        expect(a.train.X.length).toBe(12 * a.train.T * a.train.d);
        expect(a.train.Y.length).toBe(12 * per);
        expect(a.test!.Y.length).toBe(6 * per);
        expect(a.train.X).toEqual(b.train.X);
        expect(a.train.Y).toEqual(b.train.Y);
        expect(a.test!.Y).toEqual(b.test!.Y);
        expect(c.train.X).not.toEqual(a.train.X);
        expect(c.train.Y).not.toEqual(a.train.Y);
        for (const v of a.train.Y) expect(Number.isFinite(v)).toBe(true);
        // every x_t in the unit ball
        const { T, d, X } = a.train;
        for (let p = 0; p < 12 * T; p++) {
          let s = 0;
          for (let q = 0; q < d; q++) s += X[p * d + q] ** 2;
          expect(s).toBeLessThanOrEqual(1 + 1e-12);
        }
        expect(a.meta.seed).toBe(11);
        expect(a.meta.config.system).toBe(system);
        expect(a.meta.generator.version).toBe(PACKAGE_VERSION);
        expect(a.train.meta?.split).toBe('train');
      });
    }
  }

  it('the seed argument overrides config.seed; config.seed alone works too', async () => {
    const a = await generateData({ ...small.delay, seed: 'abc' });
    const b = await generateData({ ...small.delay, seed: 'zzz' }, 'abc');
    expect(b.train.X).toEqual(a.train.X);
    expect(b.meta.seed).toBe('abc');
  });

  it('nTest does not change the training set', async () => {
    const a = await generateData({ ...small['linear-filter'], nTest: 0, normalize: 'none' }, 4);
    const b = await generateData({ ...small['linear-filter'], nTest: 30, normalize: 'none' }, 4);
    expect(a.test).toBeNull();
    expect(b.train.X).toEqual(a.train.X);
    expect(b.train.Y).toEqual(a.train.Y);
  });

  it('normalization: standard gives mean 0 / std 1 on train, scale gives rms 1; offset and scale recorded', async () => {
    const std = await generateData({ ...small['linear-filter'], n: 200, normalize: 'standard' }, 2);
    const raw = await generateData({ ...small['linear-filter'], n: 200, normalize: 'none' }, 2);
    const y = Array.from(std.train.Y);
    const mean = y.reduce((a, b) => a + b) / y.length;
    expect(mean).toBeCloseTo(0, 12);
    expect(Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length)).toBeCloseTo(1, 12);
    const { offset, scale } = std.meta.normalization;
    expect(std.meta.normalization.mode).toBe('standard');
    raw.train.Y.forEach((r, k) => expect(std.train.Y[k]).toBeCloseTo((r - offset) / scale, 12));
    raw.test!.Y.forEach((r, k) => expect(std.test!.Y[k]).toBeCloseTo((r - offset) / scale, 12));
    const sc = await generateData({ ...small.transport, n: 50 }, 2);
    expect(sc.meta.normalization.mode).toBe('scale');
    expect(sc.meta.normalization.offset).toBe(0);
    expect(Math.sqrt(Array.from(sc.train.Y).reduce((a, b) => a + b * b, 0) / 50)).toBeCloseTo(1, 12);
  });

  it('label noise: sigma * N(0,1) added to the normalized clean targets', async () => {
    const clean = await generateData({ ...small.delay, n: 2000, nTest: 0 }, 8);
    const noisy = await generateData({ ...small.delay, n: 2000, nTest: 0, noise: 0.5 }, 8);
    expect(noisy.clean.train).toEqual(clean.train.Y);
    const e = Array.from(noisy.train.Y, (y, k) => y - clean.train.Y[k]);
    const sd = Math.sqrt(e.reduce((a, b) => a + b * b, 0) / e.length);
    expect(sd).toBeGreaterThan(0.45);
    expect(sd).toBeLessThan(0.55);
  });

  it('transport: the stored map is v/scale, Monte-Carlo error recorded, a backend can be passed', async () => {
    const g = await generateData({ ...small.transport, nuW: 2, nuU: 0.5 }, 3, { backend: tsBackend() });
    const scale = g.meta.normalization.scale;
    expect(g.map!.nuW).toBeCloseTo(2 / scale, 12);
    expect(g.map!.nuU).toBeCloseTo(0.5 / scale, 12);
    const mc = g.meta.teacher.mcError as { rms: number; relative: number };
    expect(mc.rms).toBeGreaterThan(0);
    expect(g.stdErr!.train.length).toBe(12);
    expect(g.meta.teacher.backend).toBe('ts float64');
    const beta = g.meta.teacher.map as { beta: number[] };
    expect(Math.hypot(...beta.beta)).toBeCloseTo(1, 14);
  });

  it('bad configs give errors that name the field', async () => {
    await expect(generateUnchecked({ system: 'lorenz' })).rejects.toThrow(
      /field 'system': unknown system "lorenz"; choose one of transport, dense-teacher/,
    );
    await expect(generateUnchecked({})).rejects.toThrow(/field 'system': missing/);
    await expect(generateData({ system: 'delay', T: 5, k: 5 })).rejects.toThrow(/field 'k': must be < T = 5/);
    await expect(generateData({ system: 'delay', k: 1.5 })).rejects.toThrow(/field 'k'/);
    await expect(generateData({ system: 'delay', d: 2, coordinate: 2 })).rejects.toThrow(
      /field 'coordinate': must be < d = 2/,
    );
    await expect(generateData({ system: 'transport', d: 3, beta: [1, 0] })).rejects.toThrow(
      /field 'beta': has 2 values, expected d = 3/,
    );
    await expect(generateData({ system: 'transport', kappa: 0 })).rejects.toThrow(/field 'kappa': must be > 0/);
    await expect(generateData({ system: 'transport', M: 5, antithetic: true })).rejects.toThrow(
      /field 'M': must be even/,
    );
    await expect(generateData({ system: 'linear-filter', noise: -1 })).rejects.toThrow(/field 'noise': must be >= 0/);
    await expect(generateData({ system: 'linear-filter', r: 2 })).rejects.toThrow(/field 'r'/);
    await expect(generateUnchecked({ system: 'linear-filter', k: 2 })).rejects.toThrow(/[Uu]nrecognized key.*"k"/);
    await expect(generateData({ system: 'teacher-rnn', mTeacher: 7 })).rejects.toThrow(
      /field 'mTeacher': must be even/,
    );
    await expect(generateData({ system: 'delay', inputs: { kind: 'ar1', r: 1 } })).rejects.toThrow(
      /field 'inputs.r': must satisfy \|r\| < 1/,
    );
    await expect(generateData({ system: 'delay', n: 0 })).rejects.toThrow(ValidationError);
  });

  it('defaults are filled in and recorded', () => {
    const c = parseDataConfig({ system: 'narma10' });
    expect(c).toMatchObject({
      d: 1,
      inputs: { kind: 'uniform' },
      normalize: 'standard',
      n: 512,
      nTest: 512,
      T: 10,
      seed: 0,
    });
    expect(parseDataConfig({ system: 'transport' })).toMatchObject({
      map: 'mix',
      M: 10000,
      normalize: 'scale',
      backend: 'wasm',
      memoryFn: 'tanh',
    });
  });
});

describe('files and the CLI helpers', () => {
  const dir = tempDir('data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes train/test JSON + .npy + meta.json (+ teacher.json) and reads them back identically', async () => {
    const g = await generateData({ ...small['teacher-rnn'], readout: 'all' }, 5);
    const files = writeGenerated(dir, g);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      'meta.json',
      'teacher.json',
      'test/X.npy',
      'test/Y.npy',
      'test/data.json',
      'train/X.npy',
      'train/Y.npy',
      'train/data.json',
    ]);
    const back = readGenerated(dir);
    expect(back.train.X).toEqual(g.train.X);
    expect(back.train.Y).toEqual(g.train.Y);
    expect(back.test!.Y).toEqual(g.test!.Y);
    expect(back.meta!.config).toEqual(JSON.parse(JSON.stringify(g.meta.config)));
    expect(back.meta!.seed).toBe(5);
    const npy = readData(join(dir, 'train', 'X.npy'));
    expect(npy.Y).toEqual(g.train.Y);
    const lines = describeDataset('train', back.train, 2);
    expect(lines[0]).toContain('n = 12, T = 5, d = 3, readout all');
    expect(lines.length).toBe(7);
  });

  it('sparkline maps the range onto 8 levels', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5])).toBe('▄▄');
  });

  it('flags become a validated config; errors name the option', () => {
    const c = dataConfigFromFlags({
      system: 'transport',
      M: '200',
      nuW: '0.5',
      beta: '1,0,0',
      d: '3',
      antithetic: true,
      seed: '42',
      inputs: 'ar1',
      inputCorr: '0.3',
    });
    expect(c).toMatchObject({
      system: 'transport',
      M: 200,
      nuW: 0.5,
      beta: [1, 0, 0],
      antithetic: true,
      seed: 42,
      inputs: { kind: 'ar1', r: 0.3, scale: 1 },
    });
    const err = (flags: Record<string, unknown>) => {
      try {
        dataConfigFromFlags(flags);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err({ system: 'nope' })).toMatch(/option --system: unknown system 'nope'; choose one of/);
    expect(err({})).toMatch(/option --system is required/);
    expect(err({ system: 'transport', k: '2' })).toMatch(
      /option --k does not apply to --system transport; its options: .*--map/,
    );
    expect(err({ system: 'delay', k: 'x' })).toMatch(/option --k: expected a finite number, got 'x'/);
    expect(err({ system: 'delay', k: '20' })).toMatch(/option --k \(field 'k'\): must be < T = 10/);
    expect(err({ system: 'delay', nTest: '-1' })).toMatch(/option --n-test/);
    expect(err({ system: 'transport', beta: '1,a' })).toMatch(/option --beta: entry 1 'a' is not a finite number/);
    expect(err({ system: 'delay', inputs: 'ar1' })).toMatch(/option --inputs ar1 needs --input-corr/);
    expect(err({ system: 'delay', inputCorr: '0.2' })).toMatch(/option --input-corr applies to --inputs ar1 only/);
    expect(err({ system: 'delay', inputs: 'ar1', inputCorr: '-1' })).toMatch(
      /option --input-corr \(field 'inputs.r'\)/,
    );
    expect(err({ system: 'delay', inputs: 'brownian' })).toMatch(/option --inputs: unknown input law 'brownian'/);
    expect(err({ system: 'transport', map: 'quadratic' })).toMatch(/option --map \(field 'map'\)/);
  });
});
