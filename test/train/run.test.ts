/**
 * prepareRun (ts/train/run.ts): d and the readout from the data, refusals that name the data set, the
 * Trainer it makes (the same run as one built by hand), its overrides and the divergence hint.
 */
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/index.js';
import { ValidationError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { prepareRun, type TrainRunConfig } from '../../ts/train/run.js';
import { Trainer } from '../../ts/train/trainer.js';
import { randomData } from '../helpers.js';

const backend = tsBackend();
const config: TrainRunConfig = {
  model: { recurrence: 'dense', activation: 'tanh', m: 6, alpha: 0.8 },
  init: { seed: 3 },
  train: { eta: 0.2, steps: 20, recordEvery: 5 },
};

describe('prepareRun', () => {
  it('takes d and the readout from the data and trains exactly like a Trainer built by hand', async () => {
    const data = randomData(12, 5, 3, 'all', 1);
    const test = randomData(4, 7, 3, 'all', 2);
    const run = prepareRun(config, { data, test, backend });
    expect(run.spec).toMatchObject({ d: 3, readout: 'all', m: 6 });
    const byHand = initialize({ ...config.model, d: 3, readout: 'all' }, config.init);
    expect(run.params).toEqual(byHand);
    const a = run.trainer();
    const b = new Trainer({ backend, params: byHand, data, test, train: config.train });
    try {
      const [ra, rb] = [await a.run(), await b.run()];
      expect(ra.status).toBe('completed');
      expect(ra.records.map(({ wallMs, ...r }) => r)).toEqual(rb.records.map(({ wallMs, ...r }) => r));
    } finally {
      a.free();
      b.free();
    }
  });

  it('refuses a model or test set that does not fit the data, naming the data set and the field', () => {
    const data = randomData(8, 4, 2, 'final');
    const names = { data: 'data D.json', test: 'test data E.json' };
    const cases: [TrainRunConfig, Parameters<typeof prepareRun>[1], RegExp][] = [
      [
        { ...config, model: { ...config.model, readout: 'all' } },
        { data, backend, names },
        /^data D\.json: targets are for readout 'final' but the model asks for readout 'all'$/,
      ],
      [
        { ...config, model: { ...config.model, d: 5 } },
        { data, backend, names },
        /^data D\.json: d = 2 but the model config says d = 5$/,
      ],
      [
        config,
        { data, test: randomData(3, 4, 3, 'final'), backend, names },
        /^test data E\.json: d = 3 but the training data has d = 2$/,
      ],
      [
        config,
        { data, test: randomData(3, 4, 2, 'all'), backend },
        /^test data: targets are for readout 'all' but the training data's are for readout 'final'$/,
      ],
    ];
    for (const [c, inputs, message] of cases) {
      expect(() => prepareRun(c, inputs)).toThrow(ValidationError);
      expect(() => prepareRun(c, inputs)).toThrow(message);
    }
  });

  it('trainer(): other train options, a resume from a checkpoint, and the etaMax hint on divergence', async () => {
    const data = randomData(10, 5, 2, 'final', 4);
    const run = prepareRun(config, { data, backend });
    const full = run.trainer({ train: { ...config.train, steps: 10 } });
    try {
      await full.run();
      expect(full.step).toBe(10);
      const from = { params: full.params(), resume: { ...full.state(), records: full.records } };
      const resumed = run.trainer({ from });
      try {
        expect(resumed.step).toBe(10);
        const r = await resumed.run();
        expect(r.steps).toBe(config.train.steps);
      } finally {
        resumed.free();
      }
    } finally {
      full.free();
    }
    // As in test/hardening/divergence.test.ts: a step size that blows up.
    const loud = randomData(20, 6, 3, 'final', 4);
    for (let k = 0; k < loud.X.length; k++) loud.X[k] *= 3;
    const wild = prepareRun(
      { model: { recurrence: 'diagonal', activation: 'sin', m: 8, alpha: 1.5 }, train: { eta: 1e30, steps: 300 } },
      { data: loud, backend },
    ).trainer();
    try {
      const r = await wild.run();
      expect(r.status).toBe('diverged');
      expect(r.message).toMatch(/the theory's etaMax for this setting is [0-9.e+-]+/);
    } finally {
      wild.free();
    }
  });
});
