/**
 * The dense experiment variants: their points are the diagonal experiments' points with the dense
 * recurrence and the dense teacher; the quantity that places the dense cutoff (the spectral radius
 * of W(0)/sqrt(m)) is 1 where the operator norm is 1 + sqrt(2); a dense point with constants
 * records both measured memory quantities.
 */
import { describe, expect, it } from 'vitest';
import { getExperiment, planSweep } from '../../dist/experiments/index.js';
import { runPoint } from '../../dist/experiments/point.js';
import { recurrentRadius, wBar } from '../../dist/metrics.js';
import { initialize } from '../../dist/init.js';
import { tsBackend } from '../../dist/backend/ts-backend.js';

describe('dense variants', () => {
  it('E1-dense, E2-dense and E4-dense are their base sweeps with the dense model and teacher', () => {
    for (const [id, base] of [
      ['E1-dense', 'E1'],
      ['E2-dense', 'E2'],
      ['E4-dense', 'E4'],
    ] as const) {
      const exp = getExperiment(id);
      const baseExp = getExperiment(base);
      expect(exp.search).toEqual(baseExp.search);
      for (const size of ['quick', 'full'] as const) {
        const points = planSweep(exp, size);
        const baseGroups = new Set(planSweep(baseExp, size).map((p) => p.group.slice(base.length)));
        expect(points.length).toBeGreaterThan(0);
        for (const p of points) {
          expect(p.id.startsWith(`${id}/`)).toBe(true);
          expect(p.model.recurrence).toBe('dense');
          expect(p.data.system).toBe('dense-teacher');
          expect((p.data as { alpha?: number }).alpha).toBe(p.model.alpha); // a dense-teacher config (checked above)
          // the same configuration exists in the base sweep
          expect(baseGroups.has(p.group.slice(id.length))).toBe(true);
        }
      }
      expect(exp.setting('quick')).toMatch(/Dense RNN/);
    }
    // the cut grids stay within the dense cost limits
    const e1 = planSweep(getExperiment('E1-dense'), 'quick');
    expect(Math.max(...e1.map((p) => Number(p.params.m)))).toBeLessThanOrEqual(64);
    expect(getExperiment('E2-dense').claim).toMatch(/rho\(W\(0\)\/sqrt m\)/);
  });

  it('the dense init has spectral radius ~1 and operator norm ~2 (halves) or ~1 + sqrt(2) (paired), scaled by 1/sqrt(m)', () => {
    const m = 128;
    // halves: G/sqrt(m/2) twice (circular law radius 1, norm 2); paired: [G; G]/sqrt(m), norm sqrt(2)(1/sqrt(2) + 1).
    for (const [scheme, lo, hi] of [
      ['halves', 1.75, 2.15],
      ['paired', 2.15, 2.7],
    ] as const) {
      for (let s = 0; s < 3; s++) {
        const p = initialize(
          { recurrence: 'dense', activation: 'tanh', readout: 'final', m, d: 2, alpha: 1 },
          { seed: s, scheme },
        );
        const r = recurrentRadius(p.spec, p.W);
        const n = wBar(p.spec, p.W, { exact: true });
        (expect(r).toBeGreaterThan(0.85), expect(r).toBeLessThan(1.2));
        (expect(n).toBeGreaterThan(lo), expect(n).toBeLessThan(hi));
      }
    }
    // diagonal: the radius is max |w_i|
    const d = initialize(
      { recurrence: 'diagonal', activation: 'tanh', readout: 'final', m: 8, d: 2, alpha: 1 },
      { seed: 0 },
    );
    expect(recurrentRadius(d.spec, d.W)).toBe(Math.max(...Array.from(d.W, Math.abs)));
  });

  it('a dense point with constants records the spectral radius and the measured memory decay', async () => {
    const exp = getExperiment('E2-dense');
    const point = planSweep(exp, 'quick').find((p) => p.params.m === 32 && p.params.T === 4 && p.params.alpha === 2)!;
    const r = await runPoint({ ...point, train: { ...point.train, steps: 20 } }, { backend: tsBackend() });
    expect(r!.status).toBe('ok');
    expect(r!.metrics!.radius0).toBeGreaterThan(0.7);
    expect(r!.metrics!.radius0).toBeLessThan(1.6);
    expect(r!.metrics!.memoryDecay).toBeGreaterThan(0);
    expect(r!.metrics!.gradConst).toBeGreaterThan(0);
  });
});
