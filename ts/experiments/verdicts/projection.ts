/**
 * E3: projected GD with rho >= nu is as good as plain GD. Per (m, rho) setting, the paired ratio
 * projected / GD best training risk of each seed, geometric mean with a seed-level interval.
 * A setting whose projection never acted (no neuron ever on the boundary) is GD itself and cannot
 * fail: it is counted and left out. No absolute slack: GD's risks are ~1e-4, where any additive
 * allowance would dominate.
 */
import type { Verdict } from '../experiment.js';
import { geoMeanCI } from '../stats/exponent.js';
import { boundVerdict, combine, formatCI } from '../stats/rules.js';

export interface PairedRun {
  m: number;
  /** rho / nu */
  rho: number;
  seed: number;
  projected: number;
  gd: number;
  /** Did the projection act at least once (boundary fraction > 0 or rho_s reaching rho)? */
  active: boolean;
  /** rho_s exceeded rho (beyond float32 rounding): the projection failed. */
  violated: boolean;
}

/** Pre-registered: "as good as GD" = paired risk ratio below 1.5 (whole interval). */
export const PROJECTION_RULE = { MAX_RATIO: 1.5, MIN_SEEDS: 5 } as const;

export function judgeProjection(runs: readonly PairedRun[]): { verdict: Verdict; reason: string; inactive: string[] } {
  if (runs.some((r) => r.violated))
    return {
      verdict: 'does not match',
      reason: 'rho_s exceeded rho in some run: the projection did not hold.',
      inactive: [],
    };
  const settings = [...new Set(runs.map((r) => `${r.m}/${r.rho}`))];
  const inactive: string[] = [];
  const parts: { verdict: Verdict; text: string }[] = [];
  for (const key of settings) {
    const rs = runs.filter((r) => `${r.m}/${r.rho}` === key);
    const label = `m = ${rs[0].m}, rho = ${rs[0].rho} nu`;
    if (!rs.some((r) => r.active)) {
      inactive.push(label);
      continue;
    }
    const seeds = [...new Set(rs.map((r) => r.seed))];
    const ci = geoMeanCI(
      seeds.map((s) => rs.filter((r) => r.seed === s).map((r) => r.projected / r.gd)),
      `E3/${key}`,
    );
    const v =
      seeds.length < PROJECTION_RULE.MIN_SEEDS ? 'inconclusive' : boundVerdict(ci, PROJECTION_RULE.MAX_RATIO, 'below');
    parts.push({ verdict: v, text: `${label}: projected/GD risk ratio ${formatCI(ci)} (${seeds.length} seeds)` });
  }
  const skipped = inactive.length
    ? ` Not counted (the projection never acted, so the run is GD's): ${inactive.join('; ')}.`
    : '';
  if (!parts.length)
    return {
      verdict: 'inconclusive',
      reason: `No setting with rho >= nu where the projection acted: the test cannot tell projected GD from GD.${skipped}`,
      inactive,
    };
  const verdict = combine(parts.map((p) => p.verdict));
  const lead =
    verdict === 'matches'
      ? `Projected GD ends within ${PROJECTION_RULE.MAX_RATIO}x of GD's training risk (whole interval) in every setting where the projection acted`
      : verdict === 'does not match'
        ? `Projected GD is worse than ${PROJECTION_RULE.MAX_RATIO}x GD's training risk (whole interval) in at least one setting where the projection acted`
        : `In at least one setting the interval of the risk ratio straddles ${PROJECTION_RULE.MAX_RATIO}x or has too few seeds`;
  return { verdict, reason: `${lead}: ${parts.map((p) => p.text).join('; ')}.${skipped}`, inactive };
}
