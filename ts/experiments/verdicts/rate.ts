/**
 * E5: the optimization rate. The bound (1/tau) sum_{s<tau} R(Theta(s)) <= 2 nu^2 / (eta tau) + floor
 * is tested where it says something: its constant, eta tau A(tau) against 2 nu^2 at a fixed tau
 * in the optimization phase, and its 1/eta dependence, the exponent of A(tau) in eta. (The old
 * "slope <= -0.8 of log A against log tau" only said that the risk fell: d log A / d log tau =
 * R(tau)/A(tau) - 1 lies in [-1, 0] for any decreasing risk.)
 */
import type { Verdict } from '../experiment.js';
import { fmt } from '../fit.js';
import { geoMeanCI, slopeCI } from '../stats/exponent.js';
import { boundVerdict, combine, equivalenceVerdict, formatCI } from '../stats/rules.js';
import type { Interval } from '../stats/bootstrap.js';

export interface RateRun {
  eta: number;
  seed: number;
  /** The tau of the reading and the running average A(tau) there. */
  tau: number;
  avgRisk: number;
  /** The teacher's class radius. */
  nu: number;
}

/** Pre-registered: bound ratio eta tau A / (2 nu^2) below 1 (whole interval); A ~ eta^p with p within -1 +- ETA_MARGIN. */
export const RATE_RULE = { ETA_MARGIN: 0.25, MIN_SEEDS: 5, MIN_ETA_SPAN: 4 } as const;

export function judgeRate(runs: readonly RateRun[]): {
  verdict: Verdict;
  reason: string;
  ratios: { eta: number; ci: Interval }[];
  etaExponent: Interval | null;
} {
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const etas = [...new Set(runs.map((r) => r.eta))].sort((a, b) => a - b);
  if (seeds.length < RATE_RULE.MIN_SEEDS || etas.length < 2 || etas[etas.length - 1] / etas[0] < RATE_RULE.MIN_ETA_SPAN)
    return {
      verdict: 'inconclusive',
      reason: `${seeds.length} seeds, eta in {${etas.join(', ')}}: at least ${RATE_RULE.MIN_SEEDS} seeds and two step sizes a factor ${RATE_RULE.MIN_ETA_SPAN} apart are needed.`,
      ratios: [],
      etaExponent: null,
    };
  const ratios = etas.map((eta) => ({
    eta,
    ci: geoMeanCI(
      seeds.map((s) =>
        runs.filter((r) => r.seed === s && r.eta === eta).map((r) => (r.eta * r.tau * r.avgRisk) / (2 * r.nu ** 2)),
      ),
      `E5/bound/${eta}`,
    ),
  }));
  const etaExponent = slopeCI(
    seeds.map((s) => runs.filter((r) => r.seed === s).map((r) => ({ x: r.eta, y: r.avgRisk }))),
    'E5/eta',
  );
  const vb = combine(ratios.map((r) => boundVerdict(r.ci, 1, 'below')));
  const ve = equivalenceVerdict(etaExponent, -1, RATE_RULE.ETA_MARGIN);
  const verdict = combine([vb, ve]);
  const tau = runs[0]?.tau;
  const bound = `eta tau A(tau) / (2 nu^2) at tau = ${tau}: ${ratios.map((r) => `eta = ${r.eta}: ${formatCI(r.ci)}`).join(', ')} (the bound needs < 1${vb === 'matches' ? `; it holds with a margin of x${fmt(1 / Math.max(...ratios.map((r) => r.ci.hi ?? 1)), 3)} or more` : ''})`;
  const law = `A(${tau}) ~ eta^${formatCI(etaExponent)} (the bound's 1/eta: within -1 ± ${RATE_RULE.ETA_MARGIN}${ve === 'matches' ? ', holds' : ve === 'does not match' ? ', fails' : ', undecided'})`;
  const lead =
    verdict === 'matches'
      ? 'The running-average risk stays below the bound and scales like 1/eta'
      : verdict === 'does not match'
        ? vb === 'does not match'
          ? 'The running-average risk exceeds the bound 2 nu^2/(eta tau)'
          : 'The running-average risk does not scale like 1/eta'
        : 'Part of the test is undecided';
  return { verdict, reason: `${lead}: ${bound}; ${law}.`, ratios, etaExponent };
}
