/**
 * Verdicts on the width needed, m*, against a level (n in E1 and E1-dense, d in E7). m* is a grid
 * interval per seed (stats/grid.ts), and the exponent of m* in the level comes from an
 * interval-censored regression of ln m* on ln level (stats/tobit.ts): each (level, seed) enters as
 * P(lo < m* <= hi), right-censored above the grid's top, left-censored at its floor. Fitting the
 * first reaching width instead reads the grid's steps as growth (1.6 n^0.3 came out as n^0.237).
 */
import type { Verdict } from '../experiment.js';
import { fmt, linearFit } from '../fit.js';
import { seedInterval, median, type Interval } from '../stats/bootstrap.js';
import type { GridInterval } from '../stats/grid.js';
import { compareLaws, extrapolateLaws, type LawComparison, type LawExtrapolation } from '../stats/laws.js';
import { tobitFit, type IntervalObs } from '../stats/tobit.js';
import { boundVerdict, equivalenceVerdict, formatCI } from '../stats/rules.js';

export interface WidthUnit {
  /** n (E1) or d (E7) */
  level: number;
  seed: number;
  interval: GridInterval;
}

/**
 * Pre-registered. Over n >= 32 a logarithm grows locally like n^(1/ln n) <= n^0.29: an exponent
 * whose whole interval lies below P_POLY is no faster than log n; one whose interval lies above it
 * is polynomial growth. D_MARGIN: "no dependence on d" means the exponent in d within +- 0.25.
 */
export const WIDTH_RULE = { P_POLY: 0.3, D_MARGIN: 0.25, MIN_SEEDS: 5, MIN_LEVELS: 3, MIN_SPAN: 4 } as const;

export interface WidthJudgement {
  verdict: Verdict;
  reason: string;
  exponent: Interval | null;
  logSlope: Interval | null;
  comparison: LawComparison | null;
  /** Laws fitted on the lower levels predicting the upper ones (E1; reported, not judged). */
  extrapolation?: LawExtrapolation | null;
  /** The levels the exponent is read over. */
  levels: number[];
}

const seedsOf = (units: readonly WidthUnit[]) => [...new Set(units.map((u) => u.seed))].sort((a, b) => a - b);

/** One cluster per seed of (level, first reaching width) points, for the descriptive fits (units that reached). */
function clusters(units: readonly WidthUnit[]) {
  return seedsOf(units).map((s) =>
    units.filter((u) => u.seed === s && u.interval.hi !== null).map((u) => ({ x: u.level, y: u.interval.hi! })),
  );
}

/**
 * The exponent of m* in the level by interval-censored regression, with its seed-level interval.
 * A slope the censoring leaves unbounded (growth leaving the grid) enters at the search bound:
 * its interval then lies far above any threshold, which is what the data say.
 */
function exponentCI(units: readonly WidthUnit[], stream: string): Interval {
  const perSeed = seedsOf(units).map((s) =>
    units
      .filter((u) => u.seed === s)
      .map((u): IntervalObs => ({ x: Math.log(u.level), lo: u.interval.lo, hi: u.interval.hi })),
  );
  const ci = seedInterval(perSeed, (sample) => tobitFit(sample.flat())?.b ?? null, { stream });
  // Every unit's interval fits with probability ~1 (log-likelihood ~0): the likelihood is flat over all the
  // slopes passing through the intervals, and seeds with the same intervals agree on one arbitrary
  // point of that set (a zero-width interval). Those slopes are known only to the grid's resolution.
  const whole = tobitFit(perSeed.flat());
  const r = gridResolution(units);
  if (whole && whole.logLik > -0.05 && ci.estimate !== null && ci.lo !== null && ci.hi !== null && r !== null)
    return { ...ci, lo: Math.min(ci.lo, ci.estimate - r), hi: Math.max(ci.hi, ci.estimate + r) };
  return ci;
}

/** The grid step at m* over the level range: exponents below ln(step) / ln(level span) move no m* [our derivation]. */
function gridResolution(units: readonly WidthUnit[]): number | null {
  const steps = units
    .filter((u) => u.interval.lo !== null && u.interval.hi !== null)
    .map((u) => u.interval.hi! / u.interval.lo!);
  const levels = units.map((u) => u.level);
  const span = Math.log(Math.max(...levels) / Math.min(...levels));
  return steps.length && span > 0 ? Math.log(median(steps)) / span : null;
}

/** Refusals shared by the width rules: too few seeds or levels, censored intervals. */
function refusal(units: readonly WidthUnit[], name: string): string | null {
  const seeds = seedsOf(units);
  const levels = [...new Set(units.map((u) => u.level))].sort((a, b) => a - b);
  if (seeds.length < WIDTH_RULE.MIN_SEEDS)
    return `${seeds.length} seed(s): at least ${WIDTH_RULE.MIN_SEEDS} are needed (a 95% interval from fewer seeds is too wide to decide, and a bootstrap one undercovers: docs/experiments.md).`;
  if (levels.length < WIDTH_RULE.MIN_LEVELS || levels[levels.length - 1] / levels[0] < WIDTH_RULE.MIN_SPAN)
    return `${levels.length} ${name} levels (${levels.join(', ')}): at least ${WIDTH_RULE.MIN_LEVELS} spanning a factor ${WIDTH_RULE.MIN_SPAN} are needed.`;
  const left = units.filter((u) => u.interval.lo === null);
  if (left.length * 2 > units.length)
    return `m* has no lower bound in ${left.length} of ${units.length} (${name}, seed) units (the grid's smallest width reached eps, or the widths below were only plateau-stopped, a forecast rather than a failure): the data only bound it above, so no dependence on ${name} below that width can be seen.`;
  return null;
}

/** E1: m* grows no faster than log n (claim) against polynomially (refutation), over the upper half of the n range. */
export function judgeWidthInN(units: readonly WidthUnit[]): WidthJudgement {
  const all = [...new Set(units.map((u) => u.level))].sort((a, b) => a - b);
  // The upper decades: n at or above the geometric middle of the range.
  const mid = all.length ? Math.sqrt(all[0] * all[all.length - 1]) : 0;
  const upper = units.filter((u) => u.level >= mid * (1 - 1e-9));
  const levels = [...new Set(upper.map((u) => u.level))].sort((a, b) => a - b);
  const refused = refusal(upper, 'n');
  if (refused)
    return {
      verdict: 'inconclusive',
      reason: `Over the upper n range (${levels.join(', ')}): ${refused}`,
      exponent: null,
      logSlope: null,
      comparison: null,
      extrapolation: null,
      levels,
    };
  const cl = clusters(upper);
  const exponent = exponentCI(upper, 'E1/exponent');
  const right = upper.filter((u) => u.interval.hi === null).length;
  const logSlope = seedInterval(
    cl,
    (s) =>
      linearFit(
        s.flat().map((p) => Math.log(p.x)),
        s.flat().map((p) => p.y),
      )?.slope ?? null,
    { stream: 'E1/log-slope' },
  );
  const comparison = compareLaws(
    ['log', 'power', 'saturating'],
    clusters(units.filter((u) => u.interval.hi !== null)),
    {
      stream: 'E1/laws',
    },
  );
  // Fit on the n below the upper range, predict the upper range: the forecast the claim makes.
  const extrapolation = extrapolateLaws(
    ['log', 'power', 'saturating'],
    clusters(units.filter((u) => u.interval.hi !== null)),
    levels[0],
    { stream: 'E1/extrapolation' },
  );
  const verdict = boundVerdict(exponent, WIDTH_RULE.P_POLY, 'below');
  const range = `n = ${levels[0]} to ${levels[levels.length - 1]} (a factor ${fmt(levels[levels.length - 1] / levels[0])})`;
  const growth =
    logSlope.lo !== null && logSlope.lo > 0
      ? `m* grows: ${formatCI(logSlope)} widths per e-fold of n.`
      : `No growth of m* detected over ${range} (log slope ${formatCI(logSlope)} widths per e-fold of n, interval containing 0): consistent with O(log n), but a flat m* does not exhibit a log law.`;
  const cv = `Out of sample (leave-one-n-out over all n with m*), the best law is ${comparison.best ?? '–'} (chosen in ${fmt(100 * (comparison.bestShare[comparison.best ?? ''] ?? 0), 2)}% of seed resamples; CV relative errors ${comparison.laws.map((l) => `${l} ${fmt(comparison.cvError[l])}`).join(', ')})${comparison.best === 'saturating' ? ': m* saturates, which any target of finite class radius does as training risk approaches population risk' : ''}.`;
  const head =
    verdict === 'matches'
      ? `Over ${range}, m* ~ n^p (interval-censored fit) with p = ${formatCI(exponent)}: the whole interval lies below ${WIDTH_RULE.P_POLY}, so no polynomial growth.`
      : verdict === 'does not match'
        ? `Over ${range}, m* ~ n^p (interval-censored fit) with p = ${formatCI(exponent)}: the whole interval lies above ${WIDTH_RULE.P_POLY}, polynomial growth.`
        : `Over ${range}, m* ~ n^p (interval-censored fit) with p = ${formatCI(exponent)}: the interval straddles ${WIDTH_RULE.P_POLY}, so log and polynomial growth cannot be told apart.`;
  // What the grid can see: growth smaller than one grid step over the range moves no m*.
  const r = gridResolution(upper);
  const resolution =
    r !== null
      ? ` The grid step at m* (x${fmt(Math.exp(r * Math.log(levels[levels.length - 1] / levels[0])), 3)}) hides exponents below ${fmt(r, 2)} over this range.`
      : '';
  const cens = right
    ? ` ${right} (n, seed) units reached no width of the grid and enter as m* above the largest width tried.`
    : '';
  const ext = extrapolation.predictLevels.length
    ? ` Fitted on n = ${extrapolation.fitLevels.join(', ')} and predicting n = ${extrapolation.predictLevels.join(', ')}, the relative squared errors are ${extrapolation.laws.map((l) => `${l} ${formatCI(extrapolation.error[l])}`).join(', ')} (best: ${extrapolation.best ?? '–'}).`
    : '';
  return {
    verdict,
    reason: `${head}${cens}${resolution} ${growth} ${cv}${ext}`,
    exponent,
    logSlope,
    comparison,
    extrapolation,
    levels,
  };
}

/** E7: m* does not depend on d (exponent within +- D_MARGIN). */
export function judgeWidthInD(units: readonly WidthUnit[]): WidthJudgement {
  const levels = [...new Set(units.map((u) => u.level))].sort((a, b) => a - b);
  const refused = refusal(units, 'd');
  if (refused)
    return { verdict: 'inconclusive', reason: refused, exponent: null, logSlope: null, comparison: null, levels };
  const exponent = exponentCI(units, 'E7/exponent');
  const verdict = equivalenceVerdict(exponent, 0, WIDTH_RULE.D_MARGIN);
  const what =
    verdict === 'matches'
      ? `inside ±${WIDTH_RULE.D_MARGIN}: no dependence on d at this resolution`
      : verdict === 'does not match'
        ? `outside ±${WIDTH_RULE.D_MARGIN}: m* depends on d`
        : `straddling ±${WIDTH_RULE.D_MARGIN}: too wide to tell`;
  return {
    verdict,
    reason: `m* ~ d^p (interval-censored fit) over d = ${levels.join(', ')} with p = ${formatCI(exponent)}, ${what}.`,
    exponent,
    logSlope: null,
    comparison: null,
    levels,
  };
}
