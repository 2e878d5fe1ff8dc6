/** E1-random's control rule: polynomial growth of m* on random labels passes, a flat m* fails the pipeline. */
import { describe, expect, it } from 'vitest';
import { judgeWidthControl } from '../../../dist/experiments/verdicts/control.js';
import { syntheticWidths } from '../../../dist/experiments/verdicts/synthetic.js';

const NS = [16, 32, 64, 128, 256];
const GRID = [2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];

describe('E1-random: the control', () => {
  it('matches m* ~ n/5 (the pipeline sees polynomial growth)', () => {
    const j = judgeWidthControl(syntheticWidths((n) => n / 5, NS, GRID, { seeds: 5, sigma: 0.15, stream: 'ctl/poly' }));
    expect(j.verdict, j.reason).toBe('matches');
    expect(j.reason).toMatch(/^Control passed/);
  });
  it('does not match a flat m* (the pipeline cannot show growth even where it must exist)', () => {
    const j = judgeWidthControl(syntheticWidths(() => 10, NS, GRID, { seeds: 5, sigma: 0.15, stream: 'ctl/flat' }));
    expect(j.verdict, j.reason).toBe('does not match');
  });
  it('reads searches where no width reached as "larger than" and still sees the growth', () => {
    const units = syntheticWidths((n) => n / 2, NS, GRID.slice(0, 10), { seeds: 5, sigma: 0.15, stream: 'ctl/cens' });
    const j = judgeWidthControl(units);
    expect(j.censored).toBeGreaterThan(0);
    expect(j.verdict, j.reason).toBe('matches');
  });
  it('is inconclusive with two seeds or when no width reaches', () => {
    expect(
      judgeWidthControl(syntheticWidths((n) => n / 5, NS, GRID, { seeds: 2, sigma: 0.15, stream: 'ctl/two' })).verdict,
    ).toBe('inconclusive');
    expect(
      judgeWidthControl(syntheticWidths((n) => 1000 * n, NS, GRID, { seeds: 5, sigma: 0.15, stream: 'ctl/none' }))
        .verdict,
    ).toBe('inconclusive');
  });
});
