/**
 * Claim 3 (E11): is the estimated RKHS norm of a target what sets the iterations, in and out of
 * the function class? For class targets the theorem ties the iterations to the norm (eta tau
 * <= 2 nu^2 / eps); E11 asks whether targets outside the class (delay recall beyond the memory,
 * NARMA-10, a teacher above the cutoff) follow the same law in their estimated norm q (the
 * kernel-regression norm under the empirical NTK at init, measure.rkhsRidge).
 *
 * Model (censored likelihood, stats/tobit.ts): ln(eta tau) = a + b ln q + c [out of class]. b is
 * the class law's slope; c the out-of-class offset at equal norm. Both get seed-level t-intervals
 * (jackknife over seeds). A run stopped before eps says only eta tau > what it ran.
 */
import type { Verdict } from '../experiment.js';
import { fmt } from '../fit.js';
import { seedInterval, type Interval } from '../stats/bootstrap.js';
import { formatCI } from '../stats/rules.js';
import { censoredMle, tobitFit } from '../stats/tobit.js';

export interface NormObs {
  seed: number;
  /** Estimated RKHS norm of the target (> 0). */
  norm: number;
  /** eta tau when reached, else eta times the steps run. */
  time: number;
  censored: boolean;
  inClass: boolean;
}

/** The width needed, m*, of one target and seed: the grid interval (lo, hi] it is known as (stats/grid.ts). */
export interface NormWidthObs {
  seed: number;
  norm: number;
  /** Largest failing width below hi (null: the grid floor reached, left-censored). */
  lo: number | null;
  /** First reaching width (null: none reached, right-censored at lo). */
  hi: number | null;
  inClass: boolean;
}

/**
 * Pre-registered. "matches" (the norm sets the iterations out of the class as in it): the class
 * slope b's interval lies above 0 and the offset c's interval inside ± ln FACTOR. "does not match":
 * b's interval above 0 and c's interval wholly beyond ± SLACK ln FACTOR (out-of-class targets take
 * more, or fewer, iterations than their norm predicts). No class law (b's interval not above 0),
 * fewer than MIN_SEEDS seeds, or eps reached by fewer than MIN_REACHED class and out-of-class runs
 * each: "inconclusive". The same rule reads m* (judgeWidthTracking), with "reached" = a width that
 * reached eps bounds m* from above.
 */
export const NORM_RULE = { FACTOR: 2, SLACK: 0.5, MIN_SEEDS: 5, MIN_REACHED: 3 } as const;

/** One observation on the value scale, known to lie in (lo, hi] (tobit.ts IntervalObs). */
interface NormInterval {
  seed: number;
  norm: number;
  inClass: boolean;
  lo: number | null;
  hi: number | null;
}

/** [a, b, c] of the censored fit, or null when it cannot be made. */
function fit(obs: readonly NormInterval[]): number[] | null {
  const cls = obs.filter((o) => o.inClass);
  const base = tobitFit(cls.map((o) => ({ x: Math.log(o.norm), lo: o.lo, hi: o.hi })));
  if (!base) return null;
  // x is the observation's index: the mean needs two covariates.
  const lnq = obs.map((o) => Math.log(o.norm));
  const out = obs.map((o) => (o.inClass ? 0 : 1));
  const f = censoredMle(
    obs.map((o, i) => ({ x: i, lo: o.lo, hi: o.hi })),
    { mean: (i, p) => p[0] + p[1] * lnq[i] + p[2] * out[i], start: [base.a, base.b, 0], step: [0.5, 0.3, 0.5] },
    Math.log(Math.max(base.sigma, 0.05)),
  );
  return Number.isFinite(f.logLik) ? f.params : null;
}

export interface NormJudgement {
  verdict: Verdict;
  reason: string;
  slope: Interval;
  offset: Interval;
}

/** What a law reads: its quantity's name, what the offset means, and what counts as reached. */
interface LawWords {
  quantity: string;
  noun: string;
  more: string;
  fewer: string;
  reached: string;
}

function judgeLaw(obs: readonly NormInterval[], w: LawWords): NormJudgement {
  const seeds = [...new Set(obs.map((o) => o.seed))];
  const clusters = seeds.map((s) => obs.filter((o) => o.seed === s));
  const slope = seedInterval(clusters, (c) => fit(c.flat())?.[1] ?? null);
  const offset = seedInterval(clusters, (c) => fit(c.flat())?.[2] ?? null);
  const reached = (inClass: boolean) => obs.filter((o) => o.inClass === inClass && o.hi !== null).length;
  const desc =
    `class law: ${w.quantity} slope ${formatCI(slope)} in ln q; out-of-class offset at equal q ${formatCI(offset)} ` +
    `(x${fmt(Math.exp(offset.estimate ?? Number.NaN), 3)}); ${w.reached}: ${reached(true)} class and ${reached(false)} out-of-class of ${obs.length}`;
  const none = (why: string): NormJudgement => ({ verdict: 'inconclusive', reason: `${why} — ${desc}`, slope, offset });
  if (seeds.length < NORM_RULE.MIN_SEEDS)
    return none(`${seeds.length} seed(s): at least ${NORM_RULE.MIN_SEEDS} needed`);
  if (reached(true) < NORM_RULE.MIN_REACHED || reached(false) < NORM_RULE.MIN_REACHED)
    return none(`eps reached by too few (at least ${NORM_RULE.MIN_REACHED} class and out-of-class each)`);
  if (slope.lo === null || offset.lo === null || offset.hi === null || !(slope.lo > 0))
    return none('no class law to compare with: the slope in ln q is not above 0 (or has no interval)');
  const m = Math.log(NORM_RULE.FACTOR);
  if (offset.lo >= -m && offset.hi <= m)
    return {
      verdict: 'matches',
      reason: `out-of-class targets take the ${w.noun} their norm predicts (within x${NORM_RULE.FACTOR}) — ${desc}`,
      slope,
      offset,
    };
  if (offset.lo > NORM_RULE.SLACK * m || offset.hi < -NORM_RULE.SLACK * m)
    return {
      verdict: 'does not match',
      reason: `out-of-class targets take ${offset.lo > 0 ? w.more : w.fewer} than their norm predicts — ${desc}`,
      slope,
      offset,
    };
  return none(`the offset's interval straddles the x${NORM_RULE.FACTOR} tolerance`);
}

/** The iterations: ln(eta tau) = a + b ln q + c [out of class]; a stopped run says only eta tau > what it ran. */
export function judgeNormTracking(obs: readonly NormObs[]): NormJudgement {
  return judgeLaw(
    obs.map((o) => ({ ...o, lo: o.time, hi: o.censored ? null : o.time })),
    {
      quantity: 'ln(eta tau)',
      noun: 'iterations',
      more: 'more iterations',
      fewer: 'fewer iterations',
      reached: 'reached eps',
    },
  );
}

/** The width needed: ln m* = a + b ln q + c [out of class], m* interval-censored by the width grid. */
export function judgeWidthTracking(obs: readonly NormWidthObs[]): NormJudgement {
  return judgeLaw(obs, {
    quantity: 'ln m*',
    noun: 'width',
    more: 'a larger width',
    fewer: 'a smaller width',
    reached: 'm* bounded (a width reached eps)',
  });
}

/** Both laws must hold for "matches"; either failing is "does not match" (pre-registered with m*). */
export function judgeBothLaws(tau: NormJudgement, width: NormJudgement): { verdict: Verdict; reason: string } {
  const verdict: Verdict =
    tau.verdict === 'does not match' || width.verdict === 'does not match'
      ? 'does not match'
      : tau.verdict === 'matches' && width.verdict === 'matches'
        ? 'matches'
        : 'inconclusive';
  return {
    verdict,
    reason: `iterations: ${tau.verdict} (${tau.reason}); width needed: ${width.verdict} (${width.reason})`,
  };
}
