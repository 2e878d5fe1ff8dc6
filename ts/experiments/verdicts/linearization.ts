/**
 * E9: the linearization gap ||f - f_lin|| shrinks at least like 1/sqrt(m): its exponent in m with a
 * seed-level interval, whole interval below -1/2.
 */
import type { Verdict } from '../experiment.js';
import { slopeCI } from '../stats/exponent.js';
import { boundVerdict, formatCI } from '../stats/rules.js';
import type { Interval } from '../stats/bootstrap.js';

export interface GapRun {
  m: number;
  seed: number;
  gap: number;
}

/** Pre-registered: the bound's rate, m^-1/2. */
export const GAP_RULE = { RATE: -0.5, MIN_SEEDS: 5, MIN_WIDTHS: 3 } as const;

export function judgeGap(runs: readonly GapRun[]): { verdict: Verdict; reason: string; exponent: Interval | null } {
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const ms = new Set(runs.map((r) => r.m));
  if (seeds.length < GAP_RULE.MIN_SEEDS || ms.size < GAP_RULE.MIN_WIDTHS)
    return {
      verdict: 'inconclusive',
      reason: `${seeds.length} seeds and ${ms.size} widths with a measured gap: at least ${GAP_RULE.MIN_SEEDS} and ${GAP_RULE.MIN_WIDTHS} are needed.`,
      exponent: null,
    };
  const exponent = slopeCI(
    seeds.map((s) => runs.filter((r) => r.seed === s).map((r) => ({ x: r.m, y: r.gap }))),
    'E9/gap',
  );
  const verdict = boundVerdict(exponent, GAP_RULE.RATE, 'below');
  const desc = `gap ~ m^${formatCI(exponent)} against the bound's m^${GAP_RULE.RATE}`;
  const reason =
    verdict === 'matches'
      ? `The gap shrinks at least like 1/sqrt(m) (whole interval below ${GAP_RULE.RATE}): ${desc}.`
      : verdict === 'does not match'
        ? `The gap shrinks more slowly than 1/sqrt(m) (whole interval above ${GAP_RULE.RATE}): ${desc}.`
        : `The interval straddles ${GAP_RULE.RATE}: ${desc}.`;
  return { verdict, reason, exponent };
}
