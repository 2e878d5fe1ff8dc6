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
 * For the diagonal model d h_{i,T-1} / d theta_i is exactly the tangent feature phi_T(X; theta_i)
 * of docs/spec/model.md section 9. The analytic side is bounds() with w_bar0 = max_i |w_i| (diagonal) or the
 * operator norm ||W||_2 / sqrt(m) (dense, a crude bound) and rho = 0, i.e. the worst case at these
 * parameters; with ||x_t|| <= 1 the measured values can never exceed it (tests check this).
 */
import { activations, type ActivationName } from '../activations.js';
import { makeRng, type Seed } from '../rng.js';
import {
  memoryFactor,
  recurrentScale,
  uLength,
  wLength,
  type Dataset,
  type ModelParams,
  type Recurrence,
} from '../types.js';
import { ValidationError } from '../validate.js';
import { bounds, type BoundsResult, type BoundsTerms, type Regime } from './bounds.js';
import { symmetricSpectralNormJacobi } from '../linalg.js';
import { wBar } from '../metrics.js';
import { checkFits } from '../dataset.js';

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

export interface TermsSet extends BoundsTerms {
  G: number;
  etaMax: number;
  mRequired?: number;
  tauRequired?: number;
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

// ---------------------------------------------------------------------------------------------
// Diagonal model: forward-mode first and second derivatives of one neuron.

interface DiagonalNeuronScratch {
  g: Float64Array;
  dz: Float64Array;
  Hh: Float64Array;
  Hz: Float64Array;
  Hs: Float64Array;
}

/**
 * Runs neuron (w, u) over sample j of X and returns ||grad||, |d h/d w|, ||d h/d u|| and
 * (when withHessian) the Hessian's spectral norm of h_{T-1} w.r.t. theta = (w, u).
 *   z_t = alpha w h_{t-1} + <u, x_t>;  dz_t = (alpha h_{t-1}, x_t) + alpha w g_{t-1}
 *   Hz_t = alpha w Hh_{t-1} + alpha (e_w g_{t-1}^T + g_{t-1} e_w^T)
 *   g_t = sigma'(z_t) dz_t;  Hh_t = sigma''(z_t) dz_t dz_t^T + sigma'(z_t) Hz_t
 */
function diagonalNeuron(
  act: (typeof activations)[ActivationName],
  alpha: number,
  w: number,
  U: ArrayLike<number>,
  uOff: number,
  X: ArrayLike<number>,
  j: number,
  T: number,
  d: number,
  withHessian: boolean,
  s: DiagonalNeuronScratch,
): { grad: number; gradW: number; gradU: number; hess: number } {
  const k = 1 + d;
  const { g, dz, Hh, Hz, Hs } = s;
  g.fill(0);
  Hh.fill(0);
  let h = 0;
  for (let t = 0; t < T; t++) {
    const x0 = (j * T + t) * d;
    let inp = 0;
    for (let q = 0; q < d; q++) inp += U[uOff + q] * X[x0 + q];
    const z = alpha * w * h + inp;
    const aw = alpha * w;
    dz[0] = alpha * h + aw * g[0];
    for (let q = 1; q < k; q++) dz[q] = X[x0 + q - 1] + aw * g[q];
    const s1 = act.df(z);
    if (withHessian) {
      for (let p = 0; p < k * k; p++) Hz[p] = aw * Hh[p];
      for (let q = 0; q < k; q++) {
        Hz[q] += alpha * g[q];
        Hz[q * k] += alpha * g[q];
      }
      const s2 = act.d2f(z);
      for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) Hh[p * k + q] = s2 * dz[p] * dz[q] + s1 * Hz[p * k + q];
    }
    for (let q = 0; q < k; q++) g[q] = s1 * dz[q];
    h = act.f(z);
  }
  let gu2 = 0;
  for (let q = 1; q < k; q++) gu2 += g[q] * g[q];
  let hess = 0;
  if (withHessian) {
    Hs.set(Hh);
    hess = symmetricSpectralNormJacobi(Hs, k);
  }
  return { grad: Math.sqrt(g[0] * g[0] + gu2), gradW: Math.abs(g[0]), gradU: Math.sqrt(gu2), hess };
}

// ---------------------------------------------------------------------------------------------
// Dense model: forward pass, the backward Jacobian and forward-over-reverse Hessian-vector products.

interface DenseForward {
  H: Float64Array;
  S1: Float64Array;
  S2: Float64Array;
}

function denseForward(params: ModelParams, X: ArrayLike<number>, j: number, T: number): DenseForward {
  const { spec, W, U } = params;
  const { m, d } = spec;
  const act = activations[spec.activation];
  const scale = recurrentScale(spec);
  const H = new Float64Array(T * m),
    S1 = new Float64Array(T * m),
    S2 = new Float64Array(T * m);
  for (let t = 0; t < T; t++) {
    const x0 = (j * T + t) * d;
    const prev = (t - 1) * m;
    for (let i = 0; i < m; i++) {
      let rec = 0;
      if (t > 0) for (let k = 0; k < m; k++) rec += W[i * m + k] * H[prev + k];
      let inp = 0;
      for (let k = 0; k < d; k++) inp += U[i * d + k] * X[x0 + k];
      const z = scale * rec + inp;
      H[t * m + i] = act.f(z);
      S1[t * m + i] = act.df(z);
      S2[t * m + i] = act.d2f(z);
    }
  }
  return { H, S1, S2 };
}

/**
 * Hessian-vector product of h_{i,T-1} w.r.t. theta_i = (W_{i,:}, U_{i,:}) in direction v (m+d values),
 * by forward-over-reverse: a tangent forward pass (z-dot, h-dot), then BPTT of h_{i,T-1} carrying tangents.
 * Writes the product into out (m+d).
 */
function denseHvp(
  params: ModelParams,
  fw: DenseForward,
  X: ArrayLike<number>,
  j: number,
  T: number,
  i: number,
  v: Float64Array,
  out: Float64Array,
  scratch: {
    hd: Float64Array;
    zd: Float64Array;
    dh: Float64Array;
    dhd: Float64Array;
    dz: Float64Array;
    dzd: Float64Array;
  },
): void {
  const { spec, W } = params;
  const { m, d } = spec;
  const scale = recurrentScale(spec);
  const { H, S1, S2 } = fw;
  const { hd, zd, dh, dhd, dz, dzd } = scratch;
  // Tangent forward: zd_t = scale (W hd_{t-1} + e_i <vW, h_{t-1}>) + e_i <vU, x_t>;  hd_t = sigma'(z_t) zd_t.
  for (let t = 0; t < T; t++) {
    const x0 = (j * T + t) * d;
    const prev = (t - 1) * m;
    for (let r = 0; r < m; r++) {
      let rec = 0;
      if (t > 0) for (let k = 0; k < m; k++) rec += W[r * m + k] * hd[prev + k];
      zd[t * m + r] = scale * rec;
    }
    let extra = 0;
    if (t > 0) for (let k = 0; k < m; k++) extra += scale * v[k] * H[prev + k];
    for (let k = 0; k < d; k++) extra += v[m + k] * X[x0 + k];
    zd[t * m + i] += extra;
    for (let r = 0; r < m; r++) hd[t * m + r] = S1[t * m + r] * zd[t * m + r];
  }
  // Reverse with tangents: dh_{T-1} = e_i, dhd_{T-1} = 0.
  out.fill(0);
  dh.fill(0);
  dhd.fill(0);
  dh[i] = 1;
  for (let t = T - 1; t >= 0; t--) {
    for (let r = 0; r < m; r++) {
      const q = t * m + r;
      dz[r] = dh[r] * S1[q];
      dzd[r] = dhd[r] * S1[q] + dh[r] * S2[q] * zd[q];
    }
    const x0 = (j * T + t) * d;
    for (let k = 0; k < d; k++) out[m + k] += dzd[i] * X[x0 + k];
    if (t > 0) {
      const prev = (t - 1) * m;
      for (let k = 0; k < m; k++) out[k] += scale * (dzd[i] * H[prev + k] + dz[i] * hd[prev + k]);
      // dh_{t-1} = scale W^T dz;  dhd_{t-1} = scale (W^T dzd + vW dz_i)
      dh.fill(0);
      dhd.fill(0);
      for (let r = 0; r < m; r++) {
        const a = scale * dz[r],
          b = scale * dzd[r];
        if (a === 0 && b === 0) continue;
        for (let k = 0; k < m; k++) {
          dh[k] += W[r * m + k] * a;
          dhd[k] += W[r * m + k] * b;
        }
      }
      for (let k = 0; k < m; k++) dhd[k] += scale * v[k] * dz[i];
    }
  }
}

/** Exported for tests: the Hessian-vector product of h_{i,T-1}(X_j) w.r.t. neuron i's rows (dense model). */
export function denseNeuronHvp(
  params: ModelParams,
  data: Dataset,
  j: number,
  i: number,
  v: ArrayLike<number>,
): Float64Array {
  const { m, d } = params.spec;
  const T = data.T;
  const fw = denseForward(params, data.X, j, T);
  const out = new Float64Array(m + d);
  denseHvp(params, fw, data.X, j, T, i, Float64Array.from(v), out, denseScratch(m, T));
  return out;
}

const denseScratch = (m: number, T: number) => ({
  hd: new Float64Array(T * m),
  zd: new Float64Array(T * m),
  dh: new Float64Array(m),
  dhd: new Float64Array(m),
  dz: new Float64Array(m),
  dzd: new Float64Array(m),
});

/**
 * Exported for tests: gradient of h_{i,T-1}(X_j) w.r.t. neuron i's own parameters,
 * [w_i, u_i] (diagonal, 1+d values) or [W_{i,:}, U_{i,:}] (dense, m+d values).
 */
export function neuronGradient(params: ModelParams, data: Dataset, j: number, i: number): Float64Array {
  const { spec } = params;
  const { m, d } = spec;
  const T = data.T;
  if (spec.recurrence === 'diagonal') {
    const s: DiagonalNeuronScratch = {
      g: new Float64Array(1 + d),
      dz: new Float64Array(1 + d),
      Hh: new Float64Array((1 + d) ** 2),
      Hz: new Float64Array((1 + d) ** 2),
      Hs: new Float64Array((1 + d) ** 2),
    };
    diagonalNeuron(activations[spec.activation], spec.alpha, params.W[i], params.U, i * d, data.X, j, T, d, false, s);
    return s.g.slice();
  }
  const fw = denseForward(params, data.X, j, T);
  const { grads } = denseBackward(params, fw, data.X, j, T, null);
  return grads.slice(i * (m + d), (i + 1) * (m + d));
}

/**
 * Exported for tests: the exact (1+d)x(1+d) Hessian of h_{i,T-1}(X_j) w.r.t. (w_i, u_i), diagonal model.
 */
export function diagonalNeuronHessian(params: ModelParams, data: Dataset, j: number, i: number): Float64Array {
  const { spec } = params;
  const d = spec.d;
  const k = 1 + d;
  const s: DiagonalNeuronScratch = {
    g: new Float64Array(k),
    dz: new Float64Array(k),
    Hh: new Float64Array(k * k),
    Hz: new Float64Array(k * k),
    Hs: new Float64Array(k * k),
  };
  diagonalNeuron(activations[spec.activation], spec.alpha, params.W[i], params.U, i * d, data.X, j, data.T, d, true, s);
  return s.Hh.slice();
}

/**
 * Backward Jacobian of the dense model for sample j: B_t = d h_{T-1} / d z_t (m x m), from
 * B_{T-1} = diag(S1_{T-1}) and B_{t-1} = B_t scale W diag(S1_{t-1}). Returns each neuron's gradient
 * w.r.t. its own rows (m*(m+d): [W_{i,:}, U_{i,:}] per neuron, from the diagonal of B_t) and,
 * when `sens` is given, adds ||B_t U||_F / sqrt(m) into sens (per t).
 */
function denseBackward(
  params: ModelParams,
  fw: DenseForward,
  X: ArrayLike<number>,
  j: number,
  T: number,
  sens: Float64Array | null,
): { grads: Float64Array } {
  const { spec, W, U } = params;
  const { m, d } = spec;
  const scale = recurrentScale(spec);
  const { H, S1 } = fw;
  const grads = new Float64Array(m * (m + d));
  // A = d h_{T-1} / d h_t (m x m, row-major); B = A diag(S1_t).
  let A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) A[i * m + i] = 1;
  const B = new Float64Array(m * m);
  let next = new Float64Array(m * m);
  for (let t = T - 1; t >= 0; t--) {
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) B[r * m + c] = A[r * m + c] * S1[t * m + c];
    const x0 = (j * T + t) * d;
    for (let i = 0; i < m; i++) {
      const b = B[i * m + i];
      const gi = i * (m + d);
      for (let k = 0; k < d; k++) grads[gi + m + k] += b * X[x0 + k];
      if (t > 0) {
        const prev = (t - 1) * m;
        for (let k = 0; k < m; k++) grads[gi + k] += scale * b * H[prev + k];
      }
    }
    if (sens) {
      let fro = 0;
      for (let r = 0; r < m; r++) {
        for (let q = 0; q < d; q++) {
          let s = 0;
          for (let c = 0; c < m; c++) s += B[r * m + c] * U[c * d + q];
          fro += s * s;
        }
      }
      sens[t] = Math.sqrt(fro / m);
    }
    if (t > 0) {
      // A_{t-1} = B_t scale W
      next.fill(0);
      for (let r = 0; r < m; r++) {
        for (let c = 0; c < m; c++) {
          const b = scale * B[r * m + c];
          if (b === 0) continue;
          for (let k = 0; k < m; k++) next[r * m + k] += b * W[c * m + k];
        }
      }
      const tmp = A;
      A = next;
      next = tmp;
    }
  }
  return { grads };
}

// ---------------------------------------------------------------------------------------------

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
  const act = activations[spec.activation];
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

  if (!dense) {
    const k = 1 + d;
    const s: DiagonalNeuronScratch = {
      g: new Float64Array(k),
      dz: new Float64Array(k),
      Hh: new Float64Array(k * k),
      Hz: new Float64Array(k * k),
      Hs: new Float64Array(k * k),
    };
    const S1 = new Float64Array(T);
    const sens = new Float64Array(T);
    for (let j = 0; j < n; j++) {
      sens.fill(0);
      for (let i = 0; i < m; i++) {
        const w = params.W[i];
        const r = diagonalNeuron(act, spec.alpha, w, params.U, i * d, X, j, T, d, j < hSamples, s);
        if (r.gradW > best.L_w) best.L_w = r.gradW;
        if (r.gradU > best.L_u) best.L_u = r.gradU;
        if (r.grad > best.L_T) {
          best.L_T = r.grad;
          argmax.L_T = { sample: j, neuron: i };
        }
        if (r.hess > best.beta_T) {
          best.beta_T = r.hess;
          argmax.beta_T = { sample: j, neuron: i };
        }
        // Sensitivity: d h_{i,T-1}/d x_t = (prod_{s>t} alpha w sigma'(z_s)) sigma'(z_t) u_i.
        let h = 0,
          un = 0;
        for (let q = 0; q < d; q++) un += params.U[i * d + q] ** 2;
        for (let t = 0; t < T; t++) {
          let inp = 0;
          for (let q = 0; q < d; q++) inp += params.U[i * d + q] * X[(j * T + t) * d + q];
          const z = spec.alpha * w * h + inp;
          S1[t] = act.df(z);
          h = act.f(z);
        }
        let prod = 1;
        for (let t = T - 1; t >= 0; t--) {
          const b = prod * S1[t];
          sens[t] += b * b * un;
          prod = b * spec.alpha * w;
        }
      }
      for (let t = 0; t < T; t++) {
        const v = Math.sqrt(sens[t] / m);
        sensMean[t] += v / n;
        if (v > sensMax[t]) sensMax[t] = v;
      }
    }
  } else {
    const sens = new Float64Array(T);
    const scratch = denseScratch(m, T);
    const rng = makeRng(opts.seed ?? 0, 'constants-hessian');
    const P = m + d;
    const v = new Float64Array(P),
      hv = new Float64Array(P);
    for (let j = 0; j < n; j++) {
      const fw = denseForward(params, X, j, T);
      const { grads } = denseBackward(params, fw, X, j, T, sens);
      for (let t = 0; t < T; t++) {
        sensMean[t] += sens[t] / n;
        if (sens[t] > sensMax[t]) sensMax[t] = sens[t];
      }
      for (let i = 0; i < m; i++) {
        let gw = 0,
          gu = 0;
        for (let k = 0; k < m; k++) gw += grads[i * P + k] ** 2;
        for (let k = 0; k < d; k++) gu += grads[i * P + m + k] ** 2;
        const gn = Math.sqrt(gw + gu);
        if (Math.sqrt(gw) > best.L_w) best.L_w = Math.sqrt(gw);
        if (Math.sqrt(gu) > best.L_u) best.L_u = Math.sqrt(gu);
        if (gn > best.L_T) {
          best.L_T = gn;
          argmax.L_T = { sample: j, neuron: i };
        }
        if (j >= hSamples) continue;
        // Power iteration: lambda_k = ||H v_k|| with v_k = H^k v_0 / ||H^k v_0|| (never above ||H||).
        let nv = 0;
        for (let p = 0; p < P; p++) {
          v[p] = rng.normal();
          nv += v[p] * v[p];
        }
        nv = Math.sqrt(nv);
        for (let p = 0; p < P; p++) v[p] /= nv;
        let lambda = 0;
        for (let it = 0; it < iterations; it++) {
          denseHvp(params, fw, X, j, T, i, v, hv, scratch);
          let nh = 0;
          for (let p = 0; p < P; p++) nh += hv[p] * hv[p];
          nh = Math.sqrt(nh);
          const prevLambda = lambda;
          lambda = Math.max(lambda, nh);
          if (nh === 0) break;
          for (let p = 0; p < P; p++) v[p] = hv[p] / nh;
          if (it > 0 && Math.abs(nh - prevLambda) <= tol * nh) break;
        }
        if (lambda > best.beta_T) {
          best.beta_T = lambda;
          argmax.beta_T = { sample: j, neuron: i };
        }
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

/** The bound terms of bounds() with given per-neuron constants (same formulas as bounds.ts). */
export function termsWithConstants(
  c: NeuronConstants,
  inp: {
    m: number;
    n: number;
    delta: number;
    rho: number;
    nuW: number;
    nuU: number;
    eta?: number;
    tau?: number;
    eps?: number;
  },
): TermsSet {
  const nu2 = inp.nuW * inp.nuW + inp.nuU * inp.nuU;
  const nu = Math.sqrt(nu2);
  const G = inp.nuW * c.L_w + inp.nuU * c.L_u;
  const etaMax = 1 / (4 * c.L_T * c.L_T);
  const eta = inp.eta ?? etaMax;
  const approxNum = 16 * G * G * Math.log((2 * inp.n) / inp.delta);
  const linNum = c.beta_T * c.beta_T * (nu2 * nu2 + (inp.rho + nu) ** 4);
  const out: TermsSet = {
    G,
    etaMax,
    ...(inp.tau !== undefined ? { optimization: (2 * nu2) / (eta * inp.tau) } : {}),
    approximation: approxNum / inp.m,
    linearization: linNum / inp.m,
    total: 0,
  };
  out.total = (out.optimization ?? 0) + out.approximation + out.linearization;
  if (inp.eps !== undefined) {
    out.mRequired = (2 * (approxNum + linNum)) / inp.eps;
    out.tauRequired = (4 * nu2) / (eta * inp.eps);
  }
  return out;
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
    terms: {
      rho,
      nuW,
      nuU,
      delta,
      analytic: withRho
        ? {
            G: withRho.G,
            etaMax: withRho.etaMax,
            ...withRho.terms,
            ...(withRho.mRequired !== undefined
              ? { mRequired: withRho.mRequired, tauRequired: withRho.tauRequired }
              : {}),
          }
        : null,
      measured: termsWithConstants(measured, termInputs),
    },
    derived: true,
  };
}
