/** E2 / E2-dense / E8 cutoff rule against synthetic iteration counts, with censoring. */
import { describe, expect, it } from 'vitest';
import { CUTOFF_RULE, judgeCutoff, judgeSeries, type Regime } from '../../../dist/experiments/verdicts/cutoff.js';
import { syntheticTaus } from '../../../dist/experiments/verdicts/synthetic.js';

const TS = [2, 4, 8, 16, 32, 64];
const BUDGET = 5000;
const flat = (T: number) => 50 + 0 * T;
const exp = (T: number) => 20 * Math.exp(0.1 * T);
const series = (law: (T: number) => number, regime: Regime, stream: string, extra = {}) => ({
  label: stream,
  regime,
  judgement: judgeSeries(syntheticTaus(law, TS, BUDGET, { seeds: 5, sigma: 0.15, stream, ...extra }), regime, stream),
});

describe('memory cutoff', () => {
  it('matches: flat below, exponential above (the T = 64 runs censored at the budget)', () => {
    const long = series(exp, 'long', 'long-exp');
    expect(long.judgement.censored).toBeGreaterThan(0);
    const v = judgeCutoff([series(flat, 'short', 'short-flat'), long]);
    expect(v.verdict, v.reason).toBe('matches');
  });

  it('does not match exponential growth below the cutoff', () => {
    const v = judgeCutoff([series(exp, 'short', 'short-exp'), series(exp, 'long', 'long-exp2')]);
    expect(v.verdict, v.reason).toBe('does not match');
  });

  it('does not match polynomial growth above the cutoff, although its rate interval lies above 0', () => {
    const poly = series((T) => 10 * T ** 1.5, 'long', 'long-poly');
    expect(poly.judgement.rate!.lo!).toBeGreaterThan(0); // "rate > 0" alone would call it exponential
    expect(poly.judgement.expShare!).toBeLessThan(1 - CUTOFF_RULE.PREFER);
    expect(judgeCutoff([series(flat, 'short', 's'), poly]).verdict).toBe('does not match');
  });

  it('is inconclusive when the long side is censored (the old "blow-up" flag) or plateau-stopped at 510', () => {
    const blowup = series((T) => (T <= 2 ? 40 : 1e6), 'long', 'blowup');
    expect(blowup.judgement.verdict).toBe('inconclusive');
    expect(judgeCutoff([series(flat, 'short', 's2'), blowup]).verdict).toBe('inconclusive');
    const plateau = series((T) => (T <= 4 ? 40 * T : 1e6), 'long', 'plateau', { stopAt: 510 });
    expect(plateau.judgement.verdict).toBe('inconclusive');
  });

  it('is inconclusive with two seeds or without a judged series on both sides', () => {
    const obs = syntheticTaus(exp, TS, BUDGET, { seeds: 2, sigma: 0.1, stream: 'two' });
    expect(judgeSeries(obs, 'long', 'two').verdict).toBe('inconclusive');
    expect(judgeCutoff([series(exp, 'long', 'only-long')]).verdict).toBe('inconclusive');
  });

  it('is inconclusive under heavy noise on a slow exponential', () => {
    const s = series((T) => 50 * Math.exp(0.02 * T), 'long', 'noisy', { sigma: 1, seeds: 5 });
    expect(s.judgement.verdict, s.judgement.reason).toBe('inconclusive');
  });
});

describe('memory cutoff: a base of steps plus growth (offset laws, censored likelihood)', () => {
  const TS2 = [4, 8, 12, 16, 24, 32, 40, 48];
  it('100 + T^2 is polynomial, not exponential, also with its largest T censored', () => {
    // A pure-law comparison (no tau0) calls this exponential: ln tau is convex in ln T.
    const obs = syntheticTaus((T) => 100 + T ** 2, TS2, 2000, { seeds: 5, sigma: 0.1, stream: 'T2' });
    expect(obs.some((o) => o.censored)).toBe(true);
    const j = judgeSeries(obs, 'long', 'T2');
    expect(j.expShare!, j.reason).toBeLessThanOrEqual(1 - CUTOFF_RULE.PREFER);
    expect(j.verdict, j.reason).toBe('does not match');
    expect(judgeSeries(obs, 'short', 'T2s').verdict).toBe('matches');
  });
  it('100 + 5 e^(0.2 T) is exponential, with its largest T censored', () => {
    const obs = syntheticTaus((T) => 100 + 5 * Math.exp(0.2 * T), TS2, 20000, {
      seeds: 5,
      sigma: 0.1,
      stream: 'e02',
    });
    expect(obs.some((o) => o.censored)).toBe(true);
    const j = judgeSeries(obs, 'long', 'e02');
    expect(j.expShare!, j.reason).toBeGreaterThanOrEqual(CUTOFF_RULE.PREFER);
    expect(j.rate!.lo!).toBeLessThan(0.2);
    expect(j.rate!.hi!).toBeGreaterThan(0.2);
    expect(j.verdict, j.reason).toBe('matches');
    expect(judgeSeries(obs, 'short', 'e02s').verdict).toBe('does not match');
  });
});
