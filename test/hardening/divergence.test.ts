/**
 * Divergence: a step size that blows up stops the run with status 'diverged' and a message giving
 * the step, the last finite risk and etaMax; the parameters are the last finite ones and every
 * record is finite, on every backend; `rnn-gd train` exits 3 and keeps model.json and the metrics.
 */
import { tempDir } from '../support/fs.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsBackend, type Backend } from '../../ts/backend/index.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { readModelFile } from '../../ts/io/model-file.js';
import { etaMaxHint } from '../../ts/theory/eta-hint.js';
import { Trainer } from '../../ts/train/trainer.js';
import { randomData } from '../helpers.js';
import { assertAllFinite, runCli } from '../support/cli.js';

const BACKENDS: [string, () => Promise<Backend>][] = [
  ['wasm simd', () => wasmBackend('simd')],
  ['wasm scalar', () => wasmBackend('scalar')],
  ['ts float64', async () => tsBackend()],
  ['ts float32', async () => tsBackend({ dtype: 'float32' })],
];

/** Configurations that diverge: relu blows up (no etaMax in the theory), sin with a huge eta (smooth: etaMax given). */
const CASES = [
  { activation: 'relu', recurrence: 'dense', eta: 1000, batchSize: 0, etaMax: false },
  { activation: 'relu', recurrence: 'dense', eta: 1000, batchSize: 5, etaMax: false },
  { activation: 'sin', recurrence: 'diagonal', eta: 1e30, batchSize: 0, etaMax: true },
  { activation: 'sin', recurrence: 'diagonal', eta: 1e30, batchSize: 4, etaMax: true },
] as const;

describe('divergence on every backend', () => {
  for (const [name, make] of BACKENDS) {
    for (const c of CASES) {
      it(`${name}: ${c.activation} ${c.recurrence} eta=${c.eta} batch=${c.batchSize}`, async () => {
        const backend = await make();
        const params = initialize(
          { recurrence: c.recurrence, m: 8, d: 3, alpha: 1.5, activation: c.activation },
          { seed: 1 },
        );
        const data = randomData(20, 6, 3, 'final', 4);
        for (let k = 0; k < data.X.length; k++) data.X[k] *= 3;
        const trainer = new Trainer({
          backend,
          params,
          data,
          test: randomData(7, 6, 3, 'final', 5),
          train: { eta: c.eta, steps: 300, recordEvery: 1, batchSize: c.batchSize },
          divergenceHint: etaMaxHint,
        });
        try {
          const res = await trainer.run();
          expect(res.status).toBe('diverged');
          expect(res.steps).toBeLessThan(300);
          expect(trainer.step).toBe(res.steps);
          const msg = res.message!;
          expect(msg).toMatch(
            new RegExp(
              `^training diverged at step ${res.steps}: the loss or gradient became NaN/Infinity \\(eta = ${String(c.eta).replace('+', '\\+')}\\); last finite risk [0-9.e+-]+`,
            ),
          );
          expect(msg).toMatch(c.etaMax ? /the theory's etaMax for this setting is [0-9.e+-]+/ : /no etaMax for 'relu'/);
          expect(msg).toMatch(/The parameters are the last finite ones/);
          // the last finite risk in the message is the loss of the last completed step
          const lastRisk = Number(/last finite risk ([0-9.e+-]+)/.exec(msg)![1]);
          expect(Number.isFinite(lastRisk)).toBe(true);
          // last finite parameters, finite records (risk, test risk, norms)
          const p = trainer.params();
          assertAllFinite(p.W);
          assertAllFinite(p.U);
          expect(res.records.length).toBeGreaterThan(0);
          for (const r of res.records) assertAllFinite(r);
          expect(res.records.every((r) => r.step < res.steps)).toBe(true);
          // a diverged trainer does nothing more
          expect(trainer.runSteps(5)).toBe(0);
        } finally {
          trainer.free();
        }
      });
    }
  }

  it('without a divergenceHint the message names no etaMax (the trainer itself knows no theory)', async () => {
    const params = initialize({ recurrence: 'diagonal', m: 8, d: 3, alpha: 1.5, activation: 'sin' }, { seed: 1 });
    const data = randomData(20, 6, 3, 'final', 4);
    for (let k = 0; k < data.X.length; k++) data.X[k] *= 3;
    using trainer = new Trainer({ backend: tsBackend(), params, data, train: { eta: 1e30, steps: 300 } });
    const res = await trainer.run();
    expect(res.status).toBe('diverged');
    expect(res.message).toMatch(/last finite risk [0-9.e+-]+\. The parameters are the last finite ones\.$/);
  });

  it('a loss that is not finite at the initialization: diverged at step 0 with a clear message', async () => {
    const backend = await wasmBackend();
    const params = initialize({ recurrence: 'dense', m: 8, d: 2, alpha: 3, activation: 'relu' }, { seed: 2 });
    const data = randomData(10, 40, 2, 'final');
    for (let k = 0; k < data.X.length; k++) data.X[k] *= 1e38;
    using trainer = new Trainer({ backend, params, data, train: { eta: 0.1, steps: 10 } });
    const res = await trainer.run();
    expect(res.status).toBe('diverged');
    expect(res.steps).toBe(0);
    expect(res.message).toMatch(
      /at step 0: .* no finite risk at all \(the loss is not finite at the initialization: check the scale/,
    );
  });
});

describe('rnn-gd train on divergence', () => {
  for (const backend of ['wasm', 'ts']) {
    it(`${backend}: exit code 3, message on stderr, model.json = last finite parameters, metrics kept`, () => {
      const dir = tempDir('hard');
      const data = randomData(20, 6, 3, 'final', 4);
      for (let k = 0; k < data.X.length; k++) data.X[k] *= 3;
      writeData(join(dir, 'data.json'), data);
      const out = join(dir, 'run');
      const r = runCli([
        'train',
        '--data',
        join(dir, 'data.json'),
        '--out',
        out,
        '--backend',
        backend,
        '--recurrence',
        'dense',
        '--activation',
        'relu',
        '--m',
        '8',
        '--alpha',
        '1.5',
        '--eta',
        '10',
        '--steps',
        '300',
        '--record-every',
        '1',
        '--checkpoint-every',
        '1',
        '--quiet',
      ]);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(
        /^rnn-gd: training diverged at step \d+: .* last finite risk [0-9.e+-]+; the theory gives no etaMax for 'relu'/m,
      );
      const summary = JSON.parse(r.stdout);
      expect(summary.status).toBe('diverged');
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
      expect(run.status).toBe('diverged');
      expect(run.message).toBe(summary.message);
      const model = readModelFile(join(out, 'model.json'));
      assertAllFinite(model.W);
      assertAllFinite(model.U);
      expect(model.meta!.step).toBe(summary.steps);
      const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.length).toBe(summary.steps);
      expect(lines.map((l) => l.step)).toEqual(Array.from({ length: summary.steps }, (_, i) => i));
      for (const l of lines) assertAllFinite(l);
      expect(existsSync(join(out, 'metrics.csv'))).toBe(true);
      // resuming a diverged run is refused (it would diverge again)
      const again = runCli(['train', '--out', out, '--resume', '--quiet']);
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/option --resume: the run in .* diverged .* smaller --eta/);
    });
  }
});
