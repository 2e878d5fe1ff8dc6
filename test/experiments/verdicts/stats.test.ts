/** The statistics the verdict rules share: bootstrap, grid intervals, censored regression, law comparison. */
import { describe, expect, it } from 'vitest';
import { seedInterval } from '../../../dist/experiments/stats/bootstrap.js';
import { formatInterval, formatIntervals, gridInterval } from '../../../dist/experiments/stats/grid.js';
import { logNormalTail, tobitFit } from '../../../dist/experiments/stats/tobit.js';
import { compareLaws, extrapolateLaws } from '../../../dist/experiments/stats/laws.js';
import { syntheticTaus, syntheticValues } from '../../../dist/experiments/verdicts/synthetic.js';

describe('seed-cluster bootstrap', () => {
  it('is deterministic, and gives no interval for one seed', () => {
    const clusters = [
      [1, 2],
      [3, 4],
      [5, 9],
      [2, 2],
    ];
    const mean = (s: readonly number[][]) => s.flat().reduce((a, b) => a + b, 0) / s.flat().length;
    const a = seedInterval(clusters, mean, { stream: 'x' });
    expect(seedInterval(clusters, mean, { stream: 'x' })).toEqual(a);
    expect(a.lo!).toBeLessThan(a.estimate!);
    expect(a.hi!).toBeGreaterThan(a.estimate!);
    expect(seedInterval([[1, 2]], mean).lo).toBeNull();
  });
});

describe('grid intervals', () => {
  it('reports the grid step, the floor and the censored top', () => {
    const runs = (m: number) => [2, 4, 6, 8, 12].map((v) => ({ value: v, reached: v >= m }));
    expect(formatInterval(gridInterval(runs(7.9)))).toBe('(6, 8]');
    expect(formatInterval(gridInterval(runs(1)))).toBe('<= 2 (no failing width below)');
    expect(formatInterval(gridInterval(runs(100)))).toBe('> 12 (none reached)');
    expect(formatIntervals([gridInterval(runs(7)), gridInterval(runs(8)), gridInterval(runs(5))])).toBe(
      '(6, 8] x2, (4, 6]',
    );
  });
  it('a width stopped by the plateau rule (a forecast) leaves the lower end unknown, a budget-stopped one does not', () => {
    const runs = [
      { value: 4, reached: false },
      { value: 6, reached: false, forecast: true },
      { value: 8, reached: true },
    ];
    expect(gridInterval(runs)).toEqual({ lo: 4, hi: 8 });
    expect(gridInterval(runs.slice(1))).toEqual({ lo: null, hi: 8 });
    expect(gridInterval([{ value: 6, reached: false, forecast: true }])).toEqual({ lo: null, hi: null });
  });
});

describe('censored (Tobit) regression of ln tau', () => {
  it('has the normal tail right, far out too', () => {
    expect(Math.exp(logNormalTail(0))).toBeCloseTo(0.5, 6);
    expect(Math.exp(logNormalTail(1.959964))).toBeCloseTo(0.025, 5);
    expect(logNormalTail(30)).toBeCloseTo(-454.321, 2); // ln(phi(30)/30) - ln(1 + 1/900) ~ -454.32
  });
  it('recovers the rate under censoring, where imputing the budget biases it down', () => {
    const Ts = [2, 8, 16, 24, 32, 40, 48];
    const obs = syntheticTaus((T) => 20 * Math.exp(0.12 * T), Ts, 2000, {
      seeds: 8,
      sigma: 0.2,
      stream: 'tobit',
      record: 1,
    });
    expect(obs.some((o) => o.censored)).toBe(true);
    const f = tobitFit(obs.map((o) => ({ x: o.T, value: o.steps, censored: o.censored })))!;
    expect(f.identified).toBe(true);
    expect(f.b).toBeGreaterThan(0.105);
    expect(f.b).toBeLessThan(0.135);
    const imputed = tobitFit(obs.map((o) => ({ x: o.T, value: o.steps, censored: false })))!;
    expect(imputed.b).toBeLessThan(0.105); // outside the interval the censored fit meets
  });
});

describe('out-of-sample law comparison', () => {
  it('prefers the law that generated the data', () => {
    const ns = [32, 64, 128, 256, 512, 1024, 2048, 4096];
    const seeds = (law: (n: number) => number, stream: string) => {
      const v = syntheticValues(law, ns, { seeds: 5, sigma: 0.03, stream });
      return [0, 1, 2, 3, 4].map((s) => v.filter((p) => p.seed === s));
    };
    expect(
      compareLaws(
        ['log', 'power', 'saturating'],
        seeds((n) => 0.5 * n ** 0.6, 'pow'),
      ).best,
    ).toBe('power');
    expect(
      compareLaws(
        ['log', 'power', 'saturating'],
        seeds((n) => 2 + 3 * Math.log(n), 'log'),
      ).best,
    ).toBe('log');
    const sat = compareLaws(
      ['log', 'power', 'saturating'],
      seeds((n) => 8 - 60 / n, 'sat'),
    );
    expect(sat.best).toBe('saturating');
    expect(sat.bestShare.saturating).toBeGreaterThan(0.8);
  });
});

describe('out-of-sample prediction of the upper levels', () => {
  const ns = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
  const seeds = (law: (n: number) => number, stream: string) => {
    const v = syntheticValues(law, ns, { seeds: 8, sigma: 0.03, stream });
    return Array.from({ length: 8 }, (_, s) => v.filter((p) => p.seed === s));
  };
  it('fits below the split, predicts at and above it, and ranks the generating law first with an interval', () => {
    const pow = extrapolateLaws(
      ['log', 'power', 'saturating'],
      seeds((n) => 0.5 * n ** 0.6, 'xpow'),
      724,
    );
    expect(pow.fitLevels).toEqual([32, 64, 128, 256, 512]);
    expect(pow.predictLevels).toEqual([1024, 2048, 4096, 8192, 16384]);
    expect(pow.best).toBe('power');
    // Polynomial growth: the log and saturating laws under-predict the upper decades, beyond their intervals.
    expect(pow.error.log.lo!).toBeGreaterThan(pow.error.power.hi!);
    expect(pow.error.saturating.lo!).toBeGreaterThan(pow.error.power.hi!);
    const log = extrapolateLaws(
      ['log', 'power', 'saturating'],
      seeds((n) => 2 + 3 * Math.log(n), 'xlog'),
      724,
    );
    expect(log.best).toBe('log');
    expect(log.error.power.lo!).toBeGreaterThan(log.error.log.hi!);
    const sat = extrapolateLaws(
      ['log', 'power', 'saturating'],
      seeds((n) => 8 - 60 / n, 'xsat'),
      724,
    );
    expect(sat.best).toBe('saturating');
  });
  it('gives no estimate when nothing lies above the split', () => {
    const e = extrapolateLaws(
      ['log'],
      seeds((n) => n, 'xnone'),
      1e6,
    );
    expect(e.predictLevels).toEqual([]);
    expect(e.error.log.estimate).toBeNull();
    // Errors are squared: no interval reaches below 0.
    const noisy = extrapolateLaws(
      ['log', 'power'],
      seeds((n) => 2 + Math.log(n), 'xnoisy'),
      724,
    );
    expect(noisy.error.log.lo!).toBeGreaterThanOrEqual(0);
  });
});
