/**
 * The memory factor of a recurrence three ways (docs/theory.md, "The memory factor"):
 *
 * - the bound [derived; the paper's cutoff alpha = 1/sigma_1]: a = alpha sigma_1 w_bar (bounds.ts);
 * - mean field [literature: Poole et al. 2016; Schoenholz et al. 2017; Chen, Pennington & Schoenholz
 *   2018] for the dense model, in rnn-gd's parametrization [our adaptation]: the stationary
 *   pre-activation variance q* = alpha^2 E[sigma(sqrt(q*) xi)^2] + q_in, with q_in = E||x_t||^2 the
 *   variance the inputs add through U (rows N(0, I_d)), and the per-step gain of squared
 *   backpropagated gradients chi = alpha^2 E[sigma'(sqrt(q*) xi)^2]: gradients grow when chi > 1;
 * - measured [ours]: the top Lyapunov exponent lambda of the backward Jacobian products
 *   J_t^T = (alpha/sqrt m) W^T diag(sigma'(z_t)) (diagonal: alpha diag(w) diag(sigma'(z_t))) on the
 *   data, by power iteration with renormalization every step; the factor is e^lambda (compare with
 *   sqrt(chi)).
 */
import { ValidationError } from '../core/errors.js';
import { activations, type ActivationName } from '../core/activations.js';
import { gaussPair } from '../backend/gauss-pair.js';
import { forwardSequence, sequenceScratch } from '../backend/reference-rnn.js';
import { makeRng, type Seed } from '../core/rng.js';
import { recurrentScale, type Dataset, type ModelParams } from '../core/types.js';

export interface MeanField {
  /** E||x_t||^2 over the data: the pre-activation variance the inputs add. */
  qIn: number;
  /** The stationary pre-activation variance (Infinity when it diverges: relu with alpha^2 >= 2). */
  qStar: number;
  /** alpha^2 E[sigma'(z)^2] at q*: squared backpropagated gradients gain chi per step. */
  chi: number;
  /** sqrt(chi): the per-step factor of gradient norms (compare with the measured e^lambda). */
  factor: number;
}

/** E[sigma(z)^2] and E[sigma'(z)^2] for z ~ N(0, q). */
const moments = (act: ActivationName, q: number) => gaussPair(act, q, q, q);

/** The mean-field q* and chi of the dense model at `alpha` with input variance `qIn` (module comment). */
export function meanField(activation: ActivationName, alpha: number, qIn: number): MeanField {
  if (!Number.isFinite(alpha)) throw new ValidationError(`meanField: alpha must be finite, got ${alpha}`);
  if (!(qIn >= 0) || !Number.isFinite(qIn))
    throw new ValidationError(`meanField: qIn must be finite and >= 0, got ${qIn}`);
  const a2 = alpha * alpha;
  if (activation === 'relu') {
    // E[relu(z)^2] = q/2, E[relu'(z)^2] = 1/2: q* = qIn / (1 - alpha^2/2).
    const qStar = a2 < 2 ? qIn / (1 - a2 / 2) : Infinity;
    return { qIn, qStar, chi: a2 / 2, factor: Math.sqrt(a2 / 2) };
  }
  // q -> alpha^2 E[sigma^2](q) + qIn is increasing and bounded (sigma bounded): monotone iteration from qIn.
  let q = qIn;
  for (let k = 0; k < 100000; k++) {
    const next = a2 * moments(activation, q).hh + qIn;
    const done = Math.abs(next - q) <= 1e-13 * Math.max(1, next);
    q = next;
    if (done) break;
  }
  const chi = a2 * moments(activation, q).dd;
  return { qIn, qStar: q, chi, factor: Math.sqrt(chi) };
}

/**
 * The alpha > 0 where the mean-field factor sqrt(chi) equals `factor` (bisection: it increases with
 * alpha for these activations), or null if none below alpha = 1e3. `factor` = 1 is the critical alpha.
 */
export function alphaForFactor(activation: ActivationName, factor: number, qIn: number): number | null {
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new ValidationError(`alphaForFactor: factor must be finite and > 0, got ${factor}`);
  const below = (alpha: number) => meanField(activation, alpha, qIn).factor < factor;
  let lo = 0,
    hi = 1;
  while (below(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 1e3) return null;
  }
  for (let k = 0; k < 60; k++) {
    const mid = 0.5 * (lo + hi);
    if (below(mid)) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The alpha where chi = 1 (the mean-field critical alpha), or null if none below 1e3. */
export const criticalAlpha = (activation: ActivationName, qIn: number): number | null =>
  alphaForFactor(activation, 1, qIn);

/** E||x_t||^2 over every sequence and step of the data. */
export function inputVariance(data: Dataset): number {
  let s = 0;
  for (let k = 0; k < data.X.length; k++) s += Number(data.X[k]) ** 2;
  return s / (data.n * data.T);
}

export interface LyapunovOptions {
  /** Backward steps discarded at the start of each sequence (default floor((T-1)/4)). */
  burnIn?: number;
  /** Seed of the start vectors (default 0). */
  seed?: Seed;
}

export interface MeasuredMemory {
  /** lambda: the mean log growth per step of backpropagated vectors (natural log). */
  exponent: number;
  /** e^lambda: the measured per-step memory factor. */
  factor: number;
  /** Steps averaged per sequence (T - 1 - burnIn) and sequences. */
  steps: number;
  sequences: number;
}

/**
 * The top Lyapunov exponent of the backward Jacobian products of `params` on `data` (module
 * comment): per sequence, a forward pass, then v <- J_t^T v / ||.|| from t = T-1 down to 1 from a
 * random unit vector, averaging log ||J_t^T v|| after the burn-in; then the mean over sequences.
 */
export function lyapunovExponent(params: ModelParams, data: Dataset, opts: LyapunovOptions = {}): MeasuredMemory {
  const { spec } = params;
  const { m } = spec;
  const { n, T } = data;
  const burnIn = opts.burnIn ?? Math.floor((T - 1) / 4);
  const steps = T - 1 - burnIn;
  if (!Number.isInteger(burnIn) || burnIn < 0 || steps < 1)
    throw new ValidationError(
      `lyapunovExponent: needs T - 1 - burnIn >= 1 backward steps (T = ${T}, burnIn = ${burnIn}); use longer sequences`,
    );
  const dense = spec.recurrence === 'dense';
  const scale = recurrentScale(spec);
  const s = sequenceScratch(m, T);
  const rng = makeRng(opts.seed ?? 0, 'theory/lyapunov');
  const v = new Float64Array(m),
    g = new Float64Array(m);
  let total = 0;
  for (let j = 0; j < n; j++) {
    forwardSequence(spec, params.W, params.U, data.X, j, T, s);
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (v[i] = rng.normal()) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[i] /= norm;
    let sum = 0;
    for (let t = T - 1, k = 0; t >= 1; t--, k++) {
      // v <- J_t^T v with J_t = dh_t/dh_{t-1} = diag(sigma'(z_t)) * scale * W.
      for (let i = 0; i < m; i++) g[i] = s.Dz[t * m + i] * v[i];
      let nn = 0;
      for (let i = 0; i < m; i++) {
        let acc = 0;
        if (dense) for (let r = 0; r < m; r++) acc += params.W[r * m + i] * g[r];
        else acc = params.W[i] * g[i];
        v[i] = scale * acc;
        nn += v[i] * v[i];
      }
      const grow = Math.sqrt(nn);
      if (!(grow > 0)) {
        sum = -Infinity;
        break;
      }
      for (let i = 0; i < m; i++) v[i] /= grow;
      if (k >= burnIn) sum += Math.log(grow);
    }
    total += sum / steps;
  }
  const exponent = total / n;
  return { exponent, factor: Math.exp(exponent), steps, sequences: n };
}

/** The three memory factors of `params` at its initialization Theta(0) (W0, U0) on `data`, labelled. */
export interface MemoryReport {
  bound: { a: number; definition: string; source: string };
  meanField: (MeanField & { criticalAlpha: number | null; source: string }) | null;
  /** null when the sequences are too short (T < 2: no step back). */
  measured: (MeasuredMemory & { at: 'Theta(0)'; source: string }) | null;
}

export function memoryReport(
  params: ModelParams,
  data: Dataset,
  wBar0: number,
  opts: LyapunovOptions = {},
): MemoryReport {
  const { spec } = params;
  const act = activations[spec.activation];
  const at0 = { ...params, W: params.W0, U: params.U0 };
  const qIn = inputVariance(data);
  return {
    bound: {
      a: spec.alpha * act.sigma1 * wBar0,
      definition:
        spec.recurrence === 'diagonal'
          ? 'alpha * sigma_1 * max_i |w_i(0)|'
          : 'alpha * sigma_1 * ||W(0)||_2 / sqrt(m) (a crude bound)',
      source: "[derived] bound; the paper's cutoff is alpha = 1/sigma_1",
    },
    meanField:
      spec.recurrence === 'dense'
        ? {
            ...meanField(spec.activation, spec.alpha, qIn),
            criticalAlpha: criticalAlpha(spec.activation, qIn),
            source:
              '[literature] mean field (Poole et al. 2016; Schoenholz et al. 2017; Chen, Pennington & Schoenholz 2018), our adaptation to this parametrization',
          }
        : null,
    measured:
      data.T >= 2
        ? {
            ...lyapunovExponent(at0, data, opts),
            at: 'Theta(0)',
            source: '[ours] top Lyapunov exponent of the backward Jacobian products on the data',
          }
        : null,
  };
}
