/**
 * E3 from run records to verdict: which runs the rule sees (the projection acted or not, rho_s above
 * rho) and how projected runs are paired with GD. The rule's own tests (others.test.ts) build its
 * input directly, so a loosening of this step would pass them.
 */
import { describe, expect, it } from 'vitest';
import { E3 } from '../../../dist/experiments/presets/e3-projection.js';
import type { PointResult } from '../../../dist/experiments/types.js';

/** A run record with the fields E3's analysis reads; rho = 'inf' is plain GD. */
const run = (seed: number, rho: string, risk: number, rhoEffMax: number, boundary = 0): PointResult =>
  ({
    params: { m: 16, rho },
    seed,
    status: 'ok',
    config: { train: { steps: 1500 } },
    metrics: {
      bestRisk: risk,
      finalTestRisk: risk,
      rhoEffMax,
      rho: rho === 'inf' ? null : Number(rho),
      memoryFactorMax: 1,
      boundaryFraction: rho === 'inf' ? null : boundary,
    },
    curve: [],
  }) as unknown as PointResult;

const GD = [1e-4, 1e-3, 1e-2, 3e-3, 3e-4];
const sweep = (projected: (seed: number) => PointResult) =>
  GD.flatMap((risk, seed) => [run(seed, 'inf', risk, 3), projected(seed)]);

describe('E3 from runs', () => {
  it('a ball the runs never reached is not evidence: inconclusive', () => {
    const a = E3.analyze(
      sweep((s) => run(s, '1', GD[s] * 1.05, 0.5)),
      'quick',
    );
    expect(a.verdict).toBe('inconclusive');
    expect(a.reason).toContain('never acted');
  });
  it('the projection acted (neurons on the boundary) and cost 3x GD: does not match', () => {
    expect(
      E3.analyze(
        sweep((s) => run(s, '1', GD[s] * 3, 0.99, 0.2)),
        'quick',
      ).verdict,
    ).toBe('does not match');
  });
  it('the projection acted (rho_s reached rho) and cost 5%: matches, each run paired with GD of its own seed', () => {
    // GD's risks differ 100x between seeds: pairing across seeds would give ratios up to 100.
    expect(
      E3.analyze(
        sweep((s) => run(s, '1', GD[s] * 1.05, 1)),
        'quick',
      ).verdict,
    ).toBe('matches');
  });
  it('rho_s above rho beyond float32 rounding: does not match', () => {
    const a = E3.analyze(
      sweep((s) => run(s, '1', GD[s], s === 0 ? 1.01 : 1, 0.2)),
      'quick',
    );
    expect(a.verdict).toBe('does not match');
  });
});
