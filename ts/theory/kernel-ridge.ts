/**
 * Kernel ridge regression (docs/spec/model.md section 10) with the empirical NTK or the Monte-Carlo
 * infinite-width kernel (./ntk.ts): the infinite-width / linearized baseline (with the symmetric
 * init f(X; Theta(0)) = 0, the linearized model trained to convergence is the min-norm kernel
 * interpolant, the ridge -> 0 limit), and the distance between a trained network's predictions and
 * the kernel predictor's. The n x n solves (Cholesky, symmetric eigenvalues) use ml-matrix.
 */
import { ValidationError } from '../core/errors.js';
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Backend, Particles, TangentSpec } from '../backend/types.js';
import { checkSquare, toMatrix } from '../core/linalg.js';
import { predictionDistance, type PredictionDistance } from '../core/metrics.js';
import { readoutOf, type Dataset, type ModelParams } from '../core/types.js';
import { checkFloat64Arrays } from '../backend/capacity.js';
import { atInit, gramStats, monteCarloKernel, ntkBlocks, type GramStats } from './ntk.js';

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

/**
 * The kernel-regression norm y^T (K + ridge I)^{-1} y / n, ridge = relRidge * trace(K) / n: the
 * squared RKHS norm (per sample) of the ridge interpolant of y, an estimate of the target's RKHS
 * norm under K (the ridge keeps it finite where K is near singular; it grows as relRidge -> 0
 * for a target outside the span of K's large eigenvectors).
 */
export function kernelNorm(K: ArrayLike<number>, n: number, y: ArrayLike<number>, relRidge: number): number {
  if (!(relRidge > 0) || !Number.isFinite(relRidge))
    throw new ValidationError(`kernelNorm: the relative ridge must be a finite number > 0, got ${relRidge}`);
  let tr = 0;
  for (let a = 0; a < n; a++) tr += K[a * n + a];
  const { coef } = kernelRidgeFit(K, n, y, (relRidge * tr) / n);
  let q = 0;
  for (let a = 0; a < n; a++) q += y[a] * coef[a];
  return q / n;
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
  let trace = 0;
  for (let a = 0; a < n; a++) trace += Math.abs(K[a * n + a]);
  // Beyond trace / eps, K + ridge I rounds to ridge I: the fit would ignore the kernel and predict 0.
  if (ridge * Number.EPSILON > trace)
    throw new ValidationError(
      `kernelRidgeFit: ridge = ${ridge} swamps the kernel (trace ${trace}): K + ridge I rounds to ridge I in float64 ` +
        `and the regression would predict 0; use a ridge below trace(K) / 2^-52 = ${trace / Number.EPSILON}`,
    );
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
  // Ktr, Kte and the solver's copies (ml-matrix: the matrix, its factor or eigenvectors, the spectrum's).
  checkFloat64Arrays(
    `the kernel baseline on n = ${train.n} training and ${test.n} test sequences`,
    4 * train.n * train.n + (train.n + test.n) ** 2,
  );
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
