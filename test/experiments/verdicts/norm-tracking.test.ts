/** E11 (claim 3): does the estimated RKHS norm set the iterations out of the class as in it? Synthetic data. */
import { describe, expect, it } from 'vitest';
import { judgeNormTracking, type NormObs } from '../../../dist/experiments/verdicts/norm-tracking.js';
import { makeRng } from '../../../dist/core/rng.js';

/** Class targets at norms 1..8 and out-of-class ones at 2..16; eta tau = 50 q^slope x offset (out of class) x noise, censored at `cap`. */
function synthetic(o: { slope: number; offset: number; seeds?: number; stream: string; cap?: number }): NormObs[] {
  const rng = makeRng('rnn-gd/test', o.stream);
  const out: NormObs[] = [];
  for (let seed = 0; seed < (o.seeds ?? 5); seed++) {
    const add = (q: number, inClass: boolean) => {
      const norm = q * Math.exp(0.1 * rng.normal());
      const t = 50 * norm ** o.slope * (inClass ? 1 : o.offset) * Math.exp(0.2 * rng.normal());
      const cap = o.cap ?? Infinity;
      out.push({ seed, norm, time: Math.min(t, cap), censored: t > cap, inClass });
    };
    for (const q of [1, 2, 4, 8]) add(q, true);
    for (const q of [2, 5, 16]) add(q, false);
  }
  return out;
}

describe('E11 norm tracking', () => {
  it('matches when out-of-class targets follow the class law in their norm', () => {
    const j = judgeNormTracking(synthetic({ slope: 1, offset: 1, stream: 'same' }));
    expect(j.verdict, j.reason).toBe('matches');
    expect(j.slope.lo!).toBeGreaterThan(0.7);
  });

  it('does not match when out-of-class targets take 5x (or 1/5) the iterations their norm predicts', () => {
    const slow = judgeNormTracking(synthetic({ slope: 1, offset: 5, stream: 'slow' }));
    expect(slow.verdict, slow.reason).toBe('does not match');
    expect(slow.reason).toContain('more iterations');
    const fast = judgeNormTracking(synthetic({ slope: 1, offset: 0.2, stream: 'fast' }));
    expect(fast.verdict, fast.reason).toBe('does not match');
  });

  it('keeps censored runs as lower bounds: a 5x offset censored at the cap still fails', () => {
    const obs = synthetic({ slope: 1, offset: 5, stream: 'cens', cap: 1500 });
    expect(obs.some((o) => o.censored && !o.inClass)).toBe(true);
    expect(judgeNormTracking(obs).verdict).toBe('does not match');
  });

  it('is inconclusive without a class law (flat in the norm) or with four seeds', () => {
    const flat = judgeNormTracking(synthetic({ slope: 0, offset: 1, stream: 'flat' }));
    expect(flat.verdict, flat.reason).toBe('inconclusive');
    expect(judgeNormTracking(synthetic({ slope: 1, offset: 1, seeds: 4, stream: 'four' })).verdict).toBe(
      'inconclusive',
    );
  });
});
