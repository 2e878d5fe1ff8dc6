/** Parameter-space metrics of docs/spec/model.md section 7, computed identically for every backend. */
import { activations } from './activations.js';
import { spectralNormExact, spectralNormPower, spectralRadius } from './linalg.js';
import { neuronDistancesSq } from './projection.js';
import { memoryFactor, type FloatArray, type ModelSpec, type Projection } from './types.js';
import { ValidationError } from './errors.js';
import { numbersArg, objectArg } from './api-args.js';

export interface MetricRecord {
  /** Number of steps taken: the record describes Theta(step). */
  step: number;
  /** R(Theta(step)) on the training data (full data, also under SGD). */
  risk: number;
  /** (1/step) * sum_{s<step} R(Theta(s)) (the quantity the bounds control); equals risk at step 0. Under SGD: mini-batch losses. */
  avgRisk: number;
  /** ||grad R(Theta(step))|| (under SGD: the mini-batch gradient). */
  gradNorm: number;
  /** ||Theta(step) - Theta(0)||_2 */
  distL2: number;
  /** sqrt(m) * max_i ||theta_i(step) - theta_i(0)|| (the effective max-norm radius rho_s) */
  rhoEff: number;
  /** Fraction of neurons on the max-norm projection boundary (null without max-norm projection). */
  boundaryFraction: number | null;
  /** diagonal: max_i |w_i|; dense: ||W / sqrt(m)||_2 (operator norm, by power iteration) */
  wScale: number;
  /** a_s = alpha * sigma_1 * wScale: below 1 short memory, above 1 long memory */
  memoryFactor: number;
  /** R on held-out data, when given */
  testRisk?: number;
  /** wall time since the start of training, ms */
  wallMs: number;
  /**
   * With the linearization trained side by side (TrainerInit.linearized): its risk R_lin at its own
   * parameters after the same steps, and the gap ||f - f_lin|| between the network's and the
   * linearization's outputs (RMS and max over outputs) on the training and the test data.
   */
  linRisk?: number;
  linTestRisk?: number;
  linGapRms?: number;
  linGapMax?: number;
  linTestGapRms?: number;
  linTestGapMax?: number;
  /**
   * With TrainerInit.kernelEvery, at step 0, every kernelEvery steps and at the last step: the
   * empirical NTK on a fixed seeded subsample of the training data against K0 = K(Theta(0))
   * (theory/kernel-track.ts): relative drift ||K - K0||_F / ||K0||_F, centered kernel alignment
   * with K0, and the largest eigenvalues of K, descending.
   */
  ntkDrift?: number;
  ntkAlignment?: number | null;
  ntkTopEigs?: number[];
}

export type ParamMetrics = Pick<MetricRecord, 'distL2' | 'rhoEff' | 'boundaryFraction' | 'wScale' | 'memoryFactor'>;

/**
 * w_bar, the scale of W that the bounds use: max_i |w_i| (diagonal) or ||W||_2 / sqrt(m) (dense).
 * The dense norm is by power iteration (cheap enough for every record) unless `exact` asks for the
 * SVD, which the measured-constants report uses.
 */
export function wBar(
  spec: Pick<ModelSpec, 'recurrence' | 'm'>,
  W: ArrayLike<number>,
  opts: { exact?: boolean } = {},
): number {
  objectArg(spec, 'wBar', 'spec');
  numbersArg(W, 'wBar', 'W');
  if (spec.recurrence === 'diagonal') {
    let b = 0;
    for (let i = 0; i < spec.m; i++) b = Math.max(b, Math.abs(W[i]));
    return b;
  }
  const norm = opts.exact ? spectralNormExact(W, spec.m) : spectralNormPower(W, spec.m);
  return norm / Math.sqrt(spec.m);
}

/**
 * Spectral radius of the recurrent matrix as the recurrence scales it: max_i |w_i| (diagonal, the
 * same as w_bar) or rho(W / sqrt(m)) (dense). [our derivation] It is the growth rate per step of
 * ||(W/sqrt(m))^k|| as k grows (Gelfand's formula), so it sets the exponential rate in T of the
 * backpropagated gradients in the linear regime; the operator norm in w_bar only bounds it. For
 * the dense symmetric init (rows i and i + m/2 equal, N(0, 1) entries) the nonzero eigenvalues of
 * W/sqrt(m) are those of a Ginibre matrix of size m/2 scaled to radius 1 (circular law), while
 * ||W/sqrt(m)||_2 -> 1 + sqrt(2).
 */
export function recurrentRadius(spec: Pick<ModelSpec, 'recurrence' | 'm'>, W: ArrayLike<number>): number {
  return spec.recurrence === 'diagonal' ? wBar(spec, W) : spectralRadius(W, spec.m) / Math.sqrt(spec.m);
}

export function paramMetrics(
  spec: ModelSpec,
  W: FloatArray,
  U: FloatArray,
  W0: FloatArray,
  U0: FloatArray,
  projection: Projection,
): ParamMetrics {
  objectArg(spec, 'paramMetrics', 'spec');
  for (const [f, v] of Object.entries({ W, U, W0, U0 })) numbersArg(v, 'paramMetrics', f);
  const { m } = spec;
  const dist2 = neuronDistancesSq(spec, W, U, W0, U0);
  let total = 0,
    maxD2 = 0;
  for (let i = 0; i < m; i++) {
    total += dist2[i];
    if (dist2[i] > maxD2) maxD2 = dist2[i];
  }
  let boundaryFraction: number | null = null;
  if (projection.kind === 'maxnorm') {
    const radius = projection.rho / Math.sqrt(m);
    let on = 0;
    for (let i = 0; i < m; i++) if (Math.sqrt(dist2[i]) >= radius * (1 - 1e-4)) on++;
    boundaryFraction = on / m;
  }
  const wScale = wBar(spec, W);
  return {
    distL2: Math.sqrt(total),
    rhoEff: Math.sqrt(m) * Math.sqrt(maxD2),
    boundaryFraction,
    wScale,
    memoryFactor: memoryFactor(spec.alpha, activations[spec.activation].sigma1, wScale),
  };
}

export interface PredictionDistance {
  /** sqrt(mean (a - b)^2) */
  rms: number;
  /** max |a - b| */
  max: number;
  /** ||a - b|| / ||b|| (null when b = 0) */
  relative: number | null;
}

/** How far apart two prediction vectors are (a network and its linearization, or a kernel baseline). */
export function predictionDistance(a: ArrayLike<number>, b: ArrayLike<number>): PredictionDistance {
  if (a.length !== b.length || a.length === 0)
    throw new ValidationError(`predictionDistance: lengths ${a.length} and ${b.length} must be equal and > 0`);
  let s = 0,
    mx = 0,
    nb = 0;
  for (let k = 0; k < a.length; k++) {
    const e = a[k] - b[k];
    s += e * e;
    mx = Math.max(mx, Math.abs(e));
    nb += b[k] * b[k];
  }
  return { rms: Math.sqrt(s / a.length), max: mx, relative: nb > 0 ? Math.sqrt(s / nb) : null };
}
