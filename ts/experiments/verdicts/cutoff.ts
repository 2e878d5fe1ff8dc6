/**
 * Verdicts on the memory cutoff (E2, E2-dense, E8): how the iterations to eps, tau(T), grow with
 * the sequence length on either side of a = 1. Per series (one alpha), ln tau is regressed on T
 * (exponential growth, rate per step) and on ln T (polynomial growth) by censored (Tobit)
 * regression: a run stopped before eps (budget, plateau rule, divergence) says only tau > the steps
 * it ran. The rate's interval comes from the seed-cluster bootstrap, and so does the share of
 * resamples in which the exponential law fits better than the polynomial one (equal parameter
 * counts: the likelihood comparison is AIC's).
 */
import type { Verdict } from '../experiment.js';
import { fmt } from '../fit.js';
import { clusterBootstrap, type Interval } from '../stats/bootstrap.js';
import { boundVerdict, combine, formatCI } from '../stats/rules.js';
import { tobitFit, type CensoredObs } from '../stats/tobit.js';

export interface TauObs {
  T: number;
  seed: number;
  /** Steps to eps when reached, else the steps the run made. */
  steps: number;
  censored: boolean;
}

export type Regime = 'short' | 'critical' | 'long';

/**
 * Pre-registered. Exponential growth: the rate's interval lies above 0 and the exponential law is
 * the better one in >= PREFER of the resamples. No exponential growth: the rate's upper end
 * multiplies tau by less than 2 over the T range, or the polynomial law is better in >= PREFER.
 * MIN_T counts T values, and T values where eps was reached: through two points every
 * two-parameter law fits, and the shape would be decided by the censored runs alone.
 */
export const CUTOFF_RULE = { PREFER: 0.9, MIN_SEEDS: 3, MIN_T: 3, B: 300 } as const;

export interface SeriesJudgement {
  verdict: Verdict | null;
  reason: string;
  rate: Interval | null;
  /** Share of resamples where the exponential law has the higher likelihood. */
  expShare: number | null;
  censored: number;
  total: number;
}

function fits(obs: readonly TauObs[]) {
  const exp = tobitFit(obs.map((o): CensoredObs => ({ x: o.T, value: o.steps, censored: o.censored })));
  const poly = tobitFit(obs.map((o): CensoredObs => ({ x: Math.log(o.T), value: o.steps, censored: o.censored })));
  return { exp, poly };
}

/** One series (one alpha or ratio) against its regime. */
export function judgeSeries(obs: readonly TauObs[], regime: Regime, stream: string): SeriesJudgement {
  const seeds = [...new Set(obs.map((o) => o.seed))];
  const Ts = [...new Set(obs.map((o) => o.T))].sort((a, b) => a - b);
  const censored = obs.filter((o) => o.censored).length;
  const base = { censored, total: obs.length };
  if (regime === 'critical')
    return { verdict: null, reason: 'critical (a = 1): not judged', rate: null, expShare: null, ...base };
  if (seeds.length < CUTOFF_RULE.MIN_SEEDS || Ts.length < CUTOFF_RULE.MIN_T)
    return {
      verdict: 'inconclusive',
      reason:
        seeds.length < CUTOFF_RULE.MIN_SEEDS
          ? `${seeds.length} seed(s): at least ${CUTOFF_RULE.MIN_SEEDS} are needed for a seed-bootstrap interval`
          : `${Ts.length} T values: at least ${CUTOFF_RULE.MIN_T} are needed`,
      rate: null,
      expShare: null,
      ...base,
    };
  const clusters = seeds.map((s) => obs.filter((o) => o.seed === s));
  const reachedTs = new Set(obs.filter((o) => !o.censored).map((o) => o.T));
  const whole = fits(obs);
  if (reachedTs.size < CUTOFF_RULE.MIN_T || !whole.exp?.identified)
    return {
      verdict: 'inconclusive',
      reason:
        reachedTs.size < CUTOFF_RULE.MIN_T
          ? `eps reached at ${reachedTs.size} T value(s) only (${censored} of ${obs.length} runs censored): at least ${CUTOFF_RULE.MIN_T} are needed to tell growth shapes apart; the censored runs bound tau below but do not measure its growth`
          : `the censored regression cannot pin the rate (${censored} of ${obs.length} runs censored; the likelihood keeps rising with the rate): the censored runs bound tau below but do not measure its growth`,
      rate: null,
      expShare: null,
      ...base,
    };
  // One pass of resamples gives both the rate's interval and the comparison's share (same replicates).
  const wins: number[] = [];
  const rate = clusterBootstrap(
    clusters,
    (s) => {
      const f = fits(s.flat());
      if (f.exp && f.poly) wins.push(f.exp.logLik > f.poly.logLik ? 1 : 0);
      return f.exp?.identified ? f.exp.b : null;
    },
    { stream: `${stream}/rate`, B: CUTOFF_RULE.B },
  );
  // clusterBootstrap evaluates the data as they are first: that comparison is not a resample.
  const resampled = whole.poly ? wins.slice(1) : wins;
  const expShare = resampled.length ? resampled.reduce((a, b) => a + b, 0) / resampled.length : null;
  const span = Ts[Ts.length - 1] - Ts[0];
  const expEvidence = boundVerdict(rate, 0, 'above') === 'matches' && (expShare ?? 0) >= CUTOFF_RULE.PREFER;
  const small = rate.hi !== null && rate.hi * span < Math.log(2);
  const polyBetter = expShare !== null && 1 - expShare >= CUTOFF_RULE.PREFER;
  const noExp = small || polyBetter;
  const desc = `rate ${formatCI(rate)} per unit T (x${fmt(Math.exp((rate.estimate ?? 0) * span), 3)} over T = ${Ts[0]}..${Ts[Ts.length - 1]}), exponential better than polynomial in ${fmt(100 * (expShare ?? 0), 2)}% of seed resamples, ${censored}/${obs.length} runs censored`;
  let verdict: Verdict;
  if (regime === 'short') verdict = expEvidence ? 'does not match' : noExp ? 'matches' : 'inconclusive';
  else verdict = expEvidence ? 'matches' : noExp ? 'does not match' : 'inconclusive';
  const what = expEvidence
    ? 'exponential growth in T'
    : small
      ? 'no growth beyond x2 from an exponential term'
      : polyBetter
        ? 'polynomial, not exponential, growth'
        : 'growth whose shape the data cannot settle';
  return { verdict, reason: `${what}: ${desc}`, rate, expShare, ...base };
}

/** The whole cutoff claim: every judged series on its side, with at least one judged series per side. */
export function judgeCutoff(series: readonly { label: string; regime: Regime; judgement: SeriesJudgement }[]): {
  verdict: Verdict;
  reason: string;
} {
  const judged = series.filter((s) => s.judgement.verdict !== null);
  const desc = series.map((s) => `${s.label} (${s.regime}): ${s.judgement.reason}`).join('; ');
  const sides = new Set(judged.map((s) => s.regime));
  if (!sides.has('short') || !sides.has('long'))
    return { verdict: 'inconclusive', reason: `The cutoff needs judged series on both sides of a = 1 — ${desc}.` };
  const verdict = combine(judged.map((s) => s.judgement.verdict!));
  const lead =
    verdict === 'matches'
      ? 'Every series grows as claimed on its side of the cutoff (no exponential growth below, exponential above)'
      : verdict === 'does not match'
        ? 'At least one series grows against the claim on its side of the cutoff'
        : 'At least one series cannot be judged (its interval straddles the thresholds, or it is censored)';
  return { verdict, reason: `${lead} — ${desc}.` };
}
