/**
 * The NTK along training (TrainerInit.kernelEvery, `rnn-gd train --kernel-every K`): drift from K0,
 * centered alignment with K0 and the top eigenvalues, on a fixed seeded subsample of the training
 * data, at step 0, every K steps and the last step; written to metrics.jsonl and metrics.csv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateData } from '../../ts/data/generate.js';
import { initialize } from '../../ts/train/init.js';
import { Trainer } from '../../ts/train/trainer.js';
import { kernelSubsample } from '../../ts/theory/kernel-track.js';
import type { MetricRecord } from '../../ts/core/metrics.js';
import { backend } from '../helpers.js';
import { runCliInProcess } from '../support/cli.js';
import { tempDir } from '../support/fs.js';

const { train } = await generateData({ system: 'transport', n: 96, nTest: 0, T: 8, d: 2, alpha: 0.5, seed: 4 });

async function kernelRun(
  name: 'wasm' | 'ts',
  m: number,
  opts: { steps?: number; every?: number; samples?: number; eta?: number } = {},
): Promise<MetricRecord[]> {
  const params = initialize({ recurrence: 'diagonal', activation: 'tanh', m, d: 2, alpha: 0.5 }, { seed: 2 });
  const trainer = new Trainer({
    backend: await backend(name),
    params,
    data: train,
    train: { eta: opts.eta ?? 1, steps: opts.steps ?? 200, recordEvery: 10, seed: 5 },
    kernelEvery: opts.every ?? 50,
    kernelSamples: opts.samples,
  });
  try {
    await trainer.run();
    return trainer.records.filter((r) => r.ntkDrift !== undefined);
  } finally {
    trainer.free();
  }
}

describe('kernelEvery', () => {
  it('measures at step 0, every K steps and the last step; alignment 1 and drift 0 at step 0', async () => {
    const recs = await kernelRun('wasm', 8, { steps: 230, every: 50 });
    expect(recs.map((r) => r.step)).toEqual([0, 50, 100, 150, 200, 230]);
    expect(recs[0].ntkDrift).toBe(0);
    expect(recs[0].ntkAlignment).toBeCloseTo(1, 12);
    for (const r of recs) {
      expect(r.ntkTopEigs).toHaveLength(3);
      expect(r.ntkTopEigs![0]).toBeGreaterThanOrEqual(r.ntkTopEigs![1]);
      expect(r.ntkTopEigs![1]).toBeGreaterThanOrEqual(r.ntkTopEigs![2]);
    }
  });

  it('drift grows with the steps at small m and stays small at large m (lazy)', async () => {
    const narrow = await kernelRun('wasm', 8, { steps: 400, every: 50, eta: 0.25 });
    const wide = await kernelRun('wasm', 512, { steps: 400, every: 50, eta: 0.25 });
    const d = (rs: MetricRecord[]) => rs.map((r) => r.ntkDrift!);
    expect(d(narrow)).toHaveLength(9);
    for (let k = 1; k < narrow.length; k++) expect(d(narrow)[k]).toBeGreaterThan(d(narrow)[k - 1]);
    expect(d(narrow).at(-1)!).toBeGreaterThan(0.15);
    expect(Math.max(...d(wide))).toBeLessThan(0.02);
    expect(Math.min(...wide.map((r) => r.ntkAlignment!))).toBeGreaterThan(0.99);
    expect(narrow.at(-1)!.ntkAlignment!).toBeLessThan(wide.at(-1)!.ntkAlignment!);
  });

  it('ts and wasm agree within the float32 tolerance', async () => {
    const [a, b] = [await kernelRun('ts', 16, { steps: 100 }), await kernelRun('wasm', 16, { steps: 100 })];
    expect(a.map((r) => r.step)).toEqual(b.map((r) => r.step));
    for (let k = 0; k < a.length; k++) {
      expect(Math.abs(a[k].ntkDrift! - b[k].ntkDrift!)).toBeLessThan(1e-4);
      expect(Math.abs(a[k].ntkAlignment! - b[k].ntkAlignment!)).toBeLessThan(1e-5);
      for (let e = 0; e < 3; e++)
        expect(Math.abs(a[k].ntkTopEigs![e] - b[k].ntkTopEigs![e]) / a[k].ntkTopEigs![0]).toBeLessThan(1e-4);
    }
  });

  it('uses a fixed seeded subsample of the size asked (all sequences when n is smaller)', () => {
    const s1 = kernelSubsample(train, 32, 5),
      s2 = kernelSubsample(train, 32, 5),
      s3 = kernelSubsample(train, 32, 6);
    expect(s1.n).toBe(32);
    expect(s1.X).toEqual(s2.X);
    expect(s1.X).not.toEqual(s3.X);
    expect(kernelSubsample(train, 500, 5).n).toBe(96);
  });

  it('refuses a K that is not a multiple of recordEvery, and a subsample of one sequence', async () => {
    await expect(kernelRun('ts', 4, { every: 15 })).rejects.toThrow(
      /'kernelEvery': expected a positive multiple of recordEvery = 10, got 15/,
    );
    await expect(kernelRun('ts', 4, { samples: 1 })).rejects.toThrow(/'kernelSamples': expected an integer >= 2/);
  });
});

describe('rnn-gd train --kernel-every', () => {
  const args = (out: string, extra: string[]) => [
    'train',
    ...['--system', 'transport', '--n', '48', '--T', '6', '--d', '2', '--recurrence', 'diagonal', '--m', '8'],
    ...['--alpha', '0.5', '--eta', '1', '--steps', '60', '--record-every', '10', '--quiet', '--out', out],
    ...extra,
  ];
  it('writes the kernel metrics to metrics.jsonl and metrics.csv (ntkEig1..3)', async () => {
    const out = tempDir('kernel');
    const r = await runCliInProcess(args(out, ['--kernel-every', '20', '--kernel-samples', '16']));
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'ntkDrift' in l).map((l) => l.step)).toEqual([0, 20, 40, 60]);
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    expect(header).toEqual(expect.arrayContaining(['ntkDrift', 'ntkAlignment', 'ntkEig1', 'ntkEig2', 'ntkEig3']));
    const row0 = csv[1].split(',');
    expect(Number(row0[header.indexOf('ntkAlignment')])).toBeCloseTo(1, 12);
    expect(Number(row0[header.indexOf('ntkEig1')])).toBe(lines[0].ntkTopEigs[0]);
  });
  it('a resumed run measures what an uninterrupted one does (same subsample, K0 from the checkpoint W0/U0)', async () => {
    const [whole, part] = [tempDir('kernel'), tempDir('kernel')];
    const ts = ['--backend', 'ts', '--kernel-every', '20'];
    expect((await runCliInProcess(args(whole, ts))).status).toBe(0);
    const first = args(part, ts).map((a) => (a === '60' ? '40' : a)); // --steps 40
    expect((await runCliInProcess(first)).status).toBe(0);
    const resumed = await runCliInProcess([...args(part, ts), '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const kernel = (out: string) =>
      readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => 'ntkDrift' in l)
        .map(({ step, ntkDrift, ntkAlignment, ntkTopEigs }) => ({ step, ntkDrift, ntkAlignment, ntkTopEigs }));
    expect(kernel(part)).toEqual(kernel(whole));
  });

  it.each([
    [['--kernel-every', '15'], /--kernel-every: 15 is not a multiple of the record interval 10/],
    [['--kernel-every', '0'], /--kernel-every: expected an integer >= 1/],
    [['--kernel-every', 'often'], /--kernel-every: expected a finite number/],
    [['--kernel-every', '20', '--kernel-samples', '1'], /--kernel-samples: expected an integer >= 2/],
    [['--kernel-samples', '8'], /--kernel-samples: .*give both/],
  ])('refuses %j with exit 2, writing nothing', async (extra, message) => {
    const out = tempDir('kernel-bad');
    const r = await runCliInProcess(args(out, extra));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(() => readFileSync(join(out, 'run.json'))).toThrow();
  });
});
