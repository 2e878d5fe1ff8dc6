/**
 * `rnn-gd eval` and `rnn-gd step`: the pure functions in-process (ts backend), checked by hand,
 * and the built CLI (dist/) when it has been built with these commands.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI as cli } from '../support/paths.js';
import { afterAll, describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/index.js';
import { evalCommand, evaluate } from '../../ts/cli/commands/eval.js';
import { stepCommand, stepModel } from '../../ts/cli/commands/step.js';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { readModelFile, saveModel } from '../../ts/io/model-file.js';
import type { Dataset, ModelParams, Recurrence, Readout } from '../../ts/core/types.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// RNN_GD_CLI may point at another build of cli/main.js (e.g. a scratch outDir).
// Only when dist/ was built with these commands (the tests never build anything themselves).

function data(n: number, T: number, d: number, readout: Readout): Dataset {
  const X = Float64Array.from({ length: n * T * d }, (_, i) => 0.6 * Math.sin(1.3 * i + 0.2));
  const Y = Float64Array.from({ length: readout === 'all' ? n * T : n }, (_, i) => 0.4 * Math.cos(2.1 * i));
  return { n, T, d, X, Y };
}

/** A model away from its initialization (so W != W0 and the symmetric output is not 0). */
function model(recurrence: Recurrence, readout: Readout, m = 6, d = 2): ModelParams {
  const p = initialize({ recurrence, activation: 'tanh', readout, m, d, alpha: 0.8 }, { seed: `cli-${recurrence}` });
  p.W = p.W.map((v, i) => v + 0.05 * Math.sin(i + 1));
  p.U = p.U.map((v, i) => v - 0.07 * Math.cos(3 * i));
  return p;
}

/** Independent forward pass written straight from docs/spec/model.md sections 2 and 5 (loops, float64). */
function reference(p: ModelParams, ds: Dataset): { predictions: number[]; loss: number } {
  const { m, d, alpha, recurrence, readout } = p.spec;
  const preds: number[] = [];
  let sum = 0;
  for (let j = 0; j < ds.n; j++) {
    let h = new Array<number>(m).fill(0);
    for (let t = 0; t < ds.T; t++) {
      const next = new Array<number>(m);
      for (let i = 0; i < m; i++) {
        let rec = 0;
        if (recurrence === 'dense') {
          for (let k = 0; k < m; k++) rec += p.W[i * m + k] * h[k];
          rec *= alpha / Math.sqrt(m);
        } else {
          rec = alpha * p.W[i] * h[i];
        }
        let inp = 0;
        for (let k = 0; k < d; k++) inp += p.U[i * d + k] * ds.X[(j * ds.T + t) * d + k];
        next[i] = Math.tanh(rec + inp);
      }
      h = next;
      if (readout === 'all' || t === ds.T - 1) {
        let f = 0;
        for (let i = 0; i < m; i++) f += p.c[i] * h[i];
        f /= Math.sqrt(m);
        preds.push(f);
        const y = ds.Y[readout === 'all' ? j * ds.T + t : j];
        sum += (f - y) ** 2;
      }
    }
  }
  return { predictions: preds, loss: sum / (2 * preds.length) };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
};

const cases = [
  ['diagonal', 'final'],
  ['diagonal', 'all'],
  ['dense', 'final'],
  ['dense', 'all'],
] as const;

describe('evaluate / evalCommand', () => {
  it.each(cases)(
    '%s %s: predictions and loss match an independent forward pass and the ts backend',
    async (rec, readout) => {
      const p = model(rec, readout);
      const ds = data(4, 5, 2, readout);
      const r = await evaluate(p, ds, { backend: 'ts' });
      expect(Object.keys(r)).toEqual(['predictions', 'loss']);
      const ref = reference(p, ds);
      close(r.predictions, ref.predictions, 1e-13);
      expect(Math.abs(r.loss - ref.loss)).toBeLessThanOrEqual(1e-14);
      const net = tsBackend().network(p);
      const ws = net.workspace(ds.n, ds.T);
      ws.setData(ds);
      expect(r.loss).toBe(ws.forward().loss);
    },
  );

  it.each(cases)('%s %s: --grad gives the gradient of the loss (central differences)', async (rec, readout) => {
    const p = model(rec, readout);
    const ds = data(3, 4, 2, readout);
    const r = await evaluate(p, ds, { backend: 'ts', grad: true });
    expect(Object.keys(r)).toEqual(['predictions', 'loss', 'grad']);
    expect(Object.keys(r.grad!)).toEqual(['W', 'U']);
    expect(r.grad!.W.length).toBe(p.W.length);
    expect(r.grad!.U.length).toBe(p.U.length);
    const h = 1e-6;
    for (const [name, k] of [
      ['W', 0],
      ['W', p.W.length - 1],
      ['U', 1],
      ['U', p.U.length - 2],
    ] as const) {
      const plus = { ...p, [name]: p[name].slice() } as ModelParams;
      const minus = { ...p, [name]: p[name].slice() } as ModelParams;
      plus[name][k] += h;
      minus[name][k] -= h;
      const fd = (reference(plus, ds).loss - reference(minus, ds).loss) / (2 * h);
      expect(Math.abs(r.grad![name][k] - fd)).toBeLessThan(1e-8);
    }
  });

  it('files: JSON and npy data give the same answer; readout and d mismatches are clear errors', async () => {
    const p = model('diagonal', 'final');
    const mPath = join(dir, 'm.json');
    saveModel(mPath, p);
    const ds = data(3, 4, 2, 'final');
    writeData(join(dir, 'd.json'), ds);
    writeData(join(dir, 'd-npy'), ds);
    const a = await evalCommand({ model: mPath, data: join(dir, 'd.json'), backend: 'ts', grad: true });
    const b = await evalCommand({ model: mPath, data: join(dir, 'd-npy'), backend: 'ts', grad: true });
    expect(b).toEqual(a);
    writeData(join(dir, 'd-all.json'), data(3, 4, 2, 'all'));
    await expect(evalCommand({ model: mPath, data: join(dir, 'd-all.json'), backend: 'ts' })).rejects.toThrow(
      /d-all\.json: Y has 12 values \(targets for readout 'all'\) but model .*m\.json has readout 'final', which needs 3/,
    );
    writeData(join(dir, 'd3.json'), data(3, 4, 3, 'final'));
    await expect(evalCommand({ model: mPath, data: join(dir, 'd3.json'), backend: 'ts' })).rejects.toThrow(
      /d = 3 but model .* has d = 2/,
    );
  });

  it('wasm backend agrees with ts to float32 accuracy', async () => {
    const p = model('dense', 'all');
    const ds = data(4, 5, 2, 'all');
    const w = await evaluate(p, ds, { backend: 'wasm', grad: true });
    const t = await evaluate(p, ds, { backend: 'ts', grad: true });
    close(w.predictions, t.predictions, 1e-4);
    expect(Math.abs(w.loss - t.loss)).toBeLessThan(1e-4 * Math.max(1, t.loss));
    close(w.grad!.W, t.grad!.W, 1e-3);
    close(w.grad!.U, t.grad!.U, 1e-3);
  });
});

describe('stepModel / stepCommand', () => {
  it.each(cases)('%s %s: new W = W - lr * grad, U likewise; c, W0, U0 carried over exactly', async (rec, readout) => {
    const p = model(rec, readout);
    const ds = data(4, 3, 2, readout);
    const lr = 0.3;
    const { grad, loss } = await evaluate(p, ds, { backend: 'ts', grad: true });
    const s = await stepModel(p, ds, { lr, backend: 'ts' });
    expect(Math.abs(s.loss - loss)).toBeLessThanOrEqual(1e-15 * Math.max(1, loss)); // BPTT sums in another order
    const gn = Math.hypot(...grad!.W, ...grad!.U);
    expect(Math.abs(s.gradNorm - gn)).toBeLessThan(1e-14 * Math.max(1, gn));
    close(
      s.params.W,
      Array.from(p.W, (v, i) => v - lr * grad!.W[i]),
      1e-15,
    );
    close(
      s.params.U,
      Array.from(p.U, (v, i) => v - lr * grad!.U[i]),
      1e-15,
    );
    expect(Array.from(s.params.W0)).toEqual(Array.from(p.W0));
    expect(Array.from(s.params.U0)).toEqual(Array.from(p.U0));
    expect(Array.from(s.params.c)).toEqual(Array.from(p.c));
    expect(s.params.spec).toEqual(p.spec);
  });

  it.each(['dense', 'diagonal'] as const)(
    '%s: --project rho keeps every neuron within rho/sqrt(m) of its init, as the closed form says',
    async (rec) => {
      const p = model(rec, 'final', 8, 3);
      const ds = data(5, 4, 3, 'final');
      const { m, d } = p.spec;
      const rho = 0.05;
      const lr = 50; // large, so neurons hit the boundary
      const free = await stepModel(p, ds, { lr, backend: 'ts' });
      const s = await stepModel(p, ds, { lr, project: rho, backend: 'ts' });
      const wPer = rec === 'dense' ? m : 1;
      let onBoundary = 0;
      for (let i = 0; i < m; i++) {
        const rowW = (q: ModelParams) => Array.from(q.W.subarray(i * wPer, (i + 1) * wPer));
        const rowU = (q: ModelParams) => Array.from(q.U.subarray(i * d, (i + 1) * d));
        const init = [...p.W0.subarray(i * wPer, (i + 1) * wPer), ...p.U0.subarray(i * d, (i + 1) * d)];
        const unproj = [...rowW(free.params), ...rowU(free.params)];
        const proj = [...rowW(s.params), ...rowU(s.params)];
        const dist = Math.hypot(...unproj.map((v, k) => v - init[k]));
        const scale = Math.min(1, rho / Math.sqrt(m) / dist);
        close(
          proj,
          unproj.map((v, k) => init[k] + (v - init[k]) * scale),
          1e-14,
        );
        const after = Math.hypot(...proj.map((v, k) => v - init[k]));
        expect(after).toBeLessThanOrEqual(rho / Math.sqrt(m) + 1e-12);
        if (scale < 1) onBoundary++;
      }
      expect(onBoundary).toBeGreaterThan(0);
      expect(Array.from(s.params.W0)).toEqual(Array.from(p.W0));
      expect(Array.from(s.params.U0)).toEqual(Array.from(p.U0));
    },
  );

  it('stepCommand writes the model file (W0/U0 carried over, meta kept) and steps chain', async () => {
    const p = { ...model('diagonal', 'all'), meta: { run: 'chain' } };
    const ds = data(3, 4, 2, 'all');
    saveModel(join(dir, 's0.json'), p);
    writeData(join(dir, 's-data.json'), ds);
    const r1 = await stepCommand({
      model: join(dir, 's0.json'),
      data: join(dir, 's-data.json'),
      lr: 0.5,
      project: 1,
      backend: 'ts',
      out: join(dir, 's1.json'),
    });
    expect(r1.out).toBe(join(dir, 's1.json'));
    await stepCommand({
      model: join(dir, 's1.json'),
      data: join(dir, 's-data.json'),
      lr: 0.5,
      project: 1,
      backend: 'ts',
      out: join(dir, 's2.json'),
    });
    const m2 = readModelFile(join(dir, 's2.json'));
    expect(Array.from(m2.W0)).toEqual(Array.from(p.W0));
    expect(Array.from(m2.U0)).toEqual(Array.from(p.U0));
    expect(m2.meta).toEqual({ run: 'chain' });
    const l0 = (await evaluate(p, ds, { backend: 'ts' })).loss;
    const l2 = (await evaluate(m2, ds, { backend: 'ts' })).loss;
    expect(l2).toBeLessThan(l0);
  });

  it('refuses bad options', async () => {
    const p = model('diagonal', 'final');
    const ds = data(3, 4, 2, 'final');
    await expect(stepModel(p, ds, { lr: 0, backend: 'ts' })).rejects.toThrow(/--lr: must be > 0, got 0/);
    await expect(stepModel(p, ds, { lr: Number.NaN, backend: 'ts' })).rejects.toThrow(/--lr/);
    await expect(stepModel(p, ds, { lr: 0.1, project: -1, backend: 'ts' })).rejects.toThrow(/--project: must/);
    // @ts-expect-error a name outside BackendName is what this checks
    await expect(stepModel(p, ds, { lr: 0.1, backend: 'cuda' })).rejects.toThrow(/unknown backend 'cuda'/);
  });
});

describe('built CLI (dist/cli/main.js)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

  it('eval prints the JSON object of docs/formats.md, equal to evalCommand', async () => {
    const p = model('dense', 'final');
    saveModel(join(dir, 'c-m.json'), p);
    writeData(join(dir, 'c-d.json'), data(3, 4, 2, 'final'));
    const r = run(
      'eval',
      '--model',
      join(dir, 'c-m.json'),
      '--data',
      join(dir, 'c-d.json'),
      '--grad',
      '--backend',
      'ts',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['predictions', 'loss', 'grad']);
    expect(out).toEqual(
      await evalCommand({ model: join(dir, 'c-m.json'), data: join(dir, 'c-d.json'), grad: true, backend: 'ts' }),
    );
    const noGrad = JSON.parse(
      run('eval', '--model', join(dir, 'c-m.json'), '--data', join(dir, 'c-d.json'), '--backend', 'ts').stdout,
    );
    expect(Object.keys(noGrad)).toEqual(['predictions', 'loss']);
  });

  it('step takes the step size as --eta, with --lr an alias; --version prints the package version', () => {
    const p = model('diagonal', 'final');
    saveModel(join(dir, 'c-eta.json'), p);
    writeData(join(dir, 'c-eta-d.json'), data(3, 4, 2, 'final'));
    const args = (flag: string[], out: string) => [
      'step',
      '--model',
      join(dir, 'c-eta.json'),
      '--data',
      join(dir, 'c-eta-d.json'),
      ...flag,
      '--backend',
      'ts',
      '--out',
      join(dir, out),
    ];
    const viaEta = run(...args(['--eta', '0.1'], 'eta.json'));
    const viaLr = run(...args(['--lr', '0.1'], 'lr.json'));
    expect(viaEta.status, viaEta.stderr).toBe(0);
    expect(viaLr.status, viaLr.stderr).toBe(0);
    expect(readFileSync(join(dir, 'eta.json'), 'utf8')).toBe(readFileSync(join(dir, 'lr.json'), 'utf8'));
    const both = run(...args(['--eta', '0.1', '--lr', '0.1'], 'both.json'));
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--eta and --lr are the same step size/);
    const none = run(...args([], 'none.json'));
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/required option '--eta <eta>'/);
    const v = run('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
  });

  it('step writes --out; errors go to stderr with a non-zero exit code', () => {
    const p = model('diagonal', 'final');
    saveModel(join(dir, 'c-s.json'), p);
    writeData(join(dir, 'c-sd.json'), data(3, 4, 2, 'final'));
    const r = run(
      'step',
      '--model',
      join(dir, 'c-s.json'),
      '--data',
      join(dir, 'c-sd.json'),
      '--lr',
      '0.1',
      '--project',
      '2',
      '--backend',
      'ts',
      '--out',
      join(dir, 'c-s2.json'),
    );
    expect(r.status, r.stderr).toBe(0);
    const next = JSON.parse(readFileSync(join(dir, 'c-s2.json'), 'utf8'));
    expect(next.format).toBe('rnn-gd.model/1');
    expect(next.W0).toEqual(Array.from(p.W0));
    const badLr = run(
      'step',
      '--model',
      join(dir, 'c-s.json'),
      '--data',
      join(dir, 'c-sd.json'),
      '--lr',
      'fast',
      '--backend',
      'ts',
      '--out',
      join(dir, 'x.json'),
    );
    expect(badLr.status).not.toBe(0);
    expect(badLr.stderr).toMatch(/--lr: expected a finite number, got 'fast'/);
    writeData(join(dir, 'c-all.json'), data(3, 4, 2, 'all'));
    const mismatch = run(
      'eval',
      '--model',
      join(dir, 'c-s.json'),
      '--data',
      join(dir, 'c-all.json'),
      '--backend',
      'ts',
    );
    expect(mismatch.status).not.toBe(0);
    expect(mismatch.stderr).toMatch(/readout 'final'/);
    const missing = run(
      'eval',
      '--model',
      join(dir, 'nope.json'),
      '--data',
      join(dir, 'c-all.json'),
      '--backend',
      'ts',
    );
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/model file .*nope\.json: cannot read/);
  });
});
