/** E6's sup-norm floor: the largest per-sequence loss at theta_bar lies between the mean loss and n times it. */
import { describe, expect, it } from 'vitest';
import { runPoint } from '../../dist/experiments/point.js';
import { getExperiment, planSweep } from '../../dist/experiments/index.js';
import { getBackend } from '../../dist/entries/index.js';
import { BACKEND } from './helpers.js';

describe('E6: sup-norm error of the oracle theta_bar', () => {
  it('records max_j (1/2)(f_lin - y_j)^2 beside the mean floor', async () => {
    const backend = await getBackend(BACKEND);
    const p = planSweep(getExperiment('E6'), 'quick').find(
      (q) => q.params.n === 64 && q.params.m === 8 && q.seed === 0,
    )!;
    const m = (await runPoint(p, { backend }))!.metrics!;
    expect(m.oracleRisk).toBeGreaterThan(0);
    expect(m.oracleLossMax!).toBeGreaterThan(m.oracleRisk!);
    expect(m.oracleLossMax!).toBeLessThanOrEqual(64 * m.oracleRisk! * (1 + 1e-12));
  });
});
