/**
 * E6: the approximation floor (risk of the oracle theta_bar) falls like 1/m and grows at most like
 * log n: exponents in m (within each n) and in n (within each m) with seed-level intervals.
 */
import type { Verdict } from '../experiment.js';
import { slopeCI } from '../stats/exponent.js';
import { boundVerdict, combine, equivalenceVerdict, formatCI } from '../stats/rules.js';
import type { Interval } from '../stats/bootstrap.js';
import { WIDTH_RULE } from './width.js';

export interface FloorRun {
  n: number;
  m: number;
  seed: number;
  oracle: number;
}

/** Pre-registered: m exponent within -1 +- M_MARGIN; n exponent below WIDTH_RULE.P_POLY (no faster than log n). */
export const FLOOR_RULE = { M_MARGIN: 0.25, MIN_SEEDS: 5 } as const;

export function judgeFloor(runs: readonly FloorRun[]): {
  verdict: Verdict;
  reason: string;
  mExponent: Interval | null;
  nExponent: Interval | null;
} {
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const ms = new Set(runs.map((r) => r.m)),
    ns = new Set(runs.map((r) => r.n));
  if (seeds.length < FLOOR_RULE.MIN_SEEDS || ms.size < 3)
    return {
      verdict: 'inconclusive',
      reason: `${seeds.length} seeds and ${ms.size} widths: at least ${FLOOR_RULE.MIN_SEEDS} and 3 are needed.`,
      mExponent: null,
      nExponent: null,
    };
  const cl = (group: 'n' | 'm', x: 'n' | 'm') =>
    seeds.map((s) => runs.filter((r) => r.seed === s).map((r) => ({ x: r[x], y: r.oracle, group: r[group] })));
  const mExponent = slopeCI(cl('n', 'm'), 'E6/m');
  const nExponent = ns.size >= 2 ? slopeCI(cl('m', 'n'), 'E6/n') : null;
  const vm = equivalenceVerdict(mExponent, -1, FLOOR_RULE.M_MARGIN);
  const vn = nExponent ? boundVerdict(nExponent, WIDTH_RULE.P_POLY, 'below') : 'inconclusive';
  const verdict = combine([vm, vn]);
  const desc = `floor ~ m^${formatCI(mExponent)} at fixed n (claim: -1 ± ${FLOOR_RULE.M_MARGIN}), ~ n^${nExponent ? formatCI(nExponent) : '– (one n)'} at fixed m (claim: below ${WIDTH_RULE.P_POLY}, i.e. no faster than log n)`;
  const lead =
    verdict === 'matches'
      ? 'The floor falls like 1/m and grows no faster than log n'
      : verdict === 'does not match'
        ? vm === 'does not match'
          ? 'The floor does not fall like 1/m'
          : 'The floor grows faster than log n'
        : 'An interval straddles its threshold';
  return { verdict, reason: `${lead}: ${desc}.`, mExponent, nExponent };
}
