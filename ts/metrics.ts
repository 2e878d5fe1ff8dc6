/** Parameter-space metrics of MODEL.md section 7, computed identically for every backend. */
import { activations } from './activations.js';
import { neuronDistancesSq } from './projection.js';
import type { FloatArray, ModelSpec, Projection } from './types.js';

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
}

export type ParamMetrics = Pick<MetricRecord, 'distL2' | 'rhoEff' | 'boundaryFraction' | 'wScale' | 'memoryFactor'>;

/** Largest singular value of an m x m row-major matrix times `scale`, by power iteration on A^T A. */
export function operatorNorm(A: FloatArray, m: number, scale = 1, iterations = 50): number {
  let v = new Float64Array(m);
  for (let i = 0; i < m; i++) v[i] = 1 + ((i * 7919) % 13) / 13; // fixed start: deterministic
  let sigma = 0;
  const Av = new Float64Array(m);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += A[i * m + k] * v[k];
      Av[i] = s;
    }
    const w = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const a = Av[i];
      for (let k = 0; k < m; k++) w[k] += A[i * m + k] * a;
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += w[k] * w[k];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    sigma = Math.sqrt(norm);
    for (let k = 0; k < m; k++) w[k] /= norm;
    v = w;
  }
  return sigma * Math.abs(scale);
}

export function paramMetrics(
  spec: ModelSpec,
  W: FloatArray,
  U: FloatArray,
  W0: FloatArray,
  U0: FloatArray,
  projection: Projection,
): ParamMetrics {
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
  let wScale = 0;
  if (spec.recurrence === 'diagonal') {
    for (let i = 0; i < m; i++) wScale = Math.max(wScale, Math.abs(W[i]));
  } else {
    wScale = operatorNorm(W, m, 1 / Math.sqrt(m));
  }
  return {
    distL2: Math.sqrt(total),
    rhoEff: Math.sqrt(m) * Math.sqrt(maxD2),
    boundaryFraction,
    wScale,
    memoryFactor: spec.alpha * activations[spec.activation].sigma1 * wScale,
  };
}
