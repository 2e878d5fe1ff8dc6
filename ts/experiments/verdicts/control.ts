/**
 * E1-random, the control of claim 1: the same width pipeline on random labels, where nothing can be
 * learned and fitting n labels needs a width growing polynomially with n (the regime of the earlier
 * poly(n) analyses). The control "matches" when the pipeline shows that growth — m* ~ n^p with the
 * whole interval of p above E1's threshold — and "does not match" when it shows no polynomial
 * growth even there: then a flat m*(n) in E1 says nothing about the class target.
 */
import type { Verdict } from '../experiment.js';
import { judgeWidthInN, WIDTH_RULE, type WidthJudgement, type WidthUnit } from './width.js';

/** E1's verdict on the random-label sweep read as the control's: polynomial growth is what it must show. */
export function controlVerdict(e1Verdict: Verdict): Verdict {
  return e1Verdict === 'does not match' ? 'matches' : e1Verdict === 'matches' ? 'does not match' : 'inconclusive';
}

export function controlLead(verdict: Verdict): string {
  return verdict === 'matches'
    ? `Control passed: on random labels the pipeline sees m* grow polynomially (exponent interval above ${WIDTH_RULE.P_POLY}), so it can tell polynomial from logarithmic growth.`
    : verdict === 'does not match'
      ? `Control failed: on random labels the pipeline sees no polynomial growth of m* (exponent interval below ${WIDTH_RULE.P_POLY}), so a flat m*(n) in E1 cannot be read as evidence for log n.`
      : 'Control undecided: on random labels the exponent interval straddles the threshold or cannot be computed.';
}

/** The control's judgement of width units (E1's rule, verdict read the other way round). */
export function judgeWidthControl(units: readonly WidthUnit[]): WidthJudgement {
  const j = judgeWidthInN(units);
  const verdict = controlVerdict(j.verdict);
  return { ...j, verdict, reason: `${controlLead(verdict)} ${j.reason}` };
}
