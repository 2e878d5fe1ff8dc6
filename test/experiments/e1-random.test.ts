/** E1-random: E1's sweep on random labels (n from 16, wider widths, eps = 0.1), judged as a control. */
import { describe, expect, it } from 'vitest';
import { getExperiment, planSweep } from '../../dist/experiments/index.js';
import type { PointResult } from '../../dist/experiments/types.js';

const CTRL = getExperiment('E1-random');

/** Every point of the quick grid, seeds 0..4 (the rules need 5), reaching iff m >= law(n). */
function results(law: (n: number) => number): PointResult[] {
  return CTRL.configs('quick').flatMap((t) =>
    [0, 1, 2, 3, 4].map((seed) => {
      const n = Number(t.params.n);
      const m = Number(t.params.m);
      const reached = m >= law(n) * (1 + 0.05 * seed);
      return {
        status: 'ok',
        seed,
        params: t.params,
        config: { train: t.train },
        metrics: {
          reached,
          bestRel: reached ? 0.1 : 0.5,
          stepsToEps: reached ? 100 : null,
          steps: reached ? 100 : 8000,
          stopped: reached ? 'eps' : 'steps',
        },
        curve: [],
      } as unknown as PointResult;
    }),
  );
}

describe('E1-random: the control of claim 1', () => {
  it('plans random labels, n from 16, widths beyond E1 and eps = 0.1', () => {
    const points = planSweep(CTRL, 'quick');
    expect(points.every((p) => (p.data as { labels?: string }).labels === 'random')).toBe(true);
    expect(Math.min(...points.map((p) => Number(p.params.n)))).toBe(16);
    expect(Math.max(...points.map((p) => Number(p.params.m)))).toBe(256);
    expect(points.every((p) => p.measure.eps === 0.1 && p.data.n === p.params.n)).toBe(true);
  });
  it("full: the lazy control, E1's drift limit inherited, n = 4..64 and widths to 8192", () => {
    const ts = CTRL.configs('full');
    expect([...new Set(ts.map((t) => Number(t.params.n)))]).toEqual([4, 8, 16, 32, 64]);
    expect(Math.max(...ts.map((t) => Number(t.params.m)))).toBe(8192);
    expect(ts.every((t) => t.measure.maxDrift === 0.05 && t.measure.eps === 0.1 && !t.measure.oracle)).toBe(true);
    expect(CTRL.setting('full')).toContain('kernel drift at that point is <= 0.05');
    expect(CTRL.setting('full')).not.toContain('approximation floor');
  });
  it('matches when m* grows like n/4 and does not when m* is flat', () => {
    expect(
      CTRL.analyze(
        results((n) => n / 4),
        'quick',
      ).verdict,
    ).toBe('matches');
    const flat = CTRL.analyze(
      results(() => 6),
      'quick',
    );
    expect(flat.verdict).toBe('does not match');
    expect(flat.reason).toMatch(/^Control failed/);
  });
});

describe('E1 and E1-random: independent data per n', () => {
  it('one data seed per (n, seed), shared by the widths of that n', () => {
    for (const id of ['E1', 'E1-random']) {
      const pts = planSweep(getExperiment(id), 'quick', { grid: true });
      const seedsOf = (pred: (p: (typeof pts)[number]) => boolean) => new Set(pts.filter(pred).map((p) => p.dataSeed));
      const ns = [...new Set(pts.map((p) => Number(p.params.n)))];
      // The widths of one (n, seed) share their data ...
      for (const n of ns) expect(seedsOf((p) => p.params.n === n && p.seed === 0).size).toBe(1);
      // ... and different n of one seed do not (the old design nested them: one seed for every n).
      expect(seedsOf((p) => p.seed === 0).size).toBe(ns.length);
    }
  });
});
