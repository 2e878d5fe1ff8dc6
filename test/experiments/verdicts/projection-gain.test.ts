/** E10's rule against synthetic measurements: a gain of (1/eps)^1 matches, none does not, noise or inactivity is inconclusive. */
import { describe, expect, it } from 'vitest';
import { GAIN_RULE, judgeGain, type GainPair } from '../../../dist/experiments/verdicts/projection-gain.js';
import { syntheticValues } from '../../../dist/experiments/verdicts/synthetic.js';

const EPS = [0.1, 0.03, 0.01, 0.003, 0.001];

/** tau_GD ~ (1/eps)^bGd, tau_PGD ~ (1/eps)^bPgd, each with seed noise; censored above `budget`. */
function pairs(
  bGd: number,
  bPgd: number,
  stream: string,
  o: { sigma?: number; seeds?: number; budget?: number; active?: boolean } = {},
): GainPair[] {
  const noise = { seeds: o.seeds ?? 5, sigma: o.sigma ?? 0.1 };
  const gd = syntheticValues((e) => 10 * (1 / e) ** bGd, EPS, { ...noise, stream: `${stream}/gd` });
  const pg = syntheticValues((e) => 10 * (1 / e) ** bPgd, EPS, { ...noise, stream: `${stream}/pgd` });
  const cap = (y: number) =>
    o.budget !== undefined && y > o.budget ? { value: o.budget, censored: true } : { value: y, censored: false };
  return gd.map((g, i) => ({ eps: g.x, seed: g.seed, gd: cap(g.y), pgd: cap(pg[i].y), active: o.active ?? true }));
}

describe('E10: projection gain', () => {
  it('matches a gain of one power of 1/eps (GD ~ eps^-2, PGD ~ eps^-1)', () => {
    const j = judgeGain(pairs(2, 1, 'true'), 'tau', 't');
    expect(j.verdict, j.reason).toBe('matches');
    expect(j.gain!.estimate!).toBeCloseTo(1, 0);
  });
  it('does not match when PGD scales like GD (no gain)', () => {
    const j = judgeGain(pairs(1, 1, 'false'), 'tau', 't');
    expect(j.verdict, j.reason).toBe('does not match');
    expect(j.gain!.hi!).toBeLessThan(GAIN_RULE.MIN_GAIN);
  });
  it('reads censored GD runs as "larger than" and still finds the gain', () => {
    const ps = pairs(2, 1, 'cens', { budget: 2e5 });
    expect(ps.some((p) => p.gd.censored)).toBe(true);
    const j = judgeGain(ps, 'tau', 't');
    expect(j.censored.gd).toBeGreaterThan(0);
    expect(j.verdict, j.reason).toBe('matches');
  });
  it('is inconclusive when the projection never acts, with 2 seeds, or when noise straddles the threshold', () => {
    const inactive = judgeGain(pairs(2, 1, 'off', { active: false }), 'tau', 't');
    expect(inactive.verdict).toBe('inconclusive');
    expect(inactive.inactive.length).toBe(25);
    expect(judgeGain(pairs(2, 1, 'two', { seeds: 2 }), 'tau', 't').verdict).toBe('inconclusive');
    const noisy = judgeGain(pairs(1.5, 1, 'noisy', { sigma: 1.5, seeds: 3 }), 'tau', 't');
    expect(noisy.verdict, noisy.reason).toBe('inconclusive');
  });
  it('needs eps spanning a decade among the active pairs', () => {
    const ps = pairs(2, 1, 'span').map((p) => ({ ...p, active: p.eps >= 0.03 }));
    const j = judgeGain(ps, 'tau', 't');
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/spanning a factor 10/);
  });
});
