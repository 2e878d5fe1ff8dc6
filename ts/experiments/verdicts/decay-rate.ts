/**
 * The exponential rate of the iterations tau(T) against the measured memory decay (E2, E8).
 *
 * [our derivation] At the theory's step size eta = c / L_T^2 the theorem's eta tau <= 2 nu^2 / eps
 * does not depend on T when nu is held fixed, so tau grows like L_T^2. L_T sums the sensitivities
 * of h_{T-1} over the lags, sum_k a^k with a the memory factor: it grows like a^T above the cutoff
 * (a > 1) and stays bounded below it. The predicted rate of ln tau per unit T is therefore
 * 2 ln a for a > 1 and 0 for a <= 1, with a the measured memory decay (constants.ts, fittedDecay:
 * exp of the slope of ln ||d h_{T-1} / d x_t|| in the lag, at init).
 *
 * Per seed, ln tau = a + r T is fitted by censored likelihood (a run stopped before eps says only
 * tau > the steps it ran); the rate is the mean of the per-seed slopes with its seed-level t-interval.
 */
import type { Verdict } from '../experiment.js';
import { fmt } from '../fit.js';
import { seedInterval, type Interval } from '../stats/bootstrap.js';
import { formatCI } from '../stats/rules.js';
import { tobitFit } from '../stats/tobit.js';
import type { TauObs } from './cutoff.js';

/**
 * Pre-registered. The tolerance is RES = max(REL |predicted|, ln 2 / (T range)): a rate below
 * ln 2 / (T range) is less than a doubling of tau over the grid. "matches": the rate's 95%
 * interval lies inside predicted ± RES. "does not match": the interval lies entirely outside
 * predicted ± SLACK * RES (the slack absorbs the bias of a log-linear fit to a sum of a base and a
 * growing term). Otherwise, or with fewer than MIN_SEEDS seeds fitted, "inconclusive".
 */
export const DECAY_RULE = { MIN_SEEDS: 5, REL: 0.5, SLACK: 0.25, MIN_REACHED_T: 3 } as const;

/** The predicted rate of ln tau per unit T for a measured memory decay a. */
export const predictedRate = (decay: number): number => (decay > 1 ? 2 * Math.log(decay) : 0);

export interface DecayJudgement {
  verdict: Verdict;
  reason: string;
  rate: Interval | null;
  predicted: number | null;
}

/** The censored slope of ln tau on T of one seed's runs (null when eps was reached at fewer than MIN_REACHED_T values of T). */
function seedRate(obs: readonly TauObs[]): number | null {
  const reached = new Set(obs.filter((o) => !o.censored).map((o) => o.T));
  if (reached.size < DECAY_RULE.MIN_REACHED_T) return null;
  const f = tobitFit(obs.map((o) => ({ x: o.T, value: o.steps, censored: o.censored })));
  return f && f.identified ? f.b : null;
}

/** Mean of the per-seed rates (null when any seed has none: its rate is unknown, not absent). */
function meanRate(clusters: readonly (readonly TauObs[])[]): number | null {
  const rs = clusters.map(seedRate);
  let sum = 0;
  for (const r of rs) {
    if (r === null) return null;
    sum += r;
  }
  return sum / rs.length;
}

/** Judges the rate of tau(T) of one series against the rate its measured memory decay predicts. */
export function judgeDecayRate(obs: readonly TauObs[], decay: number | null): DecayJudgement {
  const seeds = [...new Set(obs.map((o) => o.seed))];
  const Ts = obs.map((o) => o.T);
  const span = Math.max(...Ts) - Math.min(...Ts);
  if (decay === null || !(decay > 0) || !(span > 0))
    return { verdict: 'inconclusive', reason: 'no measured memory decay or one T value', rate: null, predicted: null };
  const predicted = predictedRate(decay);
  const clusters = seeds.map((s) => obs.filter((o) => o.seed === s));
  const rate = seedInterval(clusters, meanRate);
  const head = `rate of ln tau per unit T ${formatCI(rate)} against 2 ln(max(a, 1)) = ${fmt(predicted, 3)} (measured memory decay a = ${fmt(decay, 4)})`;
  const fitted = clusters.filter((c) => seedRate(c) !== null).length;
  if (seeds.length < DECAY_RULE.MIN_SEEDS || rate.lo === null || rate.hi === null)
    return {
      verdict: 'inconclusive',
      reason: `${head}: ${fitted} of ${seeds.length} seeds have a rate (eps reached at >= ${DECAY_RULE.MIN_REACHED_T} T values), at least ${DECAY_RULE.MIN_SEEDS} needed with every seed fitted`,
      rate,
      predicted,
    };
  const res = Math.max(DECAY_RULE.REL * Math.abs(predicted), Math.log(2) / span);
  const slack = DECAY_RULE.SLACK * res;
  let verdict: Verdict;
  if (rate.hi < predicted - slack || rate.lo > predicted + slack) verdict = 'does not match';
  else if (rate.lo >= predicted - res && rate.hi <= predicted + res) verdict = 'matches';
  else verdict = 'inconclusive';
  const why =
    verdict === 'matches'
      ? `within ± ${fmt(res, 3)} of the prediction`
      : verdict === 'does not match'
        ? `outside ± ${fmt(slack, 3)} of the prediction`
        : `the interval is wider than ± ${fmt(res, 3)} around the prediction`;
  return { verdict, reason: `${head}: ${why}`, rate, predicted };
}
