/**
 * What a report must say about how its runs ended and where they were read: stop reasons counted
 * per cell, censored iteration counts stated as what was measured ("stopped at 510 by the plateau
 * rule", never "> 5000" for a run that did not run 5000 steps), budgets too short for the runs that
 * reached, and the regime (kernel drift, eta L_T^2) at the widths where a result is read.
 */
import { median } from './stats/bootstrap.js';
import { fmt } from './fit.js';
import type { PointResult } from './types.js';

export type StopReason = 'eps' | 'not-lazy' | 'steps' | 'plateau' | 'diverged' | 'init-only' | 'error';

/** 'not-lazy': stopped at eps, but measure.maxDrift did not count it (its kernel drifted further). */
export const stopReason = (r: PointResult): StopReason =>
  r.status === 'error' || !r.metrics
    ? 'error'
    : r.status === 'diverged'
      ? 'diverged'
      : r.metrics.stopped === 'eps' && r.metrics.reached === false
        ? 'not-lazy'
        : r.metrics.stopped;

/** "3 eps, 1 budget, 1 plateau" (only the reasons that occur). */
export function stopCounts(rs: readonly PointResult[]): string {
  const names: Record<StopReason, string> = {
    eps: 'reached eps',
    'not-lazy': 'reached eps not lazy',
    steps: 'ran the budget',
    plateau: 'plateau-stopped',
    diverged: 'diverged',
    'init-only': 'init only',
    error: 'failed',
  };
  const counts = new Map<StopReason, number>();
  for (const r of rs) counts.set(stopReason(r), (counts.get(stopReason(r)) ?? 0) + 1);
  return [...counts].map(([k, c]) => `${c} ${names[k]}`).join(', ') || '–';
}

/** Whether a run reached eps (its recorded flag, else its best relative risk). */
export const reachedEps = (r: PointResult, eps: number): boolean =>
  r.metrics?.reached ?? (r.metrics ? r.metrics.bestRel <= eps : false);

/** Iterations to eps as an observation: exact when reached, else censored at the steps the run made. */
export function stepsObservation(r: PointResult): { steps: number; censored: boolean; text: string } | null {
  const m = r.metrics;
  if (!m) return null;
  if (m.reached && m.stepsToEps !== null) return { steps: m.stepsToEps, censored: false, text: String(m.stepsToEps) };
  const ran = m.steps;
  const why =
    {
      plateau: `stopped at ${ran} by the plateau rule`,
      diverged: `diverged by step ${ran}`,
      'not-lazy': `reached eps at ${m.stepsToEps} with kernel drift ${fmt(m.drift ?? NaN)} (not lazy)`,
    }[stopReason(r) as string] ?? `> ${ran} (ran the budget)`;
  return ran > 0 ? { steps: ran, censored: true, text: why } : null;
}

/**
 * A budget below 10x the median steps-to-eps of the runs that reached is flagged: runs just below
 * m* may then fail for want of steps, not of width.
 */
export function budgetFlag(rs: readonly PointResult[]): string | null {
  const reached = rs
    .filter((r) => r.metrics?.reached && r.metrics.stepsToEps !== null)
    .map((r) => r.metrics!.stepsToEps!);
  const budget = Math.max(0, ...rs.map((r) => Number(r.config.train.steps) || 0));
  if (!reached.length || !budget) return null;
  const med = median(reached);
  return budget < 10 * med
    ? `The step budget (${budget}) is shorter than 10x the median steps to eps of the runs that reached (${fmt(med)}): runs that did not reach may have lacked steps, not width.`
    : null;
}

const optional = (r: PointResult, key: string): number | null => {
  const v = (r.metrics as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** Relative kernel drift of a run: the point runner's `drift` when present, else E4's `ntkDrift`. */
export const driftOf = (r: PointResult): number | null => optional(r, 'drift') ?? optional(r, 'ntkDrift');

/**
 * eta L_T^2 of a run: the point runner's `etaLT2` when present, else eta times the square of the
 * gradient constant measured at init (`gradConst`, the L_T of docs/spec/model.md section 8).
 */
export function etaLT2(r: PointResult): number | null {
  const direct = optional(r, 'etaLT2');
  if (direct !== null) return direct;
  const eta = optional(r, 'eta') ?? Number(r.config?.train?.eta);
  const L = optional(r, 'gradConst');
  return L !== null && Number.isFinite(eta) ? eta * L * L : null;
}

/** Pre-registered: a run is lazy when its relative kernel drift is at most 5%. */
export const LAZY_DRIFT = 0.05;

/** The measured kernel drifts of some runs, and how many of them are lazy. */
function laziness(rs: readonly PointResult[]): { drifts: number[]; lazy: number } {
  const drifts = rs.map(driftOf).filter((x): x is number => x !== null);
  return { drifts, lazy: drifts.filter((d) => d <= LAZY_DRIFT).length };
}

/**
 * The laziness flag of a verdict read at some widths (m* of a width search): when most of those runs
 * are not lazy (kernel drift above LAZY_DRIFT), the verdict is about networks outside the regime the
 * theorem speaks about, and its reason says so beside the verdict (the rule itself is unchanged).
 */
export function lazyFlag(rs: readonly PointResult[], where: string): string | null {
  const { drifts, lazy } = laziness(rs);
  if (!drifts.length) return null;
  return 2 * lazy < drifts.length
    ? `Not in the lazy regime: at ${where} ${lazy} of ${drifts.length} runs have kernel drift <= ${LAZY_DRIFT} (median ${fmt(median(drifts))}), so the verdict is about networks that move their features, outside the regime the theorem speaks about.`
    : null;
}

/**
 * The regime at the widths where a result is read: how many runs were lazy (drift <= 5%), and
 * eta L_T^2 (the step-size condition of docs/spec/model.md section 8 asks eta L_T^2 <= 1/4).
 */
export function regimeNote(rs: readonly PointResult[], where: string): string {
  const { drifts, lazy } = laziness(rs);
  const etaL = rs.map(etaLT2).filter((x): x is number => x !== null);
  const moves = rs.map((r) => optional(r, 'paramMove')).filter((x): x is number => x !== null);
  const parts: string[] = [];
  if (drifts.length) {
    parts.push(
      `kernel drift median ${fmt(median(drifts))} (range ${fmt(Math.min(...drifts))}-${fmt(Math.max(...drifts))}); ${lazy} of ${drifts.length} runs lazy (drift <= ${LAZY_DRIFT})`,
    );
  } else parts.push('kernel drift not measured (no regime check possible)');
  if (moves.length) parts.push(`relative parameter movement median ${fmt(median(moves))}`);
  if (etaL.length)
    parts.push(
      `eta L_T^2 median ${fmt(median(etaL))} (the theorem's step-size condition needs <= 0.25; ${etaL.filter((x) => x <= 0.25).length} of ${etaL.length} runs inside)`,
    );
  else parts.push('eta L_T^2 not measured');
  return `Regime at ${where}: ${parts.join('; ')}.`;
}

/**
 * The regime at m* of one level, as table cells: kernel drift (median, lazy runs), median steps to
 * eps and the budget as a multiple of it (the search needs >= 10x), and eps as a multiple of the
 * approximation floor (the oracle's relative risk at the same width, when the points measured it).
 */
export function regimeCells(at: readonly PointResult[], eps: number): string[] {
  const { drifts, lazy } = laziness(at);
  const steps = at
    .map((r) => (r.metrics?.reached ? r.metrics.stepsToEps : null))
    .filter((x): x is number => x !== null);
  const budget = Math.max(0, ...at.map((r) => Number(r.config.train.steps) || 0));
  const floors = at.map((r) => optional(r, 'oracleRel')).filter((x): x is number => x !== null && x > 0);
  const med = steps.length ? median(steps) : null;
  return [
    drifts.length ? `${fmt(median(drifts), 3)} (${lazy}/${drifts.length} lazy)` : 'not measured',
    med === null ? '–' : fmt(med, 3),
    med === null || !budget ? '–' : `${fmt(budget / med, 3)}x`,
    floors.length ? fmt(eps / median(floors), 3) : 'not measured',
  ];
}
