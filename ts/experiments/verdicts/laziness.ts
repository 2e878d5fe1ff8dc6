/**
 * E4 / E4-dense: laziness. The kernel drift falls with the width and the total movement stays O(1):
 * exponents of drift and ||Theta - Theta(0)|| in m with seed-level intervals.
 */
import type { Verdict } from '../experiment.js';
import { slopeCI, type GroupedObs } from '../stats/exponent.js';
import { boundVerdict, combine, formatCI } from '../stats/rules.js';
import type { Interval } from '../stats/bootstrap.js';

export interface LazyRun {
  m: number;
  seed: number;
  drift: number | null;
  movement: number | null;
}

/**
 * Pre-registered: drift falls at least like m^DRIFT_MAX (whole interval below), movement grows at
 * most like m^MOVE_MAX (O(1) up to a slow factor). Lazy-training scaling: drift ~ m^-0.5, movement ~ m^0.
 */
export const LAZY_RULE = { DRIFT_MAX: -0.25, MOVE_MAX: 0.25, MIN_SEEDS: 5, MIN_WIDTHS: 3 } as const;

export function judgeLaziness(
  runs: readonly LazyRun[],
  stream: string,
): { verdict: Verdict; reason: string; drift: Interval | null; movement: Interval | null } {
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const widths = new Set(runs.filter((r) => r.drift !== null).map((r) => r.m));
  if (seeds.length < LAZY_RULE.MIN_SEEDS || widths.size < LAZY_RULE.MIN_WIDTHS)
    return {
      verdict: 'inconclusive',
      reason: `${seeds.length} seeds and ${widths.size} widths with a measured drift: at least ${LAZY_RULE.MIN_SEEDS} and ${LAZY_RULE.MIN_WIDTHS} are needed.`,
      drift: null,
      movement: null,
    };
  const cl = (key: 'drift' | 'movement') =>
    seeds.map((s) =>
      runs.filter((r) => r.seed === s && r[key] !== null).map((r): GroupedObs => ({ x: r.m, y: r[key]! })),
    );
  const drift = slopeCI(cl('drift'), `${stream}/drift`);
  const movement = slopeCI(cl('movement'), `${stream}/movement`);
  const vd = boundVerdict(drift, LAZY_RULE.DRIFT_MAX, 'below');
  const vm = boundVerdict(movement, LAZY_RULE.MOVE_MAX, 'below');
  const verdict = combine([vd, vm]);
  const desc = `kernel drift ~ m^${formatCI(drift)} (claim: below ${LAZY_RULE.DRIFT_MAX}), ||Theta(s) - Theta(0)|| ~ m^${formatCI(movement)} (claim: below ${LAZY_RULE.MOVE_MAX}); lazy-training scaling gives m^-0.5 and m^0`;
  const lead =
    verdict === 'matches'
      ? 'The kernel drift falls with the width and the movement stays O(1)'
      : verdict === 'does not match'
        ? vd === 'does not match'
          ? 'The kernel drift does not fall with the width'
          : 'The parameter movement grows with the width'
        : 'An interval straddles its threshold';
  return { verdict, reason: `${lead}: ${desc}.`, drift, movement };
}
