/** E11 (claim 3): does the estimated RKHS norm set the iterations out of the class as in it? Synthetic data. */
import { describe, expect, it } from 'vitest';
import {
  judgeBothLaws,
  judgeNormTracking,
  judgeWidthTracking,
  type NormObs,
  type NormWidthObs,
} from '../../../dist/experiments/verdicts/norm-tracking.js';
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

/** m* = 4 q^slope x offset (out of class) x noise, read as its interval on the grid 2, 4, ..., 256 (none reached above). */
function syntheticWidth(o: { slope: number; offset: number; seeds?: number; stream: string }): NormWidthObs[] {
  const rng = makeRng('rnn-gd/test', o.stream);
  const grid = [2, 4, 8, 16, 32, 64, 128, 256];
  const out: NormWidthObs[] = [];
  for (let seed = 0; seed < (o.seeds ?? 6); seed++) {
    const add = (q: number, inClass: boolean) => {
      const norm = q * Math.exp(0.1 * rng.normal());
      const mStar = 4 * norm ** o.slope * (inClass ? 1 : o.offset) * Math.exp(0.3 * rng.normal());
      const k = grid.findIndex((m) => m >= mStar);
      out.push({
        seed,
        norm,
        inClass,
        lo: k < 0 ? grid[grid.length - 1] : k === 0 ? null : grid[k - 1],
        hi: k < 0 ? null : grid[k],
      });
    };
    for (const q of [1, 2, 4, 8]) add(q, true);
    for (const q of [2, 5, 16]) add(q, false);
  }
  return out;
}

describe('E11 width tracking (m* on the width grid)', () => {
  it('matches when out-of-class m* follows the class law in the norm, and does not when it needs 6x (or 1/6) the width', () => {
    const same = judgeWidthTracking(syntheticWidth({ slope: 1, offset: 1, stream: 'w-same' }));
    expect(same.verdict, same.reason).toBe('matches');
    const wide = judgeWidthTracking(syntheticWidth({ slope: 1, offset: 6, stream: 'w-wide' }));
    expect(wide.verdict, wide.reason).toBe('does not match');
    expect(wide.reason).toContain('a larger width');
    const narrow = judgeWidthTracking(syntheticWidth({ slope: 1, offset: 1 / 6, stream: 'w-narrow' }));
    expect(narrow.verdict, narrow.reason).toBe('does not match');
  });

  it('is inconclusive without a class law, or when no out-of-class width reached', () => {
    expect(judgeWidthTracking(syntheticWidth({ slope: 0, offset: 1, stream: 'w-flat' })).verdict).toBe('inconclusive');
    const none = syntheticWidth({ slope: 1, offset: 1, stream: 'w-none' }).map((o) =>
      o.inClass ? o : { ...o, lo: 256, hi: null },
    );
    expect(judgeWidthTracking(none).verdict).toBe('inconclusive');
  });

  it('the verdict of E11 needs both laws: either failing fails it, both matching matches', () => {
    const j = (verdict: 'matches' | 'does not match' | 'inconclusive') =>
      ({ verdict, reason: verdict, slope: {}, offset: {} }) as never;
    expect(judgeBothLaws(j('matches'), j('matches')).verdict).toBe('matches');
    expect(judgeBothLaws(j('matches'), j('inconclusive')).verdict).toBe('inconclusive');
    expect(judgeBothLaws(j('inconclusive'), j('does not match')).verdict).toBe('does not match');
    expect(judgeBothLaws(j('does not match'), j('matches')).verdict).toBe('does not match');
  });
});
