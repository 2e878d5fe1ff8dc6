/**
 * Three-outcome decisions on confidence intervals, with the thresholds fixed before the data
 * (pre-registered in each rule's constants and in docs/experiments.md). A claim "matches" only when
 * the whole interval lies where the claim says, "does not match" only when the whole interval lies
 * where the claim is false, and is "inconclusive" when the interval straddles the boundary or
 * cannot be computed.
 */
import type { Verdict } from '../experiment.js';
import { fmt } from '../fit.js';
import type { Interval } from './bootstrap.js';

/** The claim is "value < bound" (or "> bound" with side 'above'). */
export function boundVerdict(ci: Interval, bound: number, side: 'below' | 'above'): Verdict {
  if (ci.lo === null || ci.hi === null) return 'inconclusive';
  if (side === 'below') return ci.hi < bound ? 'matches' : ci.lo > bound ? 'does not match' : 'inconclusive';
  return ci.lo > bound ? 'matches' : ci.hi < bound ? 'does not match' : 'inconclusive';
}

/** The claim is "value = target within ± margin" (an equivalence test on the interval). */
export function equivalenceVerdict(ci: Interval, target: number, margin: number): Verdict {
  if (ci.lo === null || ci.hi === null) return 'inconclusive';
  if (ci.lo >= target - margin && ci.hi <= target + margin) return 'matches';
  if (ci.hi < target - margin || ci.lo > target + margin) return 'does not match';
  return 'inconclusive';
}

/** All parts must match; any failing part fails the claim; otherwise inconclusive. */
export function combine(parts: readonly Verdict[]): Verdict {
  if (!parts.length) return 'inconclusive';
  if (parts.some((v) => v === 'does not match')) return 'does not match';
  return parts.every((v) => v === 'matches') ? 'matches' : 'inconclusive';
}

/** "0.93 [0.89, 0.98]" (estimate and 95% interval), or "0.93 [no interval: too few seeds, or the fit is undefined without one of them]". */
export function formatCI(ci: Interval, digits = 3): string {
  const est = fmt(ci.estimate, digits);
  return ci.lo === null || ci.hi === null
    ? `${est} [no interval: too few seeds, or the fit is undefined without one of them]`
    : `${est} [${fmt(ci.lo, digits)}, ${fmt(ci.hi, digits)}]`;
}
