/**
 * One training run of a point: the Trainer with the point's stops (at eps, and the plateau rule for
 * runs that cannot reach eps), returning why it ended and the parameters at the end. The point
 * runner (point.ts) calls it once, or once per step size of a grid (step-size.ts).
 */
import type { TrainOptionsInput } from '../core/config.js';
import type { MetricRecord } from '../core/metrics.js';
import type { PreparedRun } from '../train/run.js';
import type { ModelParams } from '../core/types.js';
import type { MeasureOptions, PointMetrics } from './types.js';

/** The plateau rule judges a run only from half its budget on, and from this step on. */
const PLATEAU_MIN_STEPS = 100;
/** The projected risk must miss the target by this factor before a run is stopped. */
const PLATEAU_MARGIN = 2;
/** A rise of the risk between records smaller than this (relative) is rounding, not a rise. */
const MONOTONE_TOLERANCE = 1e-6;
/** Slack on "the decay rate does not rise" (relative; exact exponentials have equal rates). */
const CONVEX_TOLERANCE = 0.01;

/**
 * The plateau rule [our derivation]: can a run still reach `target` within `budget` steps? `steps`
 * and `risks` are the records so far (the risk itself, not its running minimum).
 *
 * Why a stop is safe, and where: for gradient descent on the linearized model (a quadratic risk,
 * a step size below 2 / lambda_max) the risk is a sum of decaying exponentials c_k q_k^(2s) in s:
 * it falls monotonically and its logarithm is convex, so the decay rate only falls, and the average
 * rate r over the last half of the run, r = (ln R(s/2) - ln R(s)) / (s/2), projects
 * ln R(budget) >= ln R(s) - r (budget - s): a run whose projection stays above the target cannot
 * reach it. The rule therefore only stops a run whose recorded curve has that shape:
 * - monotone: no record's risk above the previous one (beyond rounding), over the whole run;
 * - log-convex: over the last half, the rate in its second quarter not above the rate in its first;
 * - judged only from half the budget on (max(PLATEAU_MIN_STEPS, budget / 2)), so a slow start is
 *   never mistaken for a plateau;
 * and then only when the projection misses the target by more than PLATEAU_MARGIN. An oscillating
 * or accelerating curve (the network outside the kernel regime, a step size above 2 / lambda_max)
 * runs its whole budget.
 */
export function plateauStop(
  steps: readonly number[],
  risks: readonly number[],
  budget: number,
  target: number,
): boolean {
  const L = steps.length;
  if (L < 3) return false;
  const s = steps[L - 1];
  if (s < Math.max(PLATEAU_MIN_STEPS, budget / 2) || s >= budget) return false;
  for (let k = 0; k < L; k++) {
    if (!(risks[k] > 0 && Number.isFinite(risks[k]))) return false;
    if (k > 0 && risks[k] > risks[k - 1] * (1 + MONOTONE_TOLERANCE)) return false;
  }
  const lastAtOrBefore = (t: number) => {
    let j = L - 1;
    while (j > 0 && steps[j] > t) j--;
    return j;
  };
  const j = lastAtOrBefore(s / 2),
    q = lastAtOrBefore((3 * s) / 4);
  if (!(j < q && q < L - 1)) return false; // too few records to see the shape
  const ln = (k: number) => Math.log(risks[k]);
  const early = (ln(j) - ln(q)) / (steps[q] - steps[j]);
  const lateDrop = ln(q) - ln(L - 1);
  if (lateDrop > early * (s - steps[q]) * (1 + CONVEX_TOLERANCE) + MONOTONE_TOLERANCE) return false;
  const rate = (ln(j) - ln(L - 1)) / (s - steps[j]);
  const projected = ln(L - 1) - Math.max(0, rate) * (budget - s);
  return projected > Math.log(target * PLATEAU_MARGIN);
}

/** How one training run of a point ended. */
export interface TrainOutcome {
  status: 'ok' | 'diverged';
  /** The Trainer's message when it diverged. */
  message?: string;
  records: MetricRecord[];
  steps: number;
  stopped: Exclude<PointMetrics['stopped'], 'init-only'>;
  /** The step size used. */
  eta: number;
  /** Theta at the end (the last finite parameters when the run diverged), with W0/U0 = Theta(0). */
  params: ModelParams;
  /** The linearization trained side by side (measure.linearized), else null. */
  linear: { diverged: boolean; step: number | null; lastFiniteRisk: number | null } | null;
}

/**
 * Trains `run` from Theta(0) with `train`, stopping at eps (measure.stopAtEps) or by the plateau
 * rule (measure.plateau). Null when `signal` stopped it (the caller's abort, not our own stops).
 */
export async function trainRun(
  run: PreparedRun,
  train: TrainOptionsInput,
  measure: MeasureOptions,
  signal?: AbortSignal,
): Promise<TrainOutcome | null> {
  // Our own stop (at eps) and the caller's abort share one controller; `external` tells them apart.
  const controller = new AbortController();
  let external = false;
  const onAbort = () => {
    external = true;
    controller.abort();
  };
  if (signal?.aborted) return null;
  signal?.addEventListener('abort', onAbort, { once: true });
  const trainer = run.trainer({ train, linearized: measure.linearized });
  try {
    let risk0: number | null = null;
    let hitEps = false,
      plateau = false;
    const budget = trainer.options.steps;
    const recSteps: number[] = [],
      recRisks: number[] = [];
    const result = await trainer.run({
      signal: controller.signal,
      onProgress: (rec) => {
        risk0 ??= trainer.records[0]?.risk ?? rec.risk;
        if (measure.eps === undefined) return;
        if (measure.stopAtEps && rec.risk <= measure.eps * risk0) {
          hitEps = true;
          controller.abort();
          return;
        }
        if (!measure.plateau) return;
        recSteps.push(rec.step);
        recRisks.push(rec.risk);
        if (plateauStop(recSteps, recRisks, budget, measure.eps * risk0)) {
          plateau = true;
          controller.abort();
        }
      },
    });
    if (result.status === 'aborted' && (external || !(hitEps || plateau))) return null;
    const diverged = result.status === 'diverged';
    return {
      status: diverged ? 'diverged' : 'ok',
      ...(diverged ? { message: result.message ?? 'diverged' } : {}),
      records: result.records,
      steps: result.steps,
      stopped: diverged ? 'diverged' : hitEps ? 'eps' : plateau ? 'plateau' : 'steps',
      eta: trainer.options.eta,
      params: trainer.params(),
      linear: trainer.linearStatus(),
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    trainer.free();
  }
}
