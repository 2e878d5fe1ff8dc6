/**
 * Shared analysis of the memory cutoff (E2, E8): how quantities grow with the sequence length T on
 * either side of the critical memory factor a = alpha * sigma_1 * w_bar = 1.
 * [paper] flat or polynomial below the cutoff, exponential above.
 */
import { activations, type ActivationName } from '../../core/activations.js';
import type { DataConfigInputOf } from '../../data/generate.js';
import { distinct, metric, num, okResults, transportData, widthUnits, type TeacherOptions } from '../common.js';
import type { Analysis, Fit, Plot, Table } from '../experiment.js';
import { fmt, summary } from '../fit.js';
import { lineChart } from '../plots.js';
import { budgetFlag, etaLT2, regimeNote, stepsObservation, stopCounts, stopReason } from '../runs.js';
import { slopeCI } from '../stats/exponent.js';
import { formatIntervals } from '../stats/grid.js';
import { combine, formatCI } from '../stats/rules.js';
import { judgeDecayRate, type DecayJudgement } from '../verdicts/decay-rate.js';
import type { PointResult } from '../types.js';
import {
  CUTOFF_RULE,
  judgeCutoff,
  judgeSeries,
  type Regime,
  type SeriesJudgement,
  type TauObs,
} from '../verdicts/cutoff.js';

export interface CutoffOptions {
  /** Relative eps of the runs. */
  eps: number;
  /** Width at which constants and iterations are read. */
  mRef: number;
  /** Label prefix of the plots (file stems). */
  prefix: string;
  /** Series key: 'alpha' (E2) or 'ratio' (E8, alpha / alpha_crit). */
  seriesKey: string;
  activation: ActivationName;
  /** alpha of a series value */
  alphaOf: (v: number) => number;
  /** Also judge each series' rate of tau(T) against its measured memory decay (verdicts/decay-rate.ts). */
  decayRule?: boolean;
}

export interface CutoffSummary {
  fits: Fit[];
  tables: Table[];
  plots: Plot[];
  /** per series value: regime and the judgement of its growth in T */
  rows: {
    value: number;
    alpha: number;
    a: number;
    regime: Regime;
    judgement: SeriesJudgement;
    decay: DecayJudgement | null;
  }[];
  verdict: Pick<Analysis, 'verdict' | 'reason'>;
  /** Report lines: regime (drift, eta L_T^2), budget flag. */
  notes: string[];
}

/** w_bar at init is max_i |w_i(0)| with w ~ Uniform[-1, 1]: close to 1. */
const W_BAR = 1;

/**
 * The recurrent scale in a = alpha sigma_1 * scale that places the cutoff, by recurrence.
 * Diagonal: w_bar = max_i |w_i(0)| -> 1 [paper]. Dense [our derivation]: the spectral radius
 * rho(W(0)/sqrt(m)), the growth rate per step of the backpropagated gradient in the linear regime,
 * -> 1 by the circular law; not the operator norm of docs/spec/model.md section 8 (-> 2 for the halves
 * init, 1 + sqrt(2) for the paired one), which bounds one step but overstates the rate over many.
 */
export function memoryScale(results: readonly PointResult[]): { value: number; symbol: string } {
  const dense = results.some((r) => r.config.model.recurrence === 'dense');
  return dense ? { value: 1, symbol: 'rho(W(0)/sqrt m)' } : { value: W_BAR, symbol: 'w_bar' };
}

/**
 * [our derivation] The theorem's optimization term: the average risk is at most 2 nu^2 / (eta tau)
 * plus the approximation and linearization terms, so a run reaching the absolute risk eps R(0)
 * needs eta tau <= 2 nu^2 / (eps R(0)) up to those terms; this is eta tau over that budget.
 */
function boundRatio(r: PointResult, eps: number): number | null {
  const et = metric(r, 'stepsToEpsTimesEta'),
    nu = metric(r, 'nu'),
    r0 = metric(r, 'risk0');
  return et !== null && nu !== null && nu > 0 && r0 !== null ? (et * eps * r0) / (2 * nu * nu) : null;
}

/** Every run (with a measured L_T) kept eta L_T^2 <= 1/4, the step-size condition of docs/spec/model.md section 8. */
function insideCondition(rs: readonly PointResult[]): boolean {
  const v = rs.map(etaLT2).filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length > 0 && v.every((x) => x <= 0.25 * (1 + 1e-9));
}

export function cutoffSummary(results: PointResult[], o: CutoffOptions): CutoffSummary {
  const ok = okResults(results);
  const values = distinct(ok, o.seriesKey);
  const Ts = distinct(ok, 'T');
  const sigma1 = activations[o.activation].sigma1;
  const scale = memoryScale(ok);
  const rows: CutoffSummary['rows'] = [];
  const table: (string | number | null)[][] = [];
  const growthRows: (string | number | null)[][] = [];
  const constData: Record<string, unknown>[] = [];
  const stepData: Record<string, unknown>[] = [];
  const mData: Record<string, unknown>[] = [];
  const fits: Fit[] = [];
  for (const v of values) {
    const alpha = o.alphaOf(v);
    const a = alpha * sigma1 * scale.value;
    const regime: Regime = Math.abs(a - 1) < 1e-9 ? 'critical' : a < 1 ? 'short' : 'long';
    const label = `${o.seriesKey} = ${v} (${regime})`;
    const inSeries = ok.filter((r) => num(r, o.seriesKey) === v);
    const atRef = inSeries.filter((r) => num(r, 'm') === o.mRef);
    const obs: TauObs[] = [];
    for (const T of Ts) {
      const at = inSeries.filter((r) => num(r, 'T') === T);
      const ref = at.filter((r) => num(r, 'm') === o.mRef);
      const g = summary(ref.map((r) => metric(r, 'gradConst')));
      const h = summary(ref.map((r) => metric(r, 'hessConst')));
      const seen = ref.map((r) => ({ r, o: stepsObservation(r) })).filter((x) => x.o !== null);
      for (const x of seen) {
        obs.push({ T, seed: x.r.seed, steps: x.o!.steps, censored: x.o!.censored });
        stepData.push({
          T,
          series: label,
          steps: x.o!.steps,
          run: x.o!.censored ? `censored: ${stopReason(x.r)}` : 'reached eps',
        });
      }
      const reached = seen.filter((x) => !x.o!.censored).map((x) => x.o!.steps);
      const units = widthUnits(at, o.eps, () => true);
      for (const u of units)
        if (u.interval.hi !== null)
          mData.push({ T, series: label, mstar: u.interval.hi, lo: u.interval.lo ?? u.interval.hi, hi: u.interval.hi });
      const censoredText = seen.filter((x) => x.o!.censored).map((x) => x.o!.text);
      table.push([
        String(v),
        regime,
        T,
        g.mean,
        h.mean,
        [
          reached.length ? `reached: ${reached.join(', ')}` : '',
          censoredText.length ? `not reached: ${censoredText.join('; ')}` : '',
        ]
          .filter(Boolean)
          .join(' / ') || '–',
        summary(ref.map((r) => metric(r, 'stepsToEpsTimesEta'))).mean,
        summary(ref.map((r) => boundRatio(r, o.eps))).mean,
        stopCounts(ref),
        formatIntervals(units.map((u) => u.interval)),
      ]);
      if (g.mean !== null) constData.push({ T, series: label, gradConst: g.mean, hessConst: h.mean });
    }
    const judgement = judgeSeries(obs, regime, `${o.prefix}/${v}`);
    // The measured constants are not censored: their exponential rate in T with a seed-level interval.
    const constRate = (key: 'gradConst' | 'hessConst') =>
      slopeCI(
        [...new Set(atRef.map((r) => r.seed))].map((s) =>
          atRef.filter((r) => r.seed === s).map((r) => ({ x: num(r, 'T'), y: metric(r, key) ?? Number.NaN })),
        ),
        `${o.prefix}/${v}/${key}`,
        'linear',
      );
    const gRate = constRate('gradConst'),
      hRate = constRate('hessConst');
    const radius = summary(atRef.map((r) => metric(r, 'radius0'))).mean;
    const decay = summary(atRef.map((r) => metric(r, 'memoryDecay'))).mean;
    // The decay at the longest T: the most lags to fit the slope over.
    const tMax = Math.max(...atRef.map((r) => num(r, 'T')));
    const decayAtMax = summary(atRef.filter((r) => num(r, 'T') === tMax).map((r) => metric(r, 'memoryDecay'))).mean;
    const decayJ = o.decayRule && regime !== 'critical' ? judgeDecayRate(obs, decayAtMax) : null;
    rows.push({ value: v, alpha, a, regime, judgement, decay: decayJ });
    growthRows.push([
      String(v),
      a,
      radius,
      decay,
      regime,
      judgement.rate ? formatCI(judgement.rate) : '–',
      judgement.expShare === null ? '–' : `${fmt(100 * judgement.expShare, 2)}%`,
      `${judgement.censored}/${judgement.total}`,
      fmt(Math.max(...atRef.map((r) => etaLT2(r) ?? Number.NaN).filter(Number.isFinite))),
      formatCI(gRate),
      formatCI(hRate),
      judgement.verdict ?? '(critical: not judged)',
      ...(o.decayRule ? [decayJ ? `${decayJ.verdict}: ${decayJ.reason}` : '–'] : []),
    ]);
    fits.push({
      name: `steps to eps, ${o.seriesKey} = ${v}`,
      formula: 'ln tau = a + rate T (censored regression)',
      params: {
        rate: judgement.rate?.estimate ?? null,
        rateLo: judgement.rate?.lo ?? null,
        rateHi: judgement.rate?.hi ?? null,
        expShare: judgement.expShare,
      },
      n: judgement.total,
      note: judgement.reason,
    });
  }
  const shape = judgeCutoff(
    rows.map((r) => ({ label: `${o.seriesKey} = ${r.value}`, regime: r.regime, judgement: r.judgement })),
  );
  const decays = rows.filter((r) => r.decay !== null);
  const verdict = o.decayRule
    ? {
        verdict: combine([shape.verdict, ...decays.map((r) => r.decay!.verdict)]),
        reason: `${shape.reason} Rate against the memory decay: ${decays.map((r) => `${o.seriesKey} = ${r.value}: ${r.decay!.verdict} (${r.decay!.reason})`).join('; ')}.`,
      }
    : shape;
  const ref = ok.filter((r) => num(r, 'm') === o.mRef);
  const flag = budgetFlag(ref);
  const logChart = (
    name: string,
    title: string,
    data: Record<string, unknown>[],
    y: string,
    yTitle: string,
    extra = {},
  ) => ({
    name: `${o.prefix}-${name}`,
    title,
    spec: lineChart({
      title,
      data,
      x: 'T',
      y,
      color: 'series',
      xLog: true,
      yLog: true,
      xTitle: 'sequence length T (log)',
      yTitle,
      ...extra,
    }),
  });
  const plots: Plot[] = [
    logChart(
      'steps',
      `${o.prefix}: GD steps to eps = ${o.eps} per run (m = ${o.mRef}); hollow shapes = censored at the steps the run made`,
      stepData,
      'steps',
      'steps (log)',
      { pointsOnly: true, shape: 'run', filledValue: 'reached eps' },
    ),
    logChart('mstar', `${o.prefix}: m* per seed (bar = grid interval)`, mData, 'mstar', 'first reaching width (log)', {
      pointsOnly: true,
      yLow: 'lo',
      yHigh: 'hi',
    }),
    logChart(
      'grad',
      `${o.prefix}: max ||d h_T / d theta_i|| at init (m = ${o.mRef})`,
      constData,
      'gradConst',
      'measured L_T (log)',
    ),
    logChart(
      'hess',
      `${o.prefix}: max Hessian norm of h_T at init (m = ${o.mRef})`,
      constData,
      'hessConst',
      'measured beta_T (log)',
    ),
  ];
  return {
    fits,
    tables: [
      {
        title: `by ${o.seriesKey} and T (constants and steps at m = ${o.mRef}; every run listed, censored ones with how they ended)`,
        columns: [
          o.seriesKey,
          'regime',
          'T',
          'L_T measured',
          'beta_T measured',
          'steps to eps',
          'eta tau (mean of reached; units of 1/eta)',
          'eta tau eps R(0) / (2 nu^2) (theory: <= 1 up to the floor terms)',
          'how the runs ended',
          'm* (grid interval x seeds)',
        ],
        rows: table,
      },
      {
        title: 'growth in T (rates per unit T with 95% seed-level t-intervals)',
        columns: [
          o.seriesKey,
          `a = alpha sigma_1 ${scale.symbol}`,
          `${scale.symbol} measured`,
          'memory decay measured',
          'regime',
          'steps: rate (censored fit)',
          'exponential better than polynomial',
          'censored runs',
          'max eta L_T^2 (theory: <= 0.25)',
          'L_T: rate',
          'beta_T: rate',
          'verdict',
          ...(o.decayRule ? ['rate of tau against 2 ln(memory decay)'] : []),
        ],
        rows: growthRows,
      },
    ],
    plots,
    rows,
    verdict,
    notes: [
      `What this test can detect: exponential growth of the iterations whose rate interval clears 0 and beats a polynomial in ${100 * CUTOFF_RULE.PREFER}% of seed resamples, and polynomial growth above the cutoff; with ${new Set(ok.map((r) => r.seed)).size} seeds and ${Ts.length} T values a saturating or slow exponential (rate below ~ln 2 / T range) is not separable from a polynomial, and runs that never reach eps say nothing about the shape. ${insideCondition(ref) ? "Every run at m_ref kept the theory's step-size condition eta L_T^2 <= 1/4." : "Some runs broke the theory's step-size condition (eta L_T^2 > 1/4): there the iterations are fixed-step GD's, not the theorem's tau."}`,
      regimeNote(ref, `m = ${o.mRef}`),
      ...(flag ? [flag] : []),
    ],
  };
}

export function cutoffVerdict(s: CutoffSummary, what: string): Pick<Analysis, 'verdict' | 'reason'> {
  return { verdict: s.verdict.verdict, reason: `${what}: ${s.verdict.reason}` };
}

/**
 * The class teacher of E2 and E8 with its map radius nu held fixed (nu_w = nu_u = 1, targets not
 * rescaled): rescaling each cell to RMS 1 moved nu with (alpha, T) and between activations, so
 * the iterations measured nu^2 as much as memory (the referee's point).
 */
export function fixedNormTeacher(o: TeacherOptions): DataConfigInputOf<'transport'> {
  return { ...transportData(o), normalize: 'none' };
}
