/**
 * Shared analysis of the memory cutoff (E2, E8): how quantities grow with the sequence length T on
 * either side of the critical memory factor a = alpha * sigma_1 * w_bar = 1.
 * [paper] flat or polynomial below the cutoff, exponential above.
 */
import { activations, type ActivationName } from '../../activations.js';
import { distinct, growthShape, metric, num, okResults, widthNeeded } from '../common.js';
import type { Analysis, Fit, Plot, Table } from '../experiment.js';
import { fmt, summary } from '../fit.js';
import { lineChart } from '../plots.js';
import type { PointResult } from '../types.js';

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
}

export interface CutoffSummary {
  fits: Fit[];
  tables: Table[];
  plots: Plot[];
  /** per series value: regime and growth shapes */
  rows: {
    value: number;
    alpha: number;
    a: number;
    /** measured at init at m = mRef (mean over T and seeds): the recurrent spectral radius, the memory decay per step */
    radius: number | null;
    decay: number | null;
    regime: string;
    grad: ReturnType<typeof growthShape>;
    hess: ReturnType<typeof growthShape>;
    steps: ReturnType<typeof growthShape>;
    mstar: ReturnType<typeof growthShape>;
    stepsBlowup: boolean;
    mBlowup: boolean;
    agrees: boolean | null;
  }[];
  agree: number;
  judged: number;
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

export function cutoffSummary(results: PointResult[], o: CutoffOptions): CutoffSummary {
  const ok = okResults(results);
  const values = distinct(ok, o.seriesKey);
  const Ts = distinct(ok, 'T');
  const ms = distinct(ok, 'm');
  const sigma1 = activations[o.activation].sigma1;
  const scale = memoryScale(ok);
  const rows: CutoffSummary['rows'] = [];
  const table: (string | number | null)[][] = [];
  const constData: Record<string, unknown>[] = [];
  const stepData: Record<string, unknown>[] = [];
  const mData: Record<string, unknown>[] = [];
  for (const v of values) {
    const alpha = o.alphaOf(v);
    const a = alpha * sigma1 * scale.value;
    const regime = Math.abs(a - 1) < 1e-9 ? 'critical' : a < 1 ? 'short' : 'long';
    const grad: number[] = [],
      hess: number[] = [],
      steps: number[] = [],
      mstar: number[] = [];
    const reachedAll: boolean[] = [],
      mReachedAll: boolean[] = [];
    for (const T of Ts) {
      const at = ok.filter((r) => num(r, o.seriesKey) === v && num(r, 'T') === T);
      const ref = at.filter((r) => num(r, 'm') === o.mRef);
      const g = summary(ref.map((r) => metric(r, 'gradConst')));
      const h = summary(ref.map((r) => metric(r, 'hessConst')));
      const budget = Math.max(0, ...ref.map((r) => Number(r.config.train.steps) || 0));
      // Iterations to eps, censored: a run that does not reach counts as the step budget (a lower bound).
      const sc = summary(ref.map((r) => (r.metrics?.reached ? metric(r, 'stepsToEps') : budget)));
      const reached = ref.filter((r) => r.metrics?.reached).length;
      const w = widthNeeded(at, o.eps, () => true);
      grad.push(g.mean ?? Number.NaN);
      hess.push(h.mean ?? Number.NaN);
      steps.push(sc.mean ?? Number.NaN);
      reachedAll.push(ref.length > 0 && reached === ref.length);
      mReachedAll.push(w.seeds > 0 && w.reachedSeeds === w.seeds);
      // m*, censored at twice the largest width when some seed does not reach.
      mstar.push(w.reachedSeeds === w.seeds && w.geoMean !== null ? w.geoMean : 2 * Math.max(...ms));
      table.push([
        String(v),
        regime,
        T,
        g.mean,
        h.mean,
        reached === ref.length ? sc.mean : `> ${fmt(sc.mean)}`,
        `${reached}/${ref.length}`,
        w.reachedSeeds === w.seeds ? w.geoMean : `> ${Math.max(...ms)}`,
        `${w.reachedSeeds}/${w.seeds}`,
      ]);
      const label = `${o.seriesKey} = ${v} (${regime})`;
      if (g.mean !== null) constData.push({ T, series: label, gradConst: g.mean, hessConst: h.mean });
      if (sc.mean !== null)
        stepData.push({
          T,
          series: label,
          steps: sc.mean,
          lo: (sc.mean ?? 0) - (sc.std ?? 0),
          hi: (sc.mean ?? 0) + (sc.std ?? 0),
        });
      if (w.geoMean !== null && w.reachedSeeds === w.seeds) mData.push({ T, series: label, mstar: w.geoMean });
    }
    const atRef = ok.filter((r) => num(r, o.seriesKey) === v && num(r, 'm') === o.mRef);
    const radius = summary(atRef.map((r) => metric(r, 'radius0'))).mean;
    const decay = summary(atRef.map((r) => metric(r, 'memoryDecay'))).mean;
    const blowup = (flags: boolean[]) => flags.length > 0 && flags[0] && flags.some((f) => !f);
    const gs = growthShape(Ts, grad);
    const hs = growthShape(Ts, hess);
    const ss = growthShape(Ts, steps);
    const mss = growthShape(Ts, mstar);
    const stepsBlowup = blowup(reachedAll);
    const mBlowup = blowup(mReachedAll);
    // The claim on the width and iterations needed: below the cutoff no exponential growth in T;
    // above it exponential growth (or a blow-up: eps no longer reached within the budget).
    const agrees =
      regime === 'critical'
        ? null
        : regime === 'short'
          ? ss.shape !== 'exponential' && mss.shape !== 'exponential' && !stepsBlowup && !mBlowup
          : ss.shape === 'exponential' || mss.shape === 'exponential' || stepsBlowup || mBlowup;
    rows.push({
      value: v,
      alpha,
      a,
      radius,
      decay,
      regime,
      grad: gs,
      hess: hs,
      steps: ss,
      mstar: mss,
      stepsBlowup,
      mBlowup,
      agrees,
    });
  }
  const fits: Fit[] = rows.flatMap((r) => [
    {
      name: `steps to eps, ${o.seriesKey} = ${r.value}`,
      formula: 'log steps(T) against T and log T',
      params: { ratePerStep: r.steps.rate, degree: r.steps.degree },
      r2: r.steps.shape === 'exponential' ? r.steps.r2Exp : r.steps.r2Poly,
      n: Ts.length,
      note: `shape: ${r.steps.shape}${r.stepsBlowup ? ', eps not reached at large T (censored at the budget)' : ''}`,
    },
    {
      name: `Hessian constant, ${o.seriesKey} = ${r.value}`,
      formula: 'log beta_T(T) against T and log T',
      params: { ratePerStep: r.hess.rate, degree: r.hess.degree },
      r2: r.hess.shape === 'exponential' ? r.hess.r2Exp : r.hess.r2Poly,
      n: Ts.length,
      note: `shape: ${r.hess.shape}`,
    },
  ]);
  const plots: Plot[] = [
    {
      name: `${o.prefix}-steps`,
      title: 'iterations to reach eps against T',
      spec: lineChart({
        title: `${o.prefix}: GD steps to reach eps = ${o.eps} (m = ${o.mRef}; not reached = budget)`,
        data: stepData,
        x: 'T',
        y: 'steps',
        color: 'series',
        xLog: true,
        yLog: true,
        xTitle: 'sequence length T',
        yTitle: 'steps to eps',
        yLow: 'lo',
        yHigh: 'hi',
      }),
    },
    {
      name: `${o.prefix}-mstar`,
      title: 'width needed against T',
      spec: lineChart({
        title: `${o.prefix}: width m* to reach eps = ${o.eps}`,
        data: mData,
        x: 'T',
        y: 'mstar',
        color: 'series',
        xLog: true,
        yLog: true,
        xTitle: 'sequence length T',
        yTitle: 'm*',
      }),
    },
    {
      name: `${o.prefix}-grad`,
      title: 'measured gradient constant against T',
      spec: lineChart({
        title: `${o.prefix}: max ||d h_T / d theta_i|| at init (m = ${o.mRef})`,
        data: constData,
        x: 'T',
        y: 'gradConst',
        color: 'series',
        xLog: true,
        yLog: true,
        xTitle: 'sequence length T',
        yTitle: 'measured L_T',
      }),
    },
    {
      name: `${o.prefix}-hess`,
      title: 'measured Hessian constant against T',
      spec: lineChart({
        title: `${o.prefix}: max Hessian norm of h_T at init (m = ${o.mRef})`,
        data: constData,
        x: 'T',
        y: 'hessConst',
        color: 'series',
        xLog: true,
        yLog: true,
        xTitle: 'sequence length T',
        yTitle: 'measured beta_T',
      }),
    },
  ];
  const judged = rows.filter((r) => r.agrees !== null);
  return {
    fits,
    tables: [
      {
        title: `by ${o.seriesKey} and T (constants and steps at m = ${o.mRef}, mean over seeds)`,
        columns: [
          o.seriesKey,
          'regime',
          'T',
          'L_T measured',
          'beta_T measured',
          'steps to eps',
          'reached',
          'm*',
          'seeds with m*',
        ],
        rows: table,
      },
      {
        title: 'growth in T',
        columns: [
          o.seriesKey,
          `a = alpha sigma_1 ${scale.symbol}`,
          `${scale.symbol} measured`,
          'memory decay measured',
          'regime',
          'steps to eps',
          'm*',
          'L_T (rate/step, degree)',
          'beta_T (rate/step, degree)',
          'agrees with the claim',
        ],
        rows: rows.map((r) => [
          String(r.value),
          r.a,
          r.radius,
          r.decay,
          r.regime,
          `${r.steps.shape}${r.stepsBlowup ? ' + not reached' : ''}`,
          `${r.mstar.shape}${r.mBlowup ? ' + not reached' : ''}`,
          `${r.grad.shape} (${fmt(r.grad.rate)}, ${fmt(r.grad.degree)})`,
          `${r.hess.shape} (${fmt(r.hess.rate)}, ${fmt(r.hess.degree)})`,
          r.agrees === null ? '(critical: not judged)' : r.agrees ? 'yes' : 'no',
        ]),
      },
    ],
    plots,
    rows,
    agree: judged.filter((r) => r.agrees).length,
    judged: judged.length,
  };
}

export function cutoffVerdict(s: CutoffSummary, what: string): Pick<Analysis, 'verdict' | 'reason'> {
  if (s.judged < 2)
    return { verdict: 'inconclusive', reason: `only ${s.judged} non-critical series: too few to judge ${what}.` };
  const desc = s.rows
    .map(
      (r) =>
        `${r.regime} a = ${fmt(r.a)}: steps ${r.steps.shape}${r.stepsBlowup ? ' then not reached' : ''}, m* ${r.mstar.shape}${r.mBlowup ? ' then not reached' : ''}, beta_T x${fmt(r.hess.ratio)} over the T range`,
    )
    .join('; ');
  if (s.agree === s.judged)
    return { verdict: 'matches', reason: `${what}: every series is on the claimed side of the cutoff — ${desc}.` };
  if (s.agree >= s.judged / 2)
    return {
      verdict: 'inconclusive',
      reason: `${what}: ${s.agree} of ${s.judged} series agree with the claim — ${desc}.`,
    };
  return {
    verdict: 'does not match',
    reason: `${what}: only ${s.agree} of ${s.judged} series agree with the claim — ${desc}.`,
  };
}
