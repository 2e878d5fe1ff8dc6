/** E2 / E8: the rate of tau(T) against the measured memory decay (verdicts/decay-rate.ts), on synthetic iteration counts. */
import { describe, expect, it } from 'vitest';
import { judgeDecayRate, predictedRate } from '../../../dist/experiments/verdicts/decay-rate.js';
import { syntheticTaus } from '../../../dist/experiments/verdicts/synthetic.js';

const TS = [2, 4, 6, 8, 10, 12, 14, 16];
const BUDGET = 120000;
const taus = (law: (T: number) => number, stream: string, extra = {}) =>
  syntheticTaus(law, TS, BUDGET, { seeds: 5, sigma: 0.15, stream, ...extra });

describe('rate of tau(T) against 2 ln(memory decay)', () => {
  it('predicts 2 ln a above a = 1 and 0 below', () => {
    expect(predictedRate(1.2)).toBeCloseTo(2 * Math.log(1.2), 12);
    expect(predictedRate(0.8)).toBe(0);
  });

  it('matches tau ~ a^(2T) with the measured a = 1.15, and flat tau with a = 0.6', () => {
    const up = judgeDecayRate(
      taus((T) => 200 * 1.15 ** (2 * T), 'up'),
      1.15,
    );
    expect(up.verdict, up.reason).toBe('matches');
    const flat = judgeDecayRate(
      taus(() => 500, 'flat'),
      0.6,
    );
    expect(flat.verdict, flat.reason).toBe('matches');
  });

  it('does not match flat tau where the decay predicts growth, nor growth where it predicts none', () => {
    const flat = judgeDecayRate(
      taus(() => 500, 'flat-above'),
      1.15,
    );
    expect(flat.verdict, flat.reason).toBe('does not match');
    const grows = judgeDecayRate(
      taus((T) => 200 * Math.exp(0.3 * T), 'grows-below'),
      0.8,
    );
    expect(grows.verdict, grows.reason).toBe('does not match');
  });

  it('does not match a rate twice the prediction (tau ~ a^(4T))', () => {
    const j = judgeDecayRate(
      taus((T) => 50 * 1.15 ** (4 * T), 'double'),
      1.15,
    );
    expect(j.verdict, j.reason).toBe('does not match');
  });

  it('keeps censored runs as lower bounds: growth censored at the budget still matches', () => {
    const obs = syntheticTaus((T) => 2000 * 1.2 ** (2 * T), TS, 60000, { seeds: 5, sigma: 0.15, stream: 'cens' });
    expect(obs.some((o) => o.censored)).toBe(true);
    const j = judgeDecayRate(obs, 1.2);
    expect(j.verdict, j.reason).toBe('matches');
  });

  it('is inconclusive with four seeds, under heavy noise, or without a measured decay', () => {
    expect(
      judgeDecayRate(
        taus(() => 500, 'four', { seeds: 4 }),
        0.6,
      ).verdict,
    ).toBe('inconclusive');
    const noisy = judgeDecayRate(
      taus((T) => 200 * 1.1 ** (2 * T), 'noisy', { sigma: 1.5 }),
      1.1,
    );
    expect(noisy.verdict, noisy.reason).toBe('inconclusive');
    expect(
      judgeDecayRate(
        taus(() => 500, 'none'),
        null,
      ).verdict,
    ).toBe('inconclusive');
  });
});
