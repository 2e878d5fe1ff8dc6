/** The trainer's side-by-side linearization (TrainerInit.linearized): records, exactness at step 0, width. */
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../ts/backend/index.js';
import { generateData } from '../../ts/data/index.js';
import { initialize } from '../../ts/train/init.js';
import { Trainer } from '../../ts/train/trainer.js';

async function run(m: number, steps: number, extra: { batchSize?: number } = {}) {
  const backend = await getBackend('wasm');
  const { train, test } = await generateData({ system: 'transport', n: 48, nTest: 16, T: 6, d: 3, seed: 4 });
  const params = initialize({ recurrence: 'diagonal', activation: 'tanh', m, d: 3, alpha: 0.6 }, { seed: 2 });
  using trainer = new Trainer({
    backend,
    params,
    data: train,
    test: test ?? undefined,
    linearized: true,
    train: { eta: 1, steps, recordEvery: 10, projection: { kind: 'maxnorm', rho: 4 }, ...extra },
  });
  return (await trainer.run()).records;
}

describe('Trainer with the linearization side by side', () => {
  it('linearStatus: where the linearization diverged and its last finite risk, while the network goes on', async () => {
    const backend = await getBackend('wasm');
    const { train } = await generateData({ system: 'transport', n: 32, nTest: 0, T: 8, d: 2, alpha: 1.5, seed: 1 });
    const params = initialize({ recurrence: 'diagonal', activation: 'tanh', m: 16, d: 2, alpha: 1.5 }, { seed: 1 });
    const make = (eta: number) =>
      new Trainer({ backend, params, data: train, linearized: true, train: { eta, steps: 100, recordEvery: 10 } });
    using wild = make(20);
    const result = await wild.run();
    expect(result.status).toBe('completed'); // the network itself is bounded (tanh)
    const status = wild.linearStatus()!;
    expect(status.diverged).toBe(true);
    expect(status.step).toBeGreaterThan(0);
    expect(status.step).toBeLessThan(100);
    // The last finite risk is the linearized loss at the step before: above every recorded one.
    const recorded = result.records.filter((r) => r.linRisk !== undefined).map((r) => r.linRisk!);
    expect(recorded.at(-1)!).toBeGreaterThan(1e20);
    expect(status.lastFiniteRisk!).toBeGreaterThanOrEqual(recorded.at(-1)!);
    expect(result.records.at(-1)!.linRisk).toBeUndefined();
    using calm = make(0.5);
    await calm.run();
    expect(calm.linearStatus()).toEqual({ diverged: false, step: null, lastFiniteRisk: null });
    using plain = new Trainer({ backend, params, data: train, train: { eta: 0.5, steps: 10 } });
    expect(plain.linearStatus()).toBeNull();
  });

  it('records both risks and the gap; at step 0 the two models are the same function', async () => {
    const records = await run(32, 40);
    expect(records.map((r) => r.step)).toEqual([0, 10, 20, 30, 40]);
    const [first, last] = [records[0], records.at(-1)!];
    expect(first.linGapRms).toBe(0);
    expect(first.linGapMax).toBe(0);
    expect(first.linTestGapMax).toBe(0);
    expect(first.linRisk).toBe(first.risk);
    expect(first.linTestRisk).toBe(first.testRisk);
    expect(last.linRisk!).toBeLessThan(first.linRisk!);
    expect(last.linGapRms!).toBeGreaterThan(0);
    expect(last.linGapMax!).toBeGreaterThanOrEqual(last.linGapRms!);
  });

  it('the gap shrinks as the width grows (kernel regime)', async () => {
    const gaps = [];
    for (const m of [16, 256]) gaps.push((await run(m, 60)).at(-1)!.linGapRms!);
    expect(gaps[1]).toBeLessThan(0.5 * gaps[0]);
  });

  it('refuses mini-batch SGD', async () => {
    await expect(run(16, 10, { batchSize: 8 })).rejects.toThrow(/full-batch GD/);
  });
});
