/** E9's analysis on synthetic results (5 seeds, as the rules need): the verdict follows the measured gap's rate in m and its growth in T. */
import { describe, expect, it } from 'vitest';
import { getExperiment } from '../../ts/experiments/registry.js';
import type { PointResult } from '../../ts/experiments/types.js';

const E9 = getExperiment('E9');

function results(gap: (m: number, alpha: number, T: number) => number): PointResult[] {
  return E9.configs('quick').flatMap((t) =>
    [0, 1, 2, 3, 4].map((seed) => {
      const { m, alpha, T } = t.params as { m: number; alpha: number; T: number };
      const g = gap(m, alpha, T) * (1 + 0.01 * seed);
      return {
        status: 'ok',
        seed,
        params: t.params,
        metrics: { linGapRms: g, linGapMax: 3 * g, finalRisk: 0.01, linRisk: 0.011, kernelRisk: 0.011 },
        curve: [{ step: 0, risk: 0.5, linRisk: 0.5, kernelRisk: 0.5 }],
      } as unknown as PointResult;
    }),
  );
}

describe('E9 analysis', () => {
  // The rule asks the gap to shrink at least like m^-1/2 with its interval clear of -1/2 (GAP_RULE in ts/experiments/verdicts/linearization.ts).
  it('a gap ~ m^-1 that grows faster above the cutoff matches', () => {
    const a = E9.analyze(
      results((m, alpha, T) => m ** -1 * (alpha > 1 ? 1.3 ** T : 1)),
      'quick',
    );
    expect(a.verdict).toBe('matches');
    expect(a.fits[0].params.p).toBeCloseTo(-1, 1);
    expect(a.plots.map((p) => p.name)).toEqual(['E9-gap-width', 'E9-gap-length', 'E9-risk-curves']);
  });

  it('a gap that does not shrink with m does not match', () => {
    expect(
      E9.analyze(
        results(() => 0.1),
        'quick',
      ).verdict,
    ).toBe('does not match');
  });

  it('the right rate in m but no growth above the cutoff is inconclusive', () => {
    const a = E9.analyze(
      results((m, alpha) => m ** -0.5 * (alpha > 1 ? 0.5 : 1)),
      'quick',
    );
    expect(a.verdict).toBe('inconclusive');
  });
});
