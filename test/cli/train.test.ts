/** `rnn-gd train` end to end (in process): generated data, files written, records consistent with the model. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainCommand, trainConfigFromFlags } from '../../ts/cli/commands/train.js';
import { readModelFile } from '../../ts/io/model-file.js';
import { getBackend } from '../../ts/backend/index.js';
import { generateData } from '../../ts/data/generate.js';
import { initialize } from '../../ts/train/init.js';
import { readCheckpoint } from '../../ts/io/run-dir.js';
import { tempDir } from '../support/fs.js';

describe('rnn-gd train', () => {
  it('trains on a generated system and writes model, metrics and run info', async () => {
    const out = tempDir('train');
    const config = trainConfigFromFlags({
      out,
      system: 'linear-filter',
      n: '64',
      T: '8',
      d: '3',
      recurrence: 'diagonal',
      m: '64',
      alpha: '0.5',
      eta: '1',
      steps: '60',
      project: '3',
      recordEvery: '20',
      backend: 'ts',
      seed: '7',
    });
    const summary = await trainCommand(config, { out, quiet: true });
    expect(summary.status).toBe('completed');
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',')).toContain('risk');
    expect(csv).toHaveLength(1 + 4); // steps 0, 20, 40, 60
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((r) => r.step)).toEqual([0, 20, 40, 60]);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('completed');
    expect(run.run.backend).toBe('ts float64');
    // The saved model reproduces the final recorded risk on the same generated data.
    const model = readModelFile(join(out, 'model.json'));
    const { train } = await generateData({ system: 'linear-filter', n: 64, T: 8, d: 3 });
    const backend = await getBackend('ts');
    using net = backend.network(model);
    using ws = net.workspace(train.n, train.T);
    ws.setData(train);
    expect(ws.forward().loss).toBeCloseTo(summary.finalRisk!, 10);
    expect(summary.finalRisk!).toBeLessThan(lines[0].risk);
  });

  it('rejects contradictory or unknown options with the option named', () => {
    expect(() => trainConfigFromFlags({ out: '/tmp/x', system: 'delay', data: 'd.json' })).toThrow(
      /--data and --system/,
    );
    expect(() => trainConfigFromFlags({ out: '/tmp/x', data: 'd.json', n: '5' })).toThrow(/--n, --T/);
    expect(() =>
      trainConfigFromFlags({
        out: '/tmp/x',
        data: 'd.json',
        recurrence: 'dense',
        m: '8',
        alpha: '1',
        eta: 'abc',
        steps: '3',
      }),
    ).toThrow(/--eta/);
    expect(() =>
      trainConfigFromFlags({
        out: '/tmp/x',
        data: 'd.json',
        recurrence: 'dense',
        m: '7',
        alpha: '1',
        eta: '1',
        steps: '3',
      }),
    ).toThrow(/model\.m/);
  });
});

describe('rnn-gd train --init', () => {
  it('records the scheme in model.json; a checkpoint of another scheme is refused on resume with the fix', async () => {
    const out = tempDir('train-init');
    const flags = { out, system: 'linear-filter', n: '16', T: '4', d: '2', recurrence: 'dense', m: '8' };
    const config = trainConfigFromFlags({
      ...flags,
      alpha: '1',
      eta: '0.5',
      steps: '4',
      backend: 'ts',
      seed: '3',
      init: 'paired',
    });
    await trainCommand(config, { out, quiet: true });
    const model = readModelFile(join(out, 'model.json'));
    expect(model.init).toBe('paired');
    // Theta(0) as a run of this version without --init (halves) would draw it: not this checkpoint.
    const halves = initialize({ recurrence: 'dense', m: 8, d: 2, alpha: 1 }, { seed: '3' });
    expect(() => readCheckpoint(out, halves, 4, 'float64')).toThrow(
      /initialized by scheme 'paired' but the run's config gives 'halves'.*"scheme": "paired"/,
    );
    const paired = initialize({ recurrence: 'dense', m: 8, d: 2, alpha: 1 }, { seed: '3', scheme: 'paired' });
    expect(readCheckpoint(out, paired, 4, 'float64').params.init).toBe('paired');
    expect(() => trainConfigFromFlags({ ...flags, alpha: '1', eta: '1', steps: '1', init: 'rows' })).toThrow(/scheme/);
  });
});
