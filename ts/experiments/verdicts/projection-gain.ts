/**
 * E10 (claim 4): projected GD improves the iterations and the width needed by about a factor 1/eps
 * over plain GD. Measured per seed as the exponents of tau(eps) and m*(eps) in 1/eps, for GD and
 * for projected GD on the same init and data; the claim's content is the gain exponent
 * (GD's exponent minus PGD's), read with a seed-level t-interval (jackknife over seeds). Censored observations
 * (a run that stopped before eps; a width search where no width reached) enter the censored
 * regression (stats/tobit.ts) as "larger than", never as values. A pair whose projected run never
 * acted (no neuron on the boundary, rho_s below rho) is GD itself: it is reported, not counted.
 */
import type { Verdict } from '../experiment.js';
import { fmt, linearFit } from '../fit.js';
import { seedInterval, type Interval } from '../stats/bootstrap.js';
import { boundVerdict, formatCI } from '../stats/rules.js';
import { tobitFit } from '../stats/tobit.js';

/** One observation: steps to eps, or the first reaching width; censored = only "larger than value" is known. */
export interface GainValue {
  value: number;
  censored: boolean;
}

/** GD and projected GD at one (eps, seed): same init, same data. */
export interface GainPair {
  eps: number;
  seed: number;
  gd: GainValue;
  pgd: GainValue;
  /** Did the projection act in the projected run (boundary fraction > 0 or rho_s reaching rho)? */
  active: boolean;
}

/**
 * Pre-registered. The claim is a gain exponent of about 1 (a factor 1/eps); MIN_GAIN = 0.5: a gain
 * whose whole interval lies above half the claimed exponent "matches", below it "does not match".
 * At least MIN_SEEDS seeds with active pairs at MIN_EPS eps values spanning a factor MIN_SPAN.
 */
export const GAIN_RULE = { MIN_GAIN: 0.5, MIN_SEEDS: 5, MIN_EPS: 3, MIN_SPAN: 10 } as const;

export interface GainJudgement {
  verdict: Verdict;
  reason: string;
  gd: Interval | null;
  pgd: Interval | null;
  gain: Interval | null;
  /** Pairs left out because the projection never acted, as "eps = 0.1 seed 0". */
  inactive: string[];
  censored: { gd: number; pgd: number };
}

/** Slope of ln value on ln(1/eps), censored values through the Tobit likelihood (null: not identified). */
function exponent(pairs: readonly GainPair[], side: 'gd' | 'pgd'): number | null {
  const obs = pairs.map((p) => ({ x: Math.log(1 / p.eps), value: p[side].value, censored: p[side].censored }));
  // Without censoring the Tobit maximum-likelihood slope is the least-squares one (and much cheaper).
  if (!obs.some((o) => o.censored))
    return (
      linearFit(
        obs.map((o) => o.x),
        obs.map((o) => Math.log(o.value)),
      )?.slope ?? null
    );
  const fit = tobitFit(obs);
  return fit && fit.identified ? fit.b : null;
}

function bySeed(pairs: readonly GainPair[]): GainPair[][] {
  const seeds = [...new Set(pairs.map((p) => p.seed))].sort((a, b) => a - b);
  return seeds.map((s) => pairs.filter((p) => p.seed === s));
}

/** The gain exponent of one quantity ('tau' or 'm*'): GD's exponent in 1/eps minus PGD's. */
export function judgeGain(pairs: readonly GainPair[], quantity: string, stream: string): GainJudgement {
  const inactive = pairs.filter((p) => !p.active).map((p) => `eps = ${p.eps} seed ${p.seed}`);
  const used = pairs.filter((p) => p.active);
  const censored = {
    gd: used.filter((p) => p.gd.censored).length,
    pgd: used.filter((p) => p.pgd.censored).length,
  };
  const none = { gd: null, pgd: null, gain: null, inactive, censored };
  const seeds = bySeed(used);
  const epss = [...new Set(used.map((p) => p.eps))].sort((a, b) => a - b);
  const skipped = inactive.length ? ` Not counted (the projection never acted): ${inactive.length} pair(s).` : '';
  const refuse = (why: string): GainJudgement => ({
    verdict: 'inconclusive',
    reason: `${quantity}: ${why}${skipped}`,
    ...none,
  });
  if (seeds.length < GAIN_RULE.MIN_SEEDS)
    return refuse(`${seeds.length} seed(s) with an active projection: at least ${GAIN_RULE.MIN_SEEDS} are needed.`);
  if (epss.length < GAIN_RULE.MIN_EPS || epss[epss.length - 1] / epss[0] < GAIN_RULE.MIN_SPAN)
    return refuse(
      `active pairs at eps = ${epss.join(', ') || 'none'}: at least ${GAIN_RULE.MIN_EPS} values spanning a factor ${GAIN_RULE.MIN_SPAN} are needed.`,
    );
  const gd = seedInterval(seeds, (s) => exponent(s.flat(), 'gd'), { stream: `${stream}/gd` });
  const pgd = seedInterval(seeds, (s) => exponent(s.flat(), 'pgd'), { stream: `${stream}/pgd` });
  const gain = seedInterval(
    seeds,
    (s) => {
      const a = exponent(s.flat(), 'gd');
      const b = exponent(s.flat(), 'pgd');
      return a === null || b === null ? null : a - b;
    },
    { stream: `${stream}/gain` },
  );
  const verdict = boundVerdict(gain, GAIN_RULE.MIN_GAIN, 'above');
  const what =
    verdict === 'matches'
      ? `the whole interval lies above ${GAIN_RULE.MIN_GAIN}: projected GD gains a power of 1/eps`
      : verdict === 'does not match'
        ? `the whole interval lies below ${GAIN_RULE.MIN_GAIN}: no gain of the claimed order (about (1/eps)^1)`
        : `the interval straddles ${GAIN_RULE.MIN_GAIN} or cannot be computed`;
  const cens = `censored (stopped before eps / no width reached): GD ${censored.gd}, PGD ${censored.pgd} of ${used.length} pairs`;
  return {
    verdict,
    reason: `${quantity} ~ (1/eps)^b over eps = ${fmt(epss[0])} to ${fmt(epss[epss.length - 1])}: GD b = ${formatCI(gd)}, PGD b = ${formatCI(pgd)}, gain (GD - PGD) = ${formatCI(gain)}; ${what} (${seeds.length} seeds; ${cens}).${skipped}`,
    gd,
    pgd,
    gain,
    inactive,
    censored,
  };
}
