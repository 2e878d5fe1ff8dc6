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
 * - Kernel ridge regression with either kernel (the infinite-width / linearized baseline; with the
 *   symmetric init f(X; Theta(0)) = 0, so the linearized model trained to convergence is the
 *   min-norm kernel interpolant, the ridge -> 0 limit) and the distance between a trained network's
 *   predictions and the kernel predictor's.
 *
 * Dense n x n linear algebra (symmetric eigenvalues, Cholesky) uses ml-matrix.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Backend, Particles, TangentSpec } from '../backend/types.js';
import { makeRng, type Seed } from '../rng.js';
import { predictionDistance, type PredictionDistance } from '../metrics.js';
import { readoutOf, type Dataset, type ModelParams } from '../types.js';
import { ValidationError } from '../validate.js';
import { SymmetricEigen } from './eigen.js';

// ---------------------------------------------------------------------------------------------
// Matrices

/** Rows of a row-major n x n Float64Array as a Matrix. */
export function toMatrix(K: ArrayLike<number>, rows: number, cols = rows): Matrix {
  const M = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) M.set(r, c, K[r * cols + c]);
  return M;
}

/** A B^T for row-major A (nA x P) and B (nB x P): nA x nB. */
export function crossOfRows(
  A: ArrayLike<number>,
  nA: number,
  B: ArrayLike<number>,
  nB: number,
  P: number,
): Float64Array {
  const out = new Float64Array(nA * nB);
  for (let a = 0; a < nA; a++) {
    for (let b = 0; b < nB; b++) {
      let s = 0;
      for (let p = 0; p < P; p++) s += A[a * P + p] * B[b * P + p];
      out[a * nB + b] = s;
    }
  }
  return out;
}

function checkSquare(K: ArrayLike<number>, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || K.length !== n * n) {
    throw new ValidationError(
      `${what}: expected an n x n matrix with n = ${n} (${n * n} values), got ${K.length} values`,
    );
  }
}

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
    if (p.Y.length === p.n) Y.set(p.Y, j);
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
  const all = concatData([train, test]);
  const K = backend.kernels.ntkGram(params, all);
  const N = all.n,
    a = train.n,
    b = test.n;
  const tr = new Float64Array(a * a),
    cr = new Float64Array(b * a);
  for (let r = 0; r < a; r++) for (let c = 0; c < a; c++) tr[r * a + c] = K[r * N + c];
  for (let r = 0; r < b; r++) for (let c = 0; c < a; c++) cr[r * a + c] = K[(a + r) * N + c];
  return { train: tr, cross: cr };
}

// ---------------------------------------------------------------------------------------------
// Monte-Carlo infinite-width kernel (diagonal model)

export type WLaw = 'uniform' | 'rademacher' | 'normal';

/**
 * M i.i.d. particles theta^k = (w_k, u_k) ~ P_0, the initialization law of docs/spec/model.md section 4:
 * w ~ Uniform[-1, 1] (default) | Rademacher | N(0, 1), u ~ N(0, I_d). Own random stream
 * ('theory/mc-kernel'), so the particles are independent of any student or teacher with the same seed.
 */
export function sampleParticles(
  M: number,
  d: number,
  seed: Seed,
  law: WLaw = 'uniform',
): { w: Float64Array; u: Float64Array } {
  if (!Number.isInteger(M) || M < 1)
    throw new ValidationError(`sampleParticles: M must be a positive integer, got ${M}`);
  if (!Number.isInteger(d) || d < 1)
    throw new ValidationError(`sampleParticles: d must be a positive integer, got ${d}`);
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

// ---------------------------------------------------------------------------------------------
// Kernel ridge regression

export interface KernelRidgeFit {
  /** Coefficients c = (K + ridge I)^{-1} y. */
  coef: Float64Array;
  ridge: number;
  /**
   * 'cholesky', or 'eigen' (pseudo-inverse of K + ridge I over eigenvalues > 1e-12 * max) when
   * Cholesky fails or meets a pivot below that scale (a singular K whose rounding let Cholesky pass).
   */
  method: 'cholesky' | 'eigen';
}

/** Default ridge: 1e-10 * trace(K) / n, the interpolation limit with a float64-safe jitter. */
export function defaultRidge(K: ArrayLike<number>, n: number): number {
  let tr = 0;
  for (let a = 0; a < n; a++) tr += K[a * n + a];
  return (1e-10 * tr) / n;
}

/** Solves (K + ridge I) c = y for a symmetric PSD K (n x n). */
export function kernelRidgeFit(
  K: ArrayLike<number>,
  n: number,
  y: ArrayLike<number>,
  ridge = defaultRidge(K, n),
): KernelRidgeFit {
  checkSquare(K, n, 'kernelRidgeFit');
  if (y.length !== n) throw new ValidationError(`kernelRidgeFit: y has ${y.length} values, expected n = ${n}`);
  if (!(ridge >= 0) || !Number.isFinite(ridge))
    throw new ValidationError(`kernelRidgeFit: ridge must be a finite number >= 0, got ${ridge}`);
  const A = toMatrix(K, n);
  for (let a = 0; a < n; a++) A.set(a, a, A.get(a, a) + ridge);
  const rhs = Matrix.columnVector(Array.from(y));
  const chol = new CholeskyDecomposition(A);
  if (chol.isPositiveDefinite() && !numericallySingular(chol.lowerTriangularMatrix, A, n)) {
    return { coef: Float64Array.from(chol.solve(rhs).getColumn(0)), ridge, method: 'cholesky' };
  }
  const evd = new EigenvalueDecomposition(A, { assumeSymmetric: true });
  const lam = evd.realEigenvalues,
    V = evd.eigenvectorMatrix;
  const top = Math.max(...lam.map(Math.abs));
  const coef = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (!(lam[k] > 1e-12 * top)) continue;
    let proj = 0;
    for (let r = 0; r < n; r++) proj += V.get(r, k) * y[r];
    proj /= lam[k];
    for (let r = 0; r < n; r++) coef[r] += V.get(r, k) * proj;
  }
  return { coef, ridge, method: 'eigen' };
}

/**
 * A pivot L_ii^2 <= 1e-12 * max_i A_ii: A is singular at float64 precision (e.g. two equal
 * sequences) even when rounding let the factorization finish; its solve would amplify noise.
 */
function numericallySingular(L: Matrix, A: Matrix, n: number): boolean {
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, Math.abs(A.get(i, i)));
  for (let i = 0; i < n; i++) if (!(L.get(i, i) ** 2 > 1e-12 * top)) return true;
  return false;
}

/** Predictions K_cross c for a (nTest x nTrain) cross kernel. */
export function kernelRidgePredict(Kcross: ArrayLike<number>, nTest: number, coef: ArrayLike<number>): Float64Array {
  const nTrain = coef.length;
  if (Kcross.length !== nTest * nTrain) {
    throw new ValidationError(
      `kernelRidgePredict: cross kernel has ${Kcross.length} values, expected nTest*nTrain = ${nTest}*${nTrain}`,
    );
  }
  const out = new Float64Array(nTest);
  for (let r = 0; r < nTest; r++) {
    let s = 0;
    for (let c = 0; c < nTrain; c++) s += Kcross[r * nTrain + c] * coef[c];
    out[r] = s;
  }
  return out;
}

const rmse = (a: ArrayLike<number>, y: ArrayLike<number>): number => predictionDistance(a, y).rms;

/** Which kernel the baseline uses. */
export type BaselineKernel =
  /** The empirical NTK at the given parameters. */
  | { kind: 'ntk'; params: ModelParams }
  /** The Monte-Carlo infinite-width kernel of the diagonal model with these particles. */
  | { kind: 'mc'; spec: TangentSpec; particles: Particles };

export interface KernelBaseline {
  kernel: 'ntk' | 'mc';
  ridge: number;
  method: KernelRidgeFit['method'];
  trainPredictions: Float64Array;
  testPredictions: Float64Array;
  trainRmse: number;
  testRmse: number;
  /** Spectrum of the training kernel. */
  stats: GramStats;
}

/** Kernel ridge regression on `train` (sequence-to-one targets), predicting `test`. */
export function kernelBaseline(
  backend: Backend,
  kernel: BaselineKernel,
  train: Dataset,
  test: Dataset,
  ridge?: number,
): KernelBaseline {
  for (const [name, ds] of [
    ['train', train],
    ['test', test],
  ] as const) {
    if (ds.Y.length !== ds.n)
      throw new ValidationError(
        `kernelBaseline: ${name} data needs one target per sequence (readout final), got ${ds.Y.length} for n = ${ds.n}`,
      );
  }
  let Ktr: Float64Array, Kte: Float64Array;
  if (kernel.kind === 'ntk') {
    ({ train: Ktr, cross: Kte } = ntkBlocks(backend, kernel.params, train, test));
  } else {
    Ktr = monteCarloKernel(backend, kernel.spec, kernel.particles, train);
    Kte = monteCarloKernel(backend, kernel.spec, kernel.particles, test, train);
  }
  const fit = kernelRidgeFit(Ktr, train.n, train.Y, ridge);
  const trainPredictions = kernelRidgePredict(Ktr, train.n, fit.coef);
  const testPredictions = kernelRidgePredict(Kte, test.n, fit.coef);
  return {
    kernel: kernel.kind,
    ridge: fit.ridge,
    method: fit.method,
    trainPredictions,
    testPredictions,
    trainRmse: rmse(trainPredictions, train.Y),
    testRmse: rmse(testPredictions, test.Y),
    stats: gramStats(Ktr, train.n),
  };
}

/** Network outputs f(X_j) (readout final) on a backend. */
export function networkPredictions(backend: Backend, params: ModelParams, data: Dataset): Float64Array {
  if (params.spec.readout !== 'final')
    throw new ValidationError(`networkPredictions: readout '${params.spec.readout}' is not supported (use 'final')`);
  const net = backend.network(params);
  try {
    const ws = net.workspace(data.n, data.T);
    try {
      ws.setData(readoutOf(data) === 'final' ? data : { ...data, Y: new Float64Array(data.n) });
      return ws.forward().predictions;
    } finally {
      ws.free();
    }
  } finally {
    net.free();
  }
}

export interface NetworkVsKernel {
  baseline: KernelBaseline;
  network: { trainRmse: number; testRmse: number };
  /** Distance between the network's and the kernel predictor's outputs. */
  distance: { train: PredictionDistance; test: PredictionDistance };
}

/**
 * Compares a trained network with the kernel predictor (default: the empirical NTK at the network's
 * initialization W0, U0 — the linearized, infinite-width-like baseline).
 */
export function networkVsKernel(
  backend: Backend,
  trained: ModelParams,
  train: Dataset,
  test: Dataset,
  opts: { kernel?: BaselineKernel; ridge?: number } = {},
): NetworkVsKernel {
  const kernel = opts.kernel ?? { kind: 'ntk', params: atInit(trained) };
  const baseline = kernelBaseline(backend, kernel, train, test, opts.ridge);
  const fTrain = networkPredictions(backend, trained, train);
  const fTest = networkPredictions(backend, trained, test);
  return {
    baseline,
    network: { trainRmse: rmse(fTrain, train.Y), testRmse: rmse(fTest, test.Y) },
    distance: {
      train: predictionDistance(fTrain, baseline.trainPredictions),
      test: predictionDistance(fTest, baseline.testPredictions),
    },
  };
}
