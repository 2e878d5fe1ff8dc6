/**
 * The empirical neural tangent kernel and the infinite-width kernel baseline (docs/spec/model.md sections 9-10).
 *
 * - Empirical NTK: K_m(X_j, X_k) = <grad_Theta f(X_j; Theta), grad_Theta f(X_k; Theta)>, from
 *   `backend.kernels.ntkGram` (wasm: the Rust kernel; ts: float64 reference),
 *   at the initialization or at any parameters; its spectrum (smallest eigenvalue, condition
 *   number) and the relative drift ||K_s - K_0||_F / ||K_0||_F.
 * - Monte-Carlo infinite-width kernel of the diagonal model [paper: the NTK of the transport-map
 *   class; conv: the estimator]: K(X, X') ~ (1/M) sum_k <phi_T(X; theta^k), phi_T(X'; theta^k)>,
 *   theta^k ~ P_0 i.i.d., from `backend.kernels.tangentFeatures`. For the diagonal model the
 *   empirical NTK is exactly this average over the student's own m neurons (c_i^2 = 1), so at the
 *   initialization K_m is the M = m Monte-Carlo estimate (with each particle drawn twice).
 *
 * Kernel ridge regression with either kernel, the baseline a trained network is compared with, is
 * ./kernel-ridge.ts.
 */
import { ValidationError } from '../core/errors.js';
import type { Backend, Particles, TangentSpec } from '../backend/types.js';
import { makeRng, type Seed } from '../core/rng.js';
import { checkSquare, crossOfRows } from '../core/linalg.js';
import { readoutOf, type Dataset, type ModelParams, type WInit } from '../core/types.js';
import { SymmetricEigen } from './eigen.js';
import { checkFloat64Arrays } from '../backend/capacity.js';

/** Eigenvalues of a symmetric n x n matrix (its lower triangle), ascending (Householder + QL, eigen.ts). */
export function symmetricEigenvalues(K: ArrayLike<number>, n: number): Float64Array {
  checkSquare(K, n, 'symmetricEigenvalues');
  return Float64Array.from(new SymmetricEigen(K, n).values).sort();
}

export interface GramStats {
  n: number;
  minEigenvalue: number;
  maxEigenvalue: number;
  /**
   * maxEigenvalue / minEigenvalue, or null when the matrix is singular to working precision
   * (minEigenvalue <= n * 2^-52 * maxEigenvalue, which includes rounding-level negative eigenvalues).
   */
  condition: number | null;
  trace: number;
  /** ||K||_F */
  frobenius: number;
  /** max_jk |K_jk - K_kj| (0 for the backends' Gram matrices, which are symmetric by construction). */
  asymmetry: number;
}

/** Spectrum summary of a symmetric (Gram) matrix. */
export function gramStats(K: ArrayLike<number>, n: number): GramStats {
  checkSquare(K, n, 'gramStats');
  let trace = 0,
    fro = 0,
    asym = 0;
  for (let a = 0; a < n; a++) {
    trace += K[a * n + a];
    for (let b = 0; b < n; b++) {
      fro += K[a * n + b] * K[a * n + b];
      asym = Math.max(asym, Math.abs(K[a * n + b] - K[b * n + a]));
    }
  }
  const eig = symmetricEigenvalues(K, n);
  const minEigenvalue = eig[0],
    maxEigenvalue = eig[n - 1];
  return {
    n,
    minEigenvalue,
    maxEigenvalue,
    condition: minEigenvalue > n * Number.EPSILON * maxEigenvalue ? maxEigenvalue / minEigenvalue : null,
    trace,
    frobenius: Math.sqrt(fro),
    asymmetry: asym,
  };
}

/** ||K_s - K_0||_F / ||K_0||_F. */
export function relativeDrift(K0: ArrayLike<number>, Ks: ArrayLike<number>): number {
  if (K0.length !== Ks.length)
    throw new ValidationError(`relativeDrift: the matrices have ${K0.length} and ${Ks.length} values`);
  let num = 0,
    den = 0;
  for (let p = 0; p < K0.length; p++) {
    num += (Ks[p] - K0[p]) ** 2;
    den += K0[p] ** 2;
  }
  return Math.sqrt(num) / Math.sqrt(den);
}

// ---------------------------------------------------------------------------------------------
// Data helpers

/** Concatenates data sets of the same T and d (sequence-to-one targets; Y may be empty-sized when absent). */
export function concatData(parts: readonly Dataset[]): Dataset {
  if (parts.length === 0) throw new ValidationError('concatData: no data sets');
  const { T, d } = parts[0];
  for (const p of parts) {
    if (p.T !== T || p.d !== d)
      throw new ValidationError(`concatData: data sets differ in shape (T = ${p.T} vs ${T}, d = ${p.d} vs ${d})`);
  }
  const n = parts.reduce((s, p) => s + p.n, 0);
  const X = new Float64Array(n * T * d);
  const Y = new Float64Array(n);
  let j = 0;
  for (const p of parts) {
    X.set(p.X, j * T * d);
    if (readoutOf(p) === 'final') Y.set(p.Y, j);
    j += p.n;
  }
  return { n, T, d, X, Y };
}

/** Parameters with W, U replaced by the initialization W0, U0. */
export const atInit = (params: ModelParams): ModelParams => ({ ...params, W: params.W0.slice(), U: params.U0.slice() });

// ---------------------------------------------------------------------------------------------
// Empirical NTK

export interface EmpiricalNtk {
  /** n x n row-major Gram matrix. */
  K: Float64Array;
  stats: GramStats;
}

/** The empirical NTK Gram matrix on `data` at `params` and its spectrum. */
export function empiricalNtk(backend: Backend, params: ModelParams, data: Dataset): EmpiricalNtk {
  // K in float64 and the spectrum's tridiagonalization (n^2 each), and K(W0, U0) for the drift beside them.
  checkFloat64Arrays(`the empirical NTK on n = ${data.n} sequences`, 3 * data.n * data.n);
  const K = backend.kernels.ntkGram(params, data);
  return { K, stats: gramStats(K, data.n) };
}

/** ||K(Theta) - K(Theta(0))||_F / ||K(Theta(0))||_F with Theta(0) = (W0, U0) from the same params. */
export function ntkDrift(backend: Backend, params: ModelParams, data: Dataset, K?: Float64Array): number {
  const Ks = K ?? backend.kernels.ntkGram(params, data);
  const K0 = backend.kernels.ntkGram(atInit(params), data);
  return relativeDrift(K0, Ks);
}

/** The NTK blocks on train and test: K(train, train) (nTr x nTr) and K(test, train) (nTe x nTr), via one Gram on their union. */
export function ntkBlocks(
  backend: Backend,
  params: ModelParams,
  train: Dataset,
  test: Dataset,
): { train: Float64Array; cross: Float64Array } {
  const N = train.n + test.n;
  checkFloat64Arrays(`the NTK on ${train.n} training and ${test.n} test sequences`, N * N + train.n * N);
  const all = concatData([train, test]);
  const K = backend.kernels.ntkGram(params, all);
  const a = train.n,
    b = test.n;
  const tr = new Float64Array(a * a),
    cr = new Float64Array(b * a);
  for (let r = 0; r < a; r++) for (let c = 0; c < a; c++) tr[r * a + c] = K[r * N + c];
  for (let r = 0; r < b; r++) for (let c = 0; c < a; c++) cr[r * a + c] = K[(a + r) * N + c];
  return { train: tr, cross: cr };
}

// ---------------------------------------------------------------------------------------------
// Monte-Carlo infinite-width kernel (diagonal model)

/** Deprecated; use WInit (ts/core/types.ts): the name rnn-gd/theory has exported, kept as an alias. */
export type WLaw = WInit;

/**
 * M i.i.d. particles theta^k = (w_k, u_k) ~ P_0, the initialization law of docs/spec/model.md section 4:
 * w ~ Uniform[-1, 1] (default) | Rademacher | N(0, 1), u ~ N(0, I_d). Own random stream
 * ('theory/mc-kernel'), so the particles are independent of any student or teacher with the same seed.
 */
export function sampleParticles(
  M: number,
  d: number,
  seed: Seed,
  law: WInit = 'uniform',
): { w: Float64Array; u: Float64Array } {
  if (!Number.isInteger(M) || M < 1)
    throw new ValidationError(`sampleParticles: M must be a positive integer, got ${M}`);
  if (!Number.isInteger(d) || d < 1)
    throw new ValidationError(`sampleParticles: d must be a positive integer, got ${d}`);
  checkFloat64Arrays(`sampleParticles: M = ${M} particles of dimension 1 + d = ${1 + d}`, M * (1 + d));
  const rng = makeRng(seed, 'theory/mc-kernel');
  const drawW = { uniform: () => 2 * rng.uniform() - 1, rademacher: rng.rademacher, normal: rng.normal }[law];
  if (!drawW) throw new ValidationError(`sampleParticles: unknown law '${law}' (uniform, rademacher, normal)`);
  const w = new Float64Array(M),
    u = new Float64Array(M * d);
  for (let k = 0; k < M; k++) {
    w[k] = drawW();
    for (let q = 0; q < d; q++) u[k * d + q] = rng.normal();
  }
  return { w, u };
}

/** Particles k in [from, to). */
function sliceParticles(p: Particles, d: number, from: number, to: number): Particles {
  const w = Float64Array.from({ length: to - from }, (_, k) => p.w[from + k]);
  const u = Float64Array.from({ length: (to - from) * d }, (_, k) => p.u[from * d + k]);
  return { w, u };
}

/**
 * Monte-Carlo kernel K(A_j, B_k) = (1/M) sum_i <phi_T(A_j; theta^i), phi_T(B_k; theta^i)> (nA x nB,
 * row-major); B defaults to A (then the result is exactly symmetric). Features come from
 * backend.kernels.tangentFeatures in chunks of particles, so memory stays ~ (nA + nB) * chunk * (1+d).
 */
export function monteCarloKernel(
  backend: Backend,
  spec: TangentSpec,
  particles: Particles,
  A: Dataset,
  B?: Dataset,
  opts: { chunk?: number } = {},
): Float64Array {
  const M = particles.w.length;
  const d = spec.d;
  const p = 1 + d;
  if (M < 1) throw new ValidationError('monteCarloKernel: no particles');
  checkFloat64Arrays(`monteCarloKernel on ${A.n} x ${B?.n ?? A.n} sequences`, A.n * (B?.n ?? A.n));
  const chunk = Math.max(1, opts.chunk ?? Math.max(1, Math.floor(4_000_000 / ((A.n + (B?.n ?? 0)) * p))));
  const nA = A.n,
    nB = B ? B.n : A.n;
  const K = new Float64Array(nA * nB);
  for (let from = 0; from < M; from += chunk) {
    const to = Math.min(M, from + chunk);
    const part = sliceParticles(particles, d, from, to);
    const Pc = (to - from) * p; // row j of the features is contiguous: (j*Mc + i)*(1+d) + q
    const FA = backend.kernels.tangentFeatures(spec, part, A);
    if (!B) {
      for (let a = 0; a < nA; a++) {
        for (let b = 0; b <= a; b++) {
          let s = 0;
          for (let q = 0; q < Pc; q++) s += FA[a * Pc + q] * FA[b * Pc + q];
          K[a * nA + b] += s;
        }
      }
    } else {
      const FB = backend.kernels.tangentFeatures(spec, part, B);
      const C = crossOfRows(FA, nA, FB, nB, Pc);
      for (let q = 0; q < C.length; q++) K[q] += C[q];
    }
  }
  for (let q = 0; q < K.length; q++) K[q] /= M;
  if (!B) for (let a = 0; a < nA; a++) for (let b = 0; b < a; b++) K[b * nA + a] = K[a * nA + b];
  return K;
}
