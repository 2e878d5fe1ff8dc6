/**
 * Verdicts on the memory cutoff (E2, E2-dense, E8): how the iterations to eps, tau(T), grow with
 * the sequence length on either side of a = 1. Per series (one alpha), tau0 + c e^(rT)
 * (exponential growth) and tau0 + c T^k (polynomial growth), both with a base of steps tau0, are
 * fitted by censored likelihood (stats/tobit.ts): a run stopped before eps (budget, plateau rule,
 * divergence) says only tau > the steps it ran. The rate has a seed-level t-interval (jackknife over seeds); the seed-cluster bootstrap gives the share of
 * resamples in which the exponential law fits better than the polynomial one (equal parameter
 * counts: the likelihood comparison is AIC's).
 */
import type { Verdict } from '../experiment.js';
import { fmt } from '../fit.js';
import { clusterReplicates, seedInterval, type Interval } from '../stats/bootstrap.js';
import { boundVerdict, combine, formatCI } from '../stats/rules.js';
import { asIntervals, censoredMle, tobitFit, type CensoredObs } from '../stats/tobit.js';

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
 * the better one in >= PREFER of the resamples. No exponential growth: the upper end of the fitted
 * growth's interval is below x2 over the T range, or the polynomial law is better in >= PREFER.
 * A law is better in a resample when its log-likelihood exceeds the other's by LR_MARGIN (a
 * likelihood ratio of e; equal parameter counts); closer fits count for neither.
 * MIN_T counts T values, and T values where eps was reached: through two points every
 * two-parameter law fits, and the shape would be decided by the censored runs alone.
 */
export const CUTOFF_RULE = { PREFER: 0.9, MIN_SEEDS: 5, MIN_T: 3, B: 200, LR_MARGIN: 1 } as const;

export interface SeriesJudgement {
  verdict: Verdict | null;
  reason: string;
  rate: Interval | null;
  /** Share of resamples where the exponential law's likelihood is higher by LR_MARGIN. */
  expShare: number | null;
  /** Share where the polynomial law's is. */
  polyShare: number | null;
  censored: number;
  total: number;
}

type Shape = 'exponential' | 'polynomial';
/** The growth variable: tau0 + c e^(r T) is linear in T on the exponent, tau0 + c T^k in ln T. */
const along = (shape: Shape, T: number) => (shape === 'exponential' ? T : Math.log(T));

/**
 * ln tau = ln(tau0 + c e^(r g(T))) + sigma z, g = T or ln T: a base of steps every run needs plus
 * a growing term, fitted by censored likelihood. Without the offset, 100 + T^2 reads as exponential
 * (ln tau is convex in ln T) and the comparison is decided by the base, not by the growth.
 */
function offsetFit(obs: readonly TauObs[], shape: Shape) {
  const iv = obs.map((o): CensoredObs => ({ x: along(shape, o.T), value: o.steps, censored: o.censored }));
  const lin = tobitFit(iv);
  if (!lin) return null;
  const gs = iv.map((o) => o.x);
  const span = Math.max(...gs) - Math.min(...gs);
  const rMax = 40 / Math.max(span, 1e-12);
  const minTau = Math.min(...obs.map((o) => o.steps));
  const lse = (u: number, v: number) => Math.max(u, v) + Math.log1p(Math.exp(-Math.abs(u - v)));
  let best: { params: number[]; sigma: number; logLik: number } | null = null;
  // Two starts: no base (the pure law), and a base of half the fewest steps seen.
  for (const base of [Math.log(minTau) - 8, Math.log(minTau / 2)]) {
    const f = censoredMle(
      asIntervals(iv),
      {
        mean: (x, p) => lse(p[0], p[1] + p[2] * x),
        start: [base, lin.a, lin.b],
        step: [1, 0.5, 0.5 / Math.max(span, 1e-12)],
        valid: (p) => Math.abs(p[2]) <= rMax && p[0] > -30 && p[1] > -30,
      },
      Math.log(lin.sigma),
    );
    if (!best || f.logLik > best.logLik) best = f;
  }
  const [lnBase, lnC, r] = best!.params;
  const gLo = Math.min(...gs),
    gHi = Math.max(...gs);
  return {
    r,
    logLik: best!.logLik,
    /** ln tau(T max) - ln tau(T min) under the fit: the growth over the range. */
    growth: lse(lnBase, lnC + r * gHi) - lse(lnBase, lnC + r * gLo),
    identified: Number.isFinite(best!.logLik) && Math.abs(r) < 0.95 * rMax,
  };
}

function fits(obs: readonly TauObs[]) {
  return { exp: offsetFit(obs, 'exponential'), poly: offsetFit(obs, 'polynomial') };
}

/** One series (one alpha or ratio) against its regime. */
export function judgeSeries(obs: readonly TauObs[], regime: Regime, stream: string): SeriesJudgement {
  const seeds = [...new Set(obs.map((o) => o.seed))];
  const Ts = [...new Set(obs.map((o) => o.T))].sort((a, b) => a - b);
  const censored = obs.filter((o) => o.censored).length;
  const base = { censored, total: obs.length };
  if (regime === 'critical')
    return {
      verdict: null,
      reason: 'critical (a = 1): not judged',
      rate: null,
      expShare: null,
      polyShare: null,
      ...base,
    };
  if (seeds.length < CUTOFF_RULE.MIN_SEEDS || Ts.length < CUTOFF_RULE.MIN_T)
    return {
      verdict: 'inconclusive',
      reason:
        seeds.length < CUTOFF_RULE.MIN_SEEDS
          ? `${seeds.length} seed(s): at least ${CUTOFF_RULE.MIN_SEEDS} are needed (a 95% interval from fewer seeds is too wide to decide, and a bootstrap one undercovers: docs/experiments.md)`
          : `${Ts.length} T values: at least ${CUTOFF_RULE.MIN_T} are needed`,
      rate: null,
      expShare: null,
      polyShare: null,
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
      polyShare: null,
      ...base,
    };
  const rate = seedInterval(clusters, (s) => {
    const f = fits(s.flat()).exp;
    return f?.identified ? f.r : null;
  });
  const growth = seedInterval(clusters, (s) => fits(s.flat()).exp?.growth ?? null);
  const wins = clusterReplicates(
    clusters,
    (s) => {
      const f = fits(s.flat());
      if (!f.exp || !f.poly) return null;
      const d = f.exp.logLik - f.poly.logLik;
      return d >= CUTOFF_RULE.LR_MARGIN ? 1 : d <= -CUTOFF_RULE.LR_MARGIN ? -1 : 0;
    },
    { stream: `${stream}/laws`, B: CUTOFF_RULE.B },
  );
  const share = (w: number) => (wins.length ? wins.filter((v) => v === w).length / wins.length : null);
  const expShare = share(1),
    polyShare = share(-1);
  const expEvidence = boundVerdict(rate, 0, 'above') === 'matches' && (expShare ?? 0) >= CUTOFF_RULE.PREFER;
  const small = growth.hi !== null && growth.hi < Math.log(2);
  const polyBetter = polyShare !== null && polyShare >= CUTOFF_RULE.PREFER;
  const noExp = small || polyBetter;
  const desc = `rate ${formatCI(rate)} per unit T in tau0 + c e^(rT) (tau grows x${fmt(Math.exp(growth.estimate ?? 0), 3)} over T = ${Ts[0]}..${Ts[Ts.length - 1]}, upper end x${fmt(Math.exp(growth.hi ?? Number.NaN), 3)}), tau0 + c e^(rT) better than tau0 + c T^k in ${fmt(100 * (expShare ?? 0), 2)}% of seed resamples and worse in ${fmt(100 * (polyShare ?? 0), 2)}%, ${censored}/${obs.length} runs censored`;
  let verdict: Verdict;
  if (regime === 'short') verdict = expEvidence ? 'does not match' : noExp ? 'matches' : 'inconclusive';
  else verdict = expEvidence ? 'matches' : noExp ? 'does not match' : 'inconclusive';
  const what = expEvidence
    ? 'exponential growth in T'
    : small
      ? 'no growth beyond x2 over the T range'
      : polyBetter
        ? 'polynomial, not exponential, growth'
        : 'growth whose shape the data cannot settle';
  return { verdict, reason: `${what}: ${desc}`, rate, expShare, polyShare, ...base };
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
