/**
 * E1-random, the control of claim 1: the same width pipeline on random labels, where nothing can be
 * learned and fitting n labels needs a width growing polynomially with n (the regime of the earlier
 * poly(n) analyses). The control "matches" when the pipeline shows that growth — m* ~ n^p with the
 * whole interval of p above E1's threshold — and "does not match" when it shows no polynomial
 * growth even there: then a flat m*(n) in E1 says nothing about the class target.
 *
 * Unlike E1's rule, a search where no width reached is not a refusal here: on random labels it is
 * the expected outcome at the largest n, and it says m* > the widest width tried. Such units enter
 * the censored regression of ln m* on ln n (stats/tobit.ts) as "larger than"; a unit at the grid
 * floor enters at the floor (which can only flatten the fitted growth).
 */
import type { Verdict } from '../experiment.js';
import { fmt } from '../fit.js';
import { seedInterval, type Interval } from '../stats/bootstrap.js';
import { boundVerdict, formatCI } from '../stats/rules.js';
import { tobitFit } from '../stats/tobit.js';
import { WIDTH_RULE, type WidthUnit } from './width.js';

export interface ControlJudgement {
  verdict: Verdict;
  reason: string;
  exponent: Interval | null;
  /** Units where no width reached (m* only bounded below). */
  censored: number;
}

function exponent(units: readonly WidthUnit[]): number | null {
  const obs = units
    .filter((u) => u.interval.hi !== null || u.interval.lo !== null)
    .map((u) => ({
      x: Math.log(u.level),
      value: u.interval.hi ?? u.interval.lo!,
      censored: u.interval.hi === null,
    }));
  const fit = tobitFit(obs);
  return fit && fit.identified ? fit.b : null;
}

function controlLead(verdict: Verdict): string {
  return verdict === 'matches'
    ? `Control passed: on random labels the pipeline sees m* grow polynomially (exponent interval above ${WIDTH_RULE.P_POLY}), so it can tell polynomial from logarithmic growth.`
    : verdict === 'does not match'
      ? `Control failed: on random labels the pipeline sees no polynomial growth of m* (exponent interval below ${WIDTH_RULE.P_POLY}), so a flat m*(n) in E1 cannot be read as evidence for log n.`
      : `Control undecided: on random labels the exponent interval straddles ${WIDTH_RULE.P_POLY} or cannot be computed.`;
}

/** The control's judgement of width units over all n (censored regression, seed-level t-interval). */
export function judgeWidthControl(units: readonly WidthUnit[]): ControlJudgement {
  const seeds = [...new Set(units.map((u) => u.seed))].sort((a, b) => a - b);
  const levels = [...new Set(units.map((u) => u.level))].sort((a, b) => a - b);
  const censored = units.filter((u) => u.interval.hi === null && u.interval.lo !== null).length;
  if (seeds.length < WIDTH_RULE.MIN_SEEDS)
    return {
      verdict: 'inconclusive',
      reason: `${controlLead('inconclusive')} ${seeds.length} seed(s): at least ${WIDTH_RULE.MIN_SEEDS} are needed.`,
      exponent: null,
      censored,
    };
  const ci = seedInterval(
    seeds.map((s) => units.filter((u) => u.seed === s)),
    (sample) => exponent(sample.flat()),
    { stream: 'E1-random/exponent', B: 300 },
  );
  const verdict = boundVerdict(ci, WIDTH_RULE.P_POLY, 'above');
  return {
    verdict,
    reason: `${controlLead(verdict)} m* ~ n^p over n = ${levels.join(', ')} (a factor ${fmt(levels[levels.length - 1] / levels[0])}): p = ${formatCI(ci)} by censored regression of ln m* on ln n (${censored} of ${units.length} (n, seed) units had no width reaching eps and count as "larger than the widest width tried").`,
    exponent: ci,
    censored,
  };
}
