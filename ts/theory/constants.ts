/**
 * Measured constants (docs/spec/model.md section 8, last paragraph) [derived]: the Lipschitz and smoothness
 * constants that the bound calculator (bounds.ts) bounds in the worst case, measured instead on
 * given parameters and data, and the bound terms re-evaluated with them.
 *
 * Definitions (per neuron i and sample X_j; theta_i = (w_i, u_i) diagonal, (row i of W, row i of U)
 * dense; every derivative is the total derivative of the last hidden state h_{i,T-1}):
 *
 * - L_T (measured)    = max_{j,i} ||d h_{i,T-1}(X_j) / d theta_i||_2
 * - L_w (measured)    = max_{j,i} ||d h_{i,T-1} / d w_i||   (dense: the row W_{i,:})
 * - L_u (measured)    = max_{j,i} ||d h_{i,T-1} / d u_i||   (dense: the row U_{i,:})
 * - beta_T (measured) = max_{j,i} ||d^2 h_{i,T-1} / d theta_i^2||_2 (spectral norm)
 *     diagonal: exact, from a forward-mode second-order recursion giving the (1+d)x(1+d) Hessian
 *               per neuron and sample, then its spectral norm (Jacobi eigenvalues);
 *     dense:    an estimate, power iteration on exact Hessian-vector products computed by
 *               forward-over-reverse differentiation (a dual-number forward pass, then a
 *               tangent-carrying BPTT); ||H v_k|| <= ||H|| at every step, so it never overestimates.
 * - sensitivity(t)    = mean_j ||d h_{T-1}(X_j) / d x_t||_F / sqrt(m)   (root mean square over
 *                       neurons of the per-neuron input sensitivity): the memory decay curve.
 *
 * - memory: the memory factor as the bound, the mean field (dense) and the measured Lyapunov exponent
 *   at Theta(0) see it (./memory-factor.ts; labelled there: derived, literature, ours).
 *
 * For the diagonal model d h_{i,T-1} / d theta_i is exactly the tangent feature phi_T(X; theta_i)
 * of docs/spec/model.md section 9. The analytic side is bounds() with w_bar0 = max_i |w_i| (diagonal) or the
 * operator norm ||W||_2 / sqrt(m) (dense, a crude bound) and rho = 0, i.e. the worst case at these
 * parameters; with ||x_t|| <= 1 the measured values can never exceed it (tests check this).
 */
import { ValidationError } from '../core/errors.js';
import { activations, type ActivationName } from '../core/activations.js';
import { makeRng, type Seed } from '../core/rng.js';
import { memoryFactor, uLength, wLength, type Dataset, type ModelParams, type Recurrence } from '../core/types.js';
import { boundTerms, bounds, type BoundsResult, type Regime, type TermInputs, type TermsSet } from './bounds.js';
import {
  denseBackward,
  denseHessianNorm,
  denseScratch,
  diagonalNeuron,
  diagonalScratch,
  diagonalSensitivity,
  secondOrderForward,
  secondOrderScratch,
} from './derivatives.js';
import { wBar } from '../core/metrics.js';
import { checkFits } from '../core/dataset.js';
import { datasetArg, optionalObjectArg, paramsArg } from '../core/api-args.js';
import { memoryReport, type MemoryReport } from './memory-factor.js';

export interface ConstantsOptions {
  /** Projection radius used in the bound terms (not in the constants); default nu. */
  rho?: number;
  /** Transport-map bounds, failure probability, step size, iterations, accuracy: as in bounds(). */
  nuW?: number;
  nuU?: number;
  delta?: number;
  eta?: number;
  tau?: number;
  eps?: number;
  /** Hessian estimate controls (dense power iteration; `samples` applies to both recurrences). */
  hessian?: {
    /** Use only the first `samples` sequences for the Hessian (default: all for diagonal, 8 for dense). */
    samples?: number;
    /** Power-iteration steps per neuron and sample (dense; default 50). */
    iterations?: number;
    /** Stop when ||H v|| changes by at most tol relatively (dense; default 1e-7). */
    tol?: number;
    /** Seed of the power-iteration start vectors (default 0). */
    seed?: Seed;
  };
}

/** The four per-neuron constants, measured or analytic. */
export interface NeuronConstants {
  L_w: number;
  L_u: number;
  L_T: number;
  beta_T: number;
}

export interface SampleNeuron {
  sample: number;
  neuron: number;
}

export interface MeasuredConstants extends NeuronConstants {
  /** Where each maximum is attained. */
  argmax: { L_T: SampleNeuron; beta_T: SampleNeuron };
  hessianMethod:
    'exact forward-mode Hessian, spectral norm' | 'power iteration on forward-over-reverse Hessian-vector products';
  /** Number of samples the Hessian was evaluated on. */
  hessianSamples: number;
}

export interface Sensitivity {
  /** Time index t = 0..T-1 and lag k = T-1-t. */
  t: number[];
  lag: number[];
  /** mean over samples of ||d h_{T-1}/d x_t||_F / sqrt(m). */
  mean: number[];
  /** max over samples of the same. */
  max: number[];
  /** [derived] envelope sigma_1 a^lag ||U||_F / sqrt(m), with a the analytic memory factor at rho = 0. */
  envelope: number[];
  /** exp(slope) of a least-squares fit of log(mean) against the lag (lags >= 1 with mean > 0): a measured memory factor. */
  fittedDecay: number | null;
}

export interface ConstantsResult {
  recurrence: Recurrence;
  activation: ActivationName;
  alpha: number;
  m: number;
  d: number;
  n: number;
  T: number;
  /** max_i |w_i| (diagonal) or ||W||_2 / sqrt(m) (dense), at the given parameters. */
  wBar: number;
  /** The same at the model's initialization (W0): the w_bar0 of the analytic bound terms. */
  wBar0: number;
  wBarDefinition: string;
  /** Largest ||x_t|| in the data (the analytic constants assume <= 1). */
  maxInputNorm: number;
  measured: MeasuredConstants;
  /** bounds() at rho = 0 and w_bar0 = wBar (null with `analyticError` when it cannot be evaluated, e.g. relu). */
  analytic: (NeuronConstants & { a: number; regime: Regime; S_T: number }) | null;
  analyticError?: string;
  /** measured / analytic for each constant (null where the analytic value is 0, e.g. L_w at T = 1). */
  ratio: { [K in keyof NeuronConstants]: number | null } | null;
  sensitivity: Sensitivity;
  /** The memory factor as the bound, the mean field (dense) and the measured Lyapunov exponent see it (memory-factor.ts). */
  memory: MemoryReport;
  /**
   * The bound terms: `analytic` is bounds() with w_bar0 = wBar0 (the model's initialization) and the
   * given rho, i.e. the a-priori bound for a run from W0 inside the ball; `measured` is the same
   * formulas with L_w, L_u, L_T, beta_T replaced by the measured maxima at the given parameters.
   */
  terms: {
    rho: number;
    nuW: number;
    nuU: number;
    delta: number;
    analytic: TermsSet | null;
    measured: TermsSet;
  };
  derived: true;
}

function requireData(params: ModelParams, data: Dataset): void {
  const { spec } = params;
  checkFits({ d: spec.d }, data, { data: 'constants: data' });
  if (params.W.length !== wLength(spec) || params.U.length !== uLength(spec)) {
    throw new ValidationError(`constants: parameter arrays do not match the model spec (m = ${spec.m}, d = ${spec.d})`);
  }
}

/**
 * Measures L_w, L_u, L_T, beta_T (definitions in the module comment) and the sensitivity curve's
 * raw per-t means and maxima. Pure float64 TypeScript.
 */
export function measureConstants(
  params: ModelParams,
  data: Dataset,
  opts: ConstantsOptions['hessian'] = {},
): { measured: MeasuredConstants; sensMean: Float64Array; sensMax: Float64Array } {
  requireData(params, data);
  const { spec } = params;
  const { m, d } = spec;
  const { n, T, X } = data;
  const dense = spec.recurrence === 'dense';
  const hSamples = Math.min(n, opts.samples ?? (dense ? 8 : n));
  if (!Number.isInteger(hSamples) || hSamples < 0)
    throw new ValidationError(`constants: hessian.samples must be an integer >= 0, got ${opts.samples}`);
  const iterations = opts.iterations ?? 50;
  const tol = opts.tol ?? 1e-7;
  const sensMean = new Float64Array(T),
    sensMax = new Float64Array(T);
  const best = { L_w: 0, L_u: 0, L_T: 0, beta_T: 0 };
  const argmax = { L_T: { sample: 0, neuron: 0 }, beta_T: { sample: 0, neuron: 0 } };

  const update = (j: number, i: number, gradW: number, gradU: number, grad: number) => {
    if (gradW > best.L_w) best.L_w = gradW;
    if (gradU > best.L_u) best.L_u = gradU;
    if (grad > best.L_T) {
      best.L_T = grad;
      argmax.L_T = { sample: j, neuron: i };
    }
  };
  const updateHessian = (j: number, i: number, hess: number) => {
    if (hess > best.beta_T) {
      best.beta_T = hess;
      argmax.beta_T = { sample: j, neuron: i };
    }
  };
  const fw = secondOrderScratch(m, T);
  const sens = new Float64Array(T);
  if (!dense) {
    const s = diagonalScratch(d);
    for (let j = 0; j < n; j++) {
      secondOrderForward(params, X, j, T, fw);
      for (let i = 0; i < m; i++) {
        const r = diagonalNeuron(params, fw, X, j, T, i, j < hSamples, s);
        update(j, i, r.gradW, r.gradU, r.grad);
        updateHessian(j, i, r.hess);
      }
      sens.fill(0);
      diagonalSensitivity(params, fw, T, sens);
      for (let t = 0; t < T; t++) {
        const v = Math.sqrt(sens[t] / m);
        sensMean[t] += v / n;
        if (v > sensMax[t]) sensMax[t] = v;
      }
    }
  } else {
    const P = m + d;
    const scratch = { ...denseScratch(m, T), v: new Float64Array(P), hv: new Float64Array(P) };
    const rng = makeRng(opts.seed ?? 0, 'constants-hessian');
    for (let j = 0; j < n; j++) {
      secondOrderForward(params, X, j, T, fw);
      const grads = denseBackward(params, fw, X, j, T, sens);
      for (let t = 0; t < T; t++) {
        sensMean[t] += sens[t] / n;
        if (sens[t] > sensMax[t]) sensMax[t] = sens[t];
      }
      for (let i = 0; i < m; i++) {
        let gw = 0,
          gu = 0;
        for (let k = 0; k < m; k++) gw += grads[i * P + k] ** 2;
        for (let k = 0; k < d; k++) gu += grads[i * P + m + k] ** 2;
        update(j, i, Math.sqrt(gw), Math.sqrt(gu), Math.sqrt(gw + gu));
        if (j < hSamples) updateHessian(j, i, denseHessianNorm(params, fw, X, j, T, i, rng, iterations, tol, scratch));
      }
    }
  }
  return {
    measured: {
      ...best,
      argmax,
      hessianMethod: dense
        ? 'power iteration on forward-over-reverse Hessian-vector products'
        : 'exact forward-mode Hessian, spectral norm',
      hessianSamples: hSamples,
    },
    sensMean,
    sensMax,
  };
}

/** The bound terms with given per-neuron constants (G = nu_w L_w + nu_u L_u; the formulas of bounds.ts). */
export function termsWithConstants(c: NeuronConstants, inp: TermInputs): TermsSet {
  return boundTerms(inp.nuW * c.L_w + inp.nuU * c.L_u, c.L_T, c.beta_T, inp);
}

/** Least-squares slope of log(y) against x over the points with y > 0; exp(slope), or null. */
function fittedRate(x: number[], y: number[]): number | null {
  const pts = x.map((xi, k) => [xi, y[k]] as const).filter(([, yi]) => yi > 0 && Number.isFinite(Math.log(yi)));
  if (pts.length < 2) return null;
  const mx = pts.reduce((s, [xi]) => s + xi, 0) / pts.length;
  const my = pts.reduce((s, [, yi]) => s + Math.log(yi), 0) / pts.length;
  let sxy = 0,
    sxx = 0;
  for (const [xi, yi] of pts) {
    sxy += (xi - mx) * (Math.log(yi) - my);
    sxx += (xi - mx) ** 2;
  }
  return sxx > 0 ? Math.exp(sxy / sxx) : null;
}

/**
 * Measured constants beside the analytic ones, the memory-decay curve and the bound terms with
 * both (see the module comment for every definition). Everything here is [derived].
 */
export function constants(params: ModelParams, data: Dataset, opts: ConstantsOptions = {}): ConstantsResult {
  paramsArg(params, 'constants');
  datasetArg(data, 'constants', 'data');
  optionalObjectArg(opts, 'constants', 'options');
  const { spec } = params;
  const { m, d } = spec;
  const { n, T } = data;
  const { measured, sensMean, sensMax } = measureConstants(params, data, opts.hessian);
  const act = activations[spec.activation];
  const wBarNow = wBar(params.spec, params.W, { exact: true });
  let maxInputNorm = 0;
  for (let p = 0; p < n * T; p++) {
    let s = 0;
    for (let q = 0; q < d; q++) s += Number(data.X[p * d + q]) ** 2;
    maxInputNorm = Math.max(maxInputNorm, Math.sqrt(s));
  }
  const nuW = opts.nuW ?? 1,
    nuU = opts.nuU ?? 1;
  const nu = Math.sqrt(nuW * nuW + nuU * nuU);
  const rho = opts.rho ?? nu;
  const delta = opts.delta ?? 0.05;
  const wBar0 = wBar(params.spec, params.W0, { exact: true });
  const common = {
    activation: spec.activation,
    alpha: spec.alpha,
    T,
    m,
    n,
    d,
    delta,
    nuW,
    nuU,
    eta: opts.eta,
    tau: opts.tau,
    eps: opts.eps,
  };
  // bounds() needs w_bar0 > 0; w_bar = 0 gives a = 0, the same limit as the smallest positive double.
  const positive = (x: number) => Math.max(x, Number.MIN_VALUE);
  let atPoint: BoundsResult | null = null;
  let withRho: BoundsResult | null = null;
  let analyticError: string | undefined;
  try {
    // The constants: the worst case at these parameters (rho = 0 around them).
    atPoint = bounds({ ...common, wBar0: positive(wBarNow), rho: 0 });
    // The terms: the a-priori bound of this run, the ball of radius rho around the initialization W0.
    withRho = bounds({ ...common, wBar0: positive(wBar0), rho });
  } catch (err) {
    analyticError = (err as Error).message;
  }
  const analytic = atPoint
    ? {
        a: atPoint.a,
        regime: atPoint.regime,
        S_T: atPoint.S_T,
        L_w: atPoint.L_w,
        L_u: atPoint.L_u,
        L_T: atPoint.L_T,
        beta_T: atPoint.beta_T,
      }
    : null;
  const div = (x: number, y: number) => (y > 0 ? x / y : null);
  const ratio = analytic
    ? {
        L_w: div(measured.L_w, analytic.L_w),
        L_u: div(measured.L_u, analytic.L_u),
        L_T: div(measured.L_T, analytic.L_T),
        beta_T: div(measured.beta_T, analytic.beta_T),
      }
    : null;

  let uFro = 0;
  for (let p = 0; p < params.U.length; p++) uFro += params.U[p] * params.U[p];
  uFro = Math.sqrt(uFro);
  const a = memoryFactor(spec.alpha, act.sigma1, wBarNow);
  const t = Array.from({ length: T }, (_, k) => k);
  const lag = t.map((tt) => T - 1 - tt);
  const mean = Array.from(sensMean);
  const sensitivity: Sensitivity = {
    t,
    lag,
    mean,
    max: Array.from(sensMax),
    envelope: lag.map((k) => (act.sigma1 * Math.pow(a, k) * uFro) / Math.sqrt(m)),
    fittedDecay: fittedRate(
      lag.filter((k) => k >= 1),
      mean.filter((_, tt) => lag[tt] >= 1),
    ),
  };

  const termInputs = { m, n, delta, rho, nuW, nuU, eta: opts.eta, tau: opts.tau, eps: opts.eps };
  return {
    recurrence: spec.recurrence,
    activation: spec.activation,
    alpha: spec.alpha,
    m,
    d,
    n,
    T,
    wBar: wBarNow,
    wBar0,
    wBarDefinition: spec.recurrence === 'diagonal' ? 'max_i |w_i|' : '||W||_2 / sqrt(m) (operator norm; a crude bound)',
    maxInputNorm,
    measured,
    analytic,
    ...(analyticError ? { analyticError } : {}),
    ratio,
    sensitivity,
    memory: memoryReport(params, data, wBar0, { seed: opts.hessian?.seed }),
    terms: {
      rho,
      nuW,
      nuU,
      delta,
      // The terms bounds() computed, flattened beside their G and etaMax.
      analytic: withRho ? boundTerms(withRho.G, withRho.L_T, withRho.beta_T, withRho.inputs) : null,
      measured: termsWithConstants(measured, termInputs),
    },
    derived: true,
  };
}
