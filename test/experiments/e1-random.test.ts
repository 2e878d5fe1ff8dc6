/** E1-random: E1's sweep on random labels (n from 16, wider widths, eps = 0.1), judged as a control. */
import { describe, expect, it } from 'vitest';
import { getExperiment, planSweep } from '../../dist/experiments/index.js';
import type { PointResult } from '../../dist/experiments/types.js';

const CTRL = getExperiment('E1-random');

/** Every point of the quick grid, seeds 0..4 (the rules need 5), reaching iff m >= law(n) (the teacher arm: teacherLaw). */
function results(law: (n: number) => number, teacherLaw = law): PointResult[] {
  return CTRL.configs('quick').flatMap((t) =>
    [0, 1, 2, 3, 4].map((seed) => {
      const n = Number(t.params.n);
      const m = Number(t.params.m);
      const reached = m >= (t.params.labels === 'teacher' ? teacherLaw : law)(n) * (1 + 0.05 * seed);
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
  it('plans random labels, n from 16, widths beyond E1 and eps = 0.1, and a teacher arm on the same inputs', () => {
    const points = planSweep(CTRL, 'quick');
    const random = points.filter((p) => p.params.labels === 'random');
    const teacher = points.filter((p) => p.params.labels === 'teacher');
    expect(random.length).toBe(teacher.length);
    expect(random.length + teacher.length).toBe(points.length);
    expect(random.every((p) => (p.data as { labels?: string }).labels === 'random')).toBe(true);
    expect(teacher.some((p) => (p.data as { labels?: string }).labels !== undefined)).toBe(false);
    // The same inputs: each teacher point has its random twin's data seed and settings.
    for (const t of teacher) {
      const twin = random.find((r) => r.params.n === t.params.n && r.params.m === t.params.m && r.seed === t.seed)!;
      expect(t.dataSeed).toBe(twin.dataSeed);
      expect([t.measure, t.train.steps]).toEqual([twin.measure, twin.train.steps]);
    }
    expect(Math.min(...points.map((p) => Number(p.params.n)))).toBe(16);
    expect(Math.max(...points.map((p) => Number(p.params.m)))).toBe(256);
    expect(points.every((p) => p.measure.eps === 0.1 && p.data.n === p.params.n)).toBe(true);
  });
  it("full: the lazy control, E1's drift limit inherited, n = 4..64 and widths to 8192", () => {
    const ts = CTRL.configs('full');
    expect([...new Set(ts.map((t) => Number(t.params.n)))]).toEqual([4, 8, 16, 32, 64]);
    expect(new Set(ts.map((t) => t.params.labels))).toEqual(new Set(['random', 'teacher']));
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
  it('judges the random arm only, and reports the teacher arm beside it', () => {
    // Random labels grow, the teacher arm is flat: the control passes, and the teacher arm is reported.
    const a = CTRL.analyze(
      results(
        (n) => n / 4,
        () => 6,
      ),
      'quick',
    );
    expect(a.verdict).toBe('matches');
    const fit = a.fits.find((f) => f.name.startsWith('teacher arm'))!;
    expect(Math.abs(fit.params.p as number)).toBeLessThan(0.1);
    expect((a.notes ?? []).some((n) => n.startsWith('Teacher arm') && n.includes('reported, not judged'))).toBe(true);
    expect(a.tables.at(-1)!.title).toMatch(/^teacher arm/);
    // A teacher arm that grows does not rescue a flat random arm.
    expect(
      CTRL.analyze(
        results(
          () => 6,
          (n) => n / 4,
        ),
        'quick',
      ).verdict,
    ).toBe('does not match');
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
