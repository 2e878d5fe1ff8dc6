/**
 * Documented invariants that must hold exactly, not to a tolerance: the recorded projection radius
 * never exceeds rho (float32 and float64, both backends), generated inputs never leave the unit
 * ball (as float64 and as float32), a step size that is 0 in float32 is refused, and `train` takes
 * the readout from the data as its help says.
 */
import { tempDir } from '../support/fs.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../ts/backend/index.js';
import { trainCommand, trainConfigFromFlags } from '../../ts/cli/commands/train.js';
import { parseTrainOptions } from '../../ts/core/config.js';
import { generateInputs } from '../../ts/data/inputs.js';
import { writeData } from '../../ts/io/data-file.js';
import { initialize } from '../../ts/train/init.js';
import { neuronDistancesSq, project } from '../../ts/core/projection.js';
import { makeRng } from '../../ts/core/rng.js';
import { Trainer } from '../../ts/train/trainer.js';
import type { Projection, Readout } from '../../ts/core/types.js';
import { randomData } from '../helpers.js';
import { expectCliError, runCliInProcess } from '../support/cli.js';

/** The radii the metrics record: sqrt(m) * max_i ||theta_i - theta_i(0)|| and ||Theta - Theta(0)||. */
function recordedRadii(spec: { m: number }, d2: Float64Array): { maxnorm: number; l2: number } {
  let max = 0,
    total = 0;
  for (const v of d2) {
    max = Math.max(max, v);
    total += v;
  }
  return { maxnorm: Math.sqrt(spec.m) * Math.sqrt(max), l2: Math.sqrt(total) };
}

describe('projection lands inside the ball exactly', () => {
  it('ts project(): float64 and float32 storage, many models and radii', () => {
    const rng = makeRng(3, 'projection-test');
    let checked = 0;
    for (let trial = 0; trial < 100; trial++) {
      const m = [2, 4, 8, 16, 30][trial % 5];
      const d = 1 + (trial % 3);
      const spec = { recurrence: trial % 2 ? 'diagonal' : 'dense', m, d, alpha: 1 } as const;
      const params = initialize(spec, { seed: trial });
      for (const Arr of [Float64Array, Float32Array]) {
        for (const rho of [4, 0.1, 1 / 3, 1e-3, 0.7 + trial * 1e-3]) {
          for (const kind of ['maxnorm', 'l2'] as const) {
            const W0 = Arr.from(params.W0),
              U0 = Arr.from(params.U0);
            // Array.from first: a call on the union of the two constructors cannot take a map function.
            const W = Arr.from(Array.from(W0, (x) => x + 3 * rng.normal())),
              U = Arr.from(Array.from(U0, (x) => x + 3 * rng.normal()));
            const p: Projection = { kind, rho };
            const before = recordedRadii(params.spec, neuronDistancesSq(params.spec, W, U, W0, U0))[kind];
            project(params.spec, W, U, W0, U0, p);
            const r = recordedRadii(params.spec, neuronDistancesSq(params.spec, W, U, W0, U0));
            expect(r[kind], `${kind} rho ${rho} ${Arr.name} m ${m}`).toBeLessThanOrEqual(rho);
            // ... and on the boundary, not pushed needlessly inward (float32 quantizes a radius of 1e-3
            // around parameters of size 1 to about 1e-4 of it).
            const tol = Arr === Float32Array ? 1e-3 : 1e-12;
            expect(r[kind]).toBeGreaterThan(Math.min(before, rho) * (1 - tol));
            // Idempotent: a second projection changes nothing.
            const [W1, U1] = [W.slice(), U.slice()];
            project(params.spec, W, U, W0, U0, p);
            expect(W).toEqual(W1);
            expect(U).toEqual(U1);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(100 * 2 * 5 * 2);
  });

  it.each([
    ['wasm', 'float32'],
    ['ts', 'float64'],
    ['ts', 'float32'],
  ] as const)('training on %s (%s): every recorded rhoEff / distL2 <= rho', async (name, dtype) => {
    const backend = await getBackend(name, { dtype });
    for (const [recurrence, kind, rho] of [
      ['dense', 'maxnorm', 4],
      ['diagonal', 'maxnorm', 0.3],
      ['dense', 'l2', 0.5],
      ['diagonal', 'l2', 4],
    ] as const) {
      const data = randomData(24, 5, 3, 'final', 11);
      const params = initialize({ recurrence, m: 32, d: 3, alpha: 0.9 }, { seed: 5 });
      using trainer = new Trainer({
        backend,
        params,
        data,
        train: { eta: 40, steps: 60, recordEvery: 1, projection: { kind, rho } },
      });
      const result = await trainer.run();
      const field = kind === 'maxnorm' ? 'rhoEff' : 'distL2';
      const radii = result.records.map((r) => r[field]);
      expect(Math.max(...radii), `${name} ${recurrence} ${kind}`).toBeLessThanOrEqual(rho);
      // The projection was active (the run reaches the boundary), so the check is not vacuous.
      expect(Math.max(...radii)).toBeGreaterThan(rho * (1 - 1e-4));
    }
  });
});

describe('generated inputs stay in the unit ball exactly', () => {
  it.each(['gaussian', 'ar1', 'uniform'] as const)('%s: ||x_t|| <= 1 as float64 and as float32', (kind) => {
    const law = kind === 'ar1' ? { kind, r: 0.9, scale: 3 } : kind === 'gaussian' ? { kind, scale: 5 } : { kind };
    for (const d of [1, 2, 3, 7, 16]) {
      const n = 400,
        T = 20;
      const X = generateInputs(law, n, T, d, makeRng(d, 'unit-ball-test'));
      let onSphere = 0;
      for (let k = 0; k < n * T; k++) {
        let s64 = 0,
          s32 = 0;
        for (let q = 0; q < d; q++) {
          const v = X[k * d + q];
          s64 += v * v;
          s32 += Math.fround(v) * Math.fround(v);
        }
        expect(s64, `${kind} d ${d} vector ${k}`).toBeLessThanOrEqual(1);
        expect(s32, `${kind} d ${d} vector ${k} (float32)`).toBeLessThanOrEqual(1);
        if (s64 > 1 - 1e-6) onSphere++;
      }
      // Most of these laws put mass outside the ball, so most vectors were projected onto the sphere.
      if (kind !== 'uniform' || d > 1) expect(onSphere).toBeGreaterThan(0);
    }
  });
});

describe('step sizes that vanish in float32', () => {
  it.each([1e-320, 1e-40, 2 ** -127])('eta = %s is refused by the trainer options', (eta) => {
    expect(() => parseTrainOptions({ eta, steps: 1 })).toThrow(/field 'eta'.*smallest normal float32/);
  });
  it('the smallest normal float32 is accepted', () => {
    expect(parseTrainOptions({ eta: 2 ** -126, steps: 1 }).eta).toBe(2 ** -126);
  });
  it('train --eta and step --lr refuse it with exit 2, naming the option', async () => {
    const dir = tempDir('eta');
    writeData(join(dir, 'data.json'), randomData(4, 3, 2, 'final'));
    const train = await runCliInProcess([
      'train',
      '--data',
      join(dir, 'data.json'),
      '--out',
      join(dir, 'run'),
      '--recurrence',
      'diagonal',
      '--m',
      '4',
      '--alpha',
      '1',
      '--eta',
      '1e-320',
      '--steps',
      '3',
      '--quiet',
    ]);
    expectCliError(train, /eta.*smallest normal float32/);
    expect(train.status).toBe(2);
    const model = initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 1 });
    const { saveModel } = await import('../../ts/io/model-file.js');
    saveModel(join(dir, 'model.json'), model);
    const step = await runCliInProcess([
      'step',
      '--model',
      join(dir, 'model.json'),
      '--data',
      join(dir, 'data.json'),
      '--lr',
      '1e-40',
      '--out',
      join(dir, 'next.json'),
    ]);
    expectCliError(step, /--lr.*smallest normal float32/);
    expect(step.status).toBe(2);
  });
});

describe('train takes the readout from the data', () => {
  it.each(['final', 'all'] as Readout[])('readout-%s data without --readout', async (readout) => {
    const dir = tempDir('readout');
    writeData(join(dir, 'data.json'), randomData(6, 4, 2, readout));
    const flags = {
      out: join(dir, 'run'),
      data: join(dir, 'data.json'),
      recurrence: 'diagonal',
      m: '4',
      alpha: '1',
      eta: '0.1',
      steps: '2',
      backend: 'ts',
    };
    const summary = await trainCommand(trainConfigFromFlags(flags), { out: flags.out, quiet: true });
    expect(summary.status).toBe('completed');
    // A readout given that contradicts the data is still refused, naming both.
    const other = readout === 'all' ? 'final' : 'all';
    await expect(
      trainCommand(trainConfigFromFlags({ ...flags, readout: other, out: join(dir, 'run2') }), {
        out: join(dir, 'run2'),
        quiet: true,
      }),
    ).rejects.toThrow(new RegExp(`readout '${readout}' but the model asks for readout '${other}'`));
  });
});
