/**
 * E10 (projection gain): the plan pairs GD and projected GD on the same init and data, and the
 * analysis follows the measured gain: PGD needing a power of 1/eps fewer steps and widths matches,
 * PGD scaling like GD does not, a projection that never acts is not counted.
 */
import { describe, expect, it } from 'vitest';
import { getExperiment, planSweep } from '../../dist/experiments/index.js';
import type { PointResult } from '../../dist/experiments/types.js';
import { runPoint } from '../../dist/experiments/point.js';
import { getBackend } from '../../dist/entries/index.js';
import { BACKEND } from './helpers.js';

const E10 = getExperiment('E10');
const NU = 4.5;

/** Every point of the quick grid, seeds 0..4 (the rules need 5): tau = tauLaw(eps, algo), reached iff m >= mLaw(eps, algo). */
function results(
  tauLaw: (eps: number, algo: string) => number,
  mLaw: (eps: number, algo: string) => number,
  acts = true,
): PointResult[] {
  return E10.configs('quick').flatMap((t) =>
    [0, 1, 2, 3, 4].map((seed) => {
      const p = t.params as { quantity: string; algo: string; eps: number; m?: number };
      const f = 1 + 0.05 * seed;
      const tau = Math.ceil((tauLaw(p.eps, p.algo) * f) / 10) * 10;
      const reached = p.quantity === 'tau' ? true : p.m! >= mLaw(p.eps, p.algo) * f;
      const pgd = p.algo === 'pgd';
      return {
        status: 'ok',
        seed,
        params: p,
        config: { train: { steps: 4000 } },
        data: { teacher: { storedMap: { nuW: NU / Math.SQRT2, nuU: NU / Math.SQRT2 } } },
        metrics: {
          reached,
          stepsToEps: reached ? tau : null,
          steps: reached ? tau : 4000,
          stopped: reached ? 'eps' : 'plateau',
          bestRel: reached ? p.eps : 2 * p.eps,
          rho: pgd ? NU : null,
          // GD drifts further the longer it runs (smaller eps).
          rhoEffMax: pgd ? (acts ? NU : 0.5 * NU) : NU * (0.01 / p.eps) ** 0.2,
          boundaryFraction: pgd ? (acts ? 0.2 : 0) : null,
          nu: NU,
          memoryFactorMax: 1.15,
          drift: 0.3,
        },
        curve: [],
      } as unknown as PointResult;
    }),
  );
}

describe('E10: projection gain', () => {
  it('pairs GD and projected GD (rho = nu) on the same init and data, at even widths', () => {
    const points = planSweep(E10, 'quick');
    for (const p of points) {
      expect(p.rhoOverNu).toBe(p.params.algo === 'pgd' ? 1 : undefined);
      if (p.params.quantity === 'mstar') expect(Number(p.params.m) % 2).toBe(0);
    }
    const seed0 = points.filter((p) => p.seed === 0);
    expect(new Set(seed0.map((p) => `${JSON.stringify(p.data)}|${p.dataSeed}|${p.init.seed}`)).size).toBe(1);
    const eps = [...new Set(points.map((p) => Number(p.params.eps)))];
    expect(Math.max(...eps) / Math.min(...eps)).toBeGreaterThanOrEqual(10);
  });

  it('trains a projected point inside the ball of radius nu and a GD point without one (small n, short budget)', async () => {
    const backend = await getBackend(BACKEND);
    const at = (algo: string) => {
      const p = planSweep(E10, 'quick').find(
        (q) => q.params.quantity === 'tau' && q.params.algo === algo && q.params.eps === 0.001 && q.seed === 0,
      )!;
      return { ...p, data: { ...p.data, n: 32 }, train: { ...p.train, steps: 300 } };
    };
    const pgd = (await runPoint(at('pgd'), { backend }))!.metrics!;
    const gd = (await runPoint(at('gd'), { backend }))!.metrics!;
    expect(pgd.rho).toBeCloseTo(pgd.nu!, 6);
    expect(pgd.rhoEffMax).toBeLessThanOrEqual(pgd.rho! * (1 + 1e-3));
    expect(gd.rho).toBeNull();
    expect(gd.nu).toBe(pgd.nu); // same teacher and data: the pair differs only by the projection
  });

  it('matches when PGD needs (1/eps)^1 fewer steps and a power fewer widths', () => {
    const a = E10.analyze(
      results(
        (e, algo) => (algo === 'gd' ? 0.2 / e ** 2 : 2 / e),
        (e, algo) => (algo === 'gd' ? 0.05 / e ** 0.8 : 3),
      ),
      'quick',
    );
    expect(a.verdict, a.reason).toBe('matches');
    expect(a.tables.map((t) => t.title)[0]).toMatch(/tau/);
  });

  it('does not match when PGD scales like GD', () => {
    const a = E10.analyze(
      results(
        (e) => 2 / e,
        (e) => 0.05 / e ** 0.8,
      ),
      'quick',
    );
    expect(a.verdict, a.reason).toBe('does not match');
    expect(a.reason).toMatch(/shows in the bounds only/);
  });

  it('is inconclusive when the projection never acts (those pairs are GD and not counted)', () => {
    const a = E10.analyze(
      results(
        (e, algo) => (algo === 'gd' ? 0.2 / e ** 2 : 2 / e),
        () => 4,
        false,
      ),
      'quick',
    );
    expect(a.verdict).toBe('inconclusive');
    expect(a.reason).toMatch(/never acted/);
  });
});
