/**
 * Kernel-regime predictions in closed form (docs/spec/model.md section 10): full-batch GD on the squared loss
 * of the linearized network, with K0 the empirical NTK at Theta0 on the N training outputs
 * (N = n for readout final; N = nT for readout all, output (j, t) at row j*T + t).
 *
 * Derivation (ours, for the package's normalization R = 1/(2N) sum (f - y)^2): the linearization
 * f_lin(X; Theta) = f0(X) + J(X) (Theta - Theta0) has grad R = J^T (f - y) / N, so one GD step moves
 * Theta by -(eta/N) J^T (f_s - y) and the outputs by
 *
 *   f_{s+1} = f_s - (eta/N) K0 (f_s - y)          =>   f_s - y = (I - eta K0/N)^s (f_0 - y),
 *
 * and on other inputs X', with K0(X', train) = J(X') J^T and Theta_s - Theta0 = -(eta/N) J^T sum_{r<s}(f_r - y):
 *
 *   f_s(X') = f0(X') - K0(X', train) Q diag(g_s(lambda)) Q^T (f_0 - y),   g_s(lambda) = (1 - (1 - eta lambda/N)^s) / lambda
 *
 * (g_s -> s eta / N as lambda -> 0) with K0 = Q diag(lambda) Q^T. One eigendecomposition; then the
 * training risk R_s = |(1 - eta lambda/N)^s . Q^T (f_0 - y)|^2 / (2N) costs O(N) per s and the
 * predictions O(N^2) per s. Exact for the linearized network under plain GD; with a projection it
 * holds while the projection is inactive.
 *
 * Round-off: a kernel computed in floating point is PSD only up to its round-off, and one eigenvalue
 * slightly below zero makes (1 - eta lambda/N)^s grow without bound. So eigenvalues with |lambda| <= tol
 * are taken as 0 (and counted), K is refused when an eigenvalue is below -tol or K is asymmetric by more
 * than tol, and eta is refused above 2N/lambda_max (where the linearized GD diverges). [our estimate]
 * tol = sqrt(L) eps trace(K), K's entries being sums of L products in a precision with machine epsilon
 * eps: each entry's error is then about sqrt(L) eps sqrt(K_aa K_bb), so ||dK||_F <= sqrt(L) eps trace(K).
 * Measured on the wasm float32 Gram against the float64 one (8 shapes, m = 64..32768, N = 20..300):
 * the eigenvalues moved by at most 0.094 tol (docs/robustness.md).
 */
import { ValidationError } from '../core/errors.js';
import type { Backend } from '../backend/types.js';
import { backwardSequence, forwardSequence, sequenceScratch } from '../backend/reference-rnn.js';
import { gramOfRows } from '../backend/ts-ntk.js';
import { targetsPerSequence, uLength, wLength, type Dataset, type ModelParams } from '../core/types.js';
import { SymmetricEigen } from './eigen.js';
import { crossOfRows } from '../core/linalg.js';
import { atInit, ntkBlocks } from './ntk.js';
import { checkFits } from '../core/dataset.js';
import { checkFloat64Arrays } from '../backend/capacity.js';
import { datasetArg, numbersArg, objectArg, paramsArg } from '../core/api-args.js';

const perSequence = (params: ModelParams, data: Dataset) => targetsPerSequence(params.spec.readout, data.T);

/**
 * Gradients of every output with respect to (W, U) (float64 reference): rows j*T + t for readout
 * all (each output's own backward pass), j for readout final; P = len(W) + len(U) columns.
 */
export function outputGradients(params: ModelParams, data: Dataset): Float64Array {
  const { spec, W, U, c } = params;
  checkFits(spec, data);
  const { m } = spec;
  const { n, T, X } = data;
  const nw = wLength(spec),
    P = nw + uLength(spec);
  const per = perSequence(params, data);
  const J = new Float64Array(n * per * P);
  const scratch = sequenceScratch(m, T);
  const outScale = 1 / Math.sqrt(m);
  for (let j = 0; j < n; j++) {
    forwardSequence(spec, W, U, X, j, T, scratch);
    for (let q = 0; q < per; q++) {
      const tOut = per === 1 ? T - 1 : q;
      const row = (j * per + q) * P;
      const seed = (t: number, dh: Float64Array) => {
        if (t === tOut) for (let i = 0; i < m; i++) dh[i] += c[i] * outScale;
      };
      backwardSequence(spec, W, X, j, T, scratch, seed, J.subarray(row, row + nw), J.subarray(row + nw, row + P));
    }
  }
  return J;
}

/**
 * The tangent kernel on every output: K(train, train) (N x N) and, with test data, K(test, train).
 * Readout final: the backend's Gram kernels; readout all: the float64 reference (outputGradients).
 */
export function outputKernels(
  backend: Backend,
  params: ModelParams,
  train: Dataset,
  test?: Dataset,
): { train: Float64Array; cross?: Float64Array } {
  if (params.spec.readout === 'final') {
    if (!test) return { train: backend.kernels.ntkGram(params, train) };
    return ntkBlocks(backend, params, train, test);
  }
  const P = wLength(params.spec) + uLength(params.spec);
  const Jtr = outputGradients(params, train);
  const N = Jtr.length / P;
  const result: { train: Float64Array; cross?: Float64Array } = { train: gramOfRows(Jtr, N, P) };
  if (test) {
    const Jte = outputGradients(params, test);
    result.cross = crossOfRows(Jte, Jte.length / P, Jtr, N, P);
  }
  return result;
}

export interface KernelRegimeInput {
  /** K0 on the N training outputs, row-major N x N. */
  K: ArrayLike<number>;
  /** Training targets (N). */
  y: ArrayLike<number>;
  /** Outputs at Theta0 on the training data (N; 0 under the symmetric initialization). */
  f0: ArrayLike<number>;
  eta: number;
  /** Held-out outputs: K0(test, train) (Nte x N), targets and outputs at Theta0. */
  test?: { cross: ArrayLike<number>; y: ArrayLike<number>; f0: ArrayLike<number> };
  /** The backend whose kernels run the eigendecomposition's tridiagonalization (default: the ts reference). */
  backend?: Pick<Backend, 'kernels'>;
  /** How K was computed, for its round-off tolerance (see the module comment; default float64 with L = 1). */
  roundoff?: KernelRoundoff;
}

/** The precision K's entries were computed in and the length L of the sums they are. */
export interface KernelRoundoff {
  precision: 'float32' | 'float64';
  /** L: products summed per entry (P = len(W) + len(U) for a Gram of gradients); default 1. */
  terms?: number;
}

const MACHINE_EPSILON = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/** The round-off tolerance of a kernel's eigenvalues: sqrt(L) eps trace(K) (module comment). */
function kernelTolerance(K: ArrayLike<number>, N: number, roundoff: KernelRoundoff = { precision: 'float64' }): number {
  const eps = MACHINE_EPSILON[roundoff.precision];
  if (eps === undefined)
    throw new ValidationError(
      `kernelRegime: roundoff.precision must be 'float32' or 'float64', got '${roundoff.precision}'`,
    );
  const terms = roundoff.terms ?? 1;
  if (!(terms >= 1) || !Number.isFinite(terms))
    throw new ValidationError(`kernelRegime: roundoff.terms must be a finite number >= 1, got ${terms}`);
  let trace = 0;
  for (let a = 0; a < N; a++) trace += Math.abs(K[a * N + a]);
  return Math.sqrt(terms) * eps * trace;
}

/** Refuses a non-finite value of a result (an overflow), naming it. */
function finiteResult<T extends ArrayLike<number>>(values: T, what: string): T {
  for (let k = 0; k < values.length; k++)
    if (!Number.isFinite(values[k]))
      throw new ValidationError(
        `kernelRegime: the ${what}${values.length > 1 ? ` (entry ${k})` : ''} overflows (${values[k]}): the targets, outputs or step count are too large for float64`,
      );
  return values;
}

/** Refuses a non-finite entry of an input array, naming it. */
function finiteInput(values: ArrayLike<number>, what: string): void {
  for (let k = 0; k < values.length; k++)
    if (!Number.isFinite(values[k]))
      throw new ValidationError(`kernelRegime: ${what} entry ${k} is not a finite number`);
}

export interface KernelRegimePoint {
  step: number;
  /** R_s = 1/(2N) |f_s - y|^2 on the training outputs. */
  risk: number;
  /** The same on the held-out outputs (with test data). */
  testRisk?: number;
}

/** The closed-form GD trajectory of the linearized network (see the module comment). */
export class KernelRegime {
  readonly N: number;
  readonly eigen: SymmetricEigen;
  /** The eigenvalues used: eigen.values with those within the round-off tolerance of 0 set to 0. */
  readonly eigenvalues: Float64Array;
  /** The round-off tolerance on the eigenvalues (module comment). */
  readonly tolerance: number;
  /** The precision K was computed in (its round-off). */
  readonly precision: 'float32' | 'float64';
  /** How many eigenvalues were within the tolerance of 0 and taken as 0. */
  readonly clampedEigenvalues: number;
  /** 2N / lambda_max: the largest step size for which the linearized GD does not diverge (Infinity for K = 0). */
  readonly etaMax: number;
  private readonly z: Float64Array;
  private readonly input: KernelRegimeInput;
  /** K0 on the training outputs (as given). */
  get kernel(): ArrayLike<number> {
    return this.input.K;
  }

  constructor(input: KernelRegimeInput) {
    objectArg(input, 'kernelRegime', 'input');
    for (const f of ['K', 'y', 'f0'] as const) numbersArg(input[f], 'kernelRegime', f);
    const N = input.y.length;
    if (N < 1) throw new ValidationError('kernelRegime: no training outputs');
    if (input.f0.length !== N)
      throw new ValidationError(`kernelRegime: f0 has ${input.f0.length} values, expected ${N}`);
    if (!(input.eta > 0) || !Number.isFinite(input.eta))
      throw new ValidationError(`kernelRegime: eta must be a finite number > 0, got ${input.eta}`);
    if (input.test) {
      const Nte = input.test.y.length;
      if (input.test.f0.length !== Nte || input.test.cross.length !== Nte * N)
        throw new ValidationError(
          `kernelRegime: test needs f0 of ${Nte} values and a cross kernel of ${Nte}*${N} values, got ${input.test.f0.length} and ${input.test.cross.length}`,
        );
    }
    finiteInput(input.y, 'y');
    finiteInput(input.f0, 'f0');
    if (input.test) {
      finiteInput(input.test.y, 'test.y');
      finiteInput(input.test.f0, 'test.f0');
      finiteInput(input.test.cross, 'test.cross');
    }
    this.N = N;
    this.input = input;
    if (input.K.length !== N * N)
      throw new ValidationError(
        `kernelRegime: K has ${input.K.length} values, expected N*N = ${N * N} (N = ${N} targets)`,
      );
    this.eigen = new SymmetricEigen(input.K, N, input.backend?.kernels);
    this.precision = input.roundoff?.precision ?? 'float64';
    const tol = (this.tolerance = kernelTolerance(input.K, N, input.roundoff));
    this.checkSymmetric(tol);
    let clamped = 0,
      lambdaMax = 0;
    this.eigenvalues = this.eigen.values.map((lam) => {
      if (lam < -tol)
        throw new ValidationError(
          `kernelRegime: K is not positive semidefinite: eigenvalue ${lam} is below minus its round-off tolerance ${tol} ` +
            `(${input.roundoff?.precision ?? 'float64'}); a kernel (Gram) matrix has no negative eigenvalues` +
            (input.roundoff?.precision === 'float32'
              ? '; compute it in float64 (backend ts)'
              : "; if K was computed in float32 (the wasm backend's Gram), say so: roundoff: { precision: 'float32', terms: P }"),
        );
      if (Math.abs(lam) <= tol) return (clamped++, 0);
      lambdaMax = Math.max(lambdaMax, lam);
      return lam;
    });
    this.clampedEigenvalues = clamped;
    this.etaMax = lambdaMax > 0 ? (2 * N) / lambdaMax : Infinity;
    if (input.eta > this.etaMax)
      throw new ValidationError(
        `kernelRegime: eta = ${input.eta} is above 2N/lambda_max = ${this.etaMax} (N = ${N}, lambda_max = ${lambdaMax}): ` +
          `GD on the linearized network diverges there (|1 - eta lambda_max/N| > 1); use eta <= ${this.etaMax}`,
      );
    this.z = this.eigen.applyQt(Float64Array.from(input.f0, (f, k) => f - input.y[k]));
  }

  /** Refuses K with |K_ab - K_ba| > tol (the eigensolver reads only the lower triangle). */
  private checkSymmetric(tol: number): void {
    const { K } = this.input;
    const N = this.N;
    for (let a = 0; a < N; a++)
      for (let b = 0; b < a; b++)
        if (Math.abs(K[a * N + b] - K[b * N + a]) > tol)
          throw new ValidationError(
            `kernelRegime: K is not symmetric: K[${a}][${b}] = ${K[a * N + b]} but K[${b}][${a}] = ${K[b * N + a]} ` +
              `(difference above the round-off tolerance ${tol}); a kernel (Gram) matrix is symmetric`,
          );
  }

  private checkStep(s: number): void {
    if (!Number.isSafeInteger(s) || s < 0)
      throw new ValidationError(`kernelRegime: step must be an integer >= 0, got ${s}`);
  }

  /** (1 - eta lambda / N)^s per eigenvalue. */
  private decay(s: number): Float64Array {
    const { eta } = this.input;
    return this.eigenvalues.map((lam) => Math.pow(1 - (eta * lam) / this.N, s));
  }

  /** f_s on the training outputs. */
  trainPredictions(s: number): Float64Array {
    this.checkStep(s);
    const dz = this.decay(s).map((g, k) => g * this.z[k]);
    const r = this.eigen.applyQ(dz);
    return finiteResult(
      r.map((v, k) => v + this.input.y[k]),
      'training prediction',
    );
  }

  /** f_s on the held-out outputs (needs `test`). */
  testPredictions(s: number): Float64Array {
    this.checkStep(s);
    const test = this.input.test;
    if (!test) throw new ValidationError('kernelRegime: no test data was given');
    const { eta } = this.input;
    const N = this.N;
    const coef = this.eigenvalues.map((lam, k) => {
      const x = (eta * lam) / N;
      // (1 - (1 - x)^s) / lambda, accurate for small x (-> s eta / N).
      const g =
        lam === 0
          ? (s * eta) / N
          : Math.abs(x) < 0.5
            ? -Math.expm1(s * Math.log1p(-x)) / lam
            : (1 - Math.pow(1 - x, s)) / lam;
      return g * this.z[k];
    });
    const v = this.eigen.applyQ(coef);
    const Nte = test.y.length;
    const out = new Float64Array(Nte);
    for (let r = 0; r < Nte; r++) {
      let acc = 0;
      for (let c = 0; c < N; c++) acc += test.cross[r * N + c] * v[c];
      out[r] = test.f0[r] - acc;
    }
    return finiteResult(out, 'test prediction');
  }

  /** R_s (and the held-out risk) at each step: the predicted risk curve. */
  riskCurve(steps: readonly number[]): KernelRegimePoint[] {
    return steps.map((s) => {
      this.checkStep(s);
      const dec = this.decay(s);
      let sq = 0;
      for (let k = 0; k < this.N; k++) sq += (dec[k] * this.z[k]) ** 2;
      const point: KernelRegimePoint = { step: s, risk: finiteResult([sq / (2 * this.N)], 'training risk')[0] };
      if (this.input.test) {
        const f = this.testPredictions(s);
        let e = 0;
        f.forEach((v, k) => (e += (v - this.input.test!.y[k]) ** 2));
        point.testRisk = finiteResult([e / (2 * f.length)], 'test risk')[0];
      }
      return point;
    });
  }
}

/** Where the closed form starts: the model's initialization (W0, U0) or its current parameters (W, U). */
export type KernelRegimeStart = 'init' | 'current';

/**
 * The closed form for a model: K = the NTK at the starting point (default the initialization W0, U0)
 * on train (and test), f0 = the network there, y = the targets, then `new KernelRegime` with the
 * round-off of the kernel's precision (the backend's: float32 for the Rust core's Gram, readout final).
 */
export function kernelRegime(
  backend: Backend,
  params: ModelParams,
  train: Dataset,
  eta: number,
  test?: Dataset,
  opts: { from?: KernelRegimeStart } = {},
): KernelRegime {
  paramsArg(params, 'kernelRegime');
  datasetArg(train, 'kernelRegime', 'train');
  if (test !== undefined) datasetArg(test, 'kernelRegime', 'test');
  const from = opts.from ?? 'init';
  if (from !== 'init' && from !== 'current')
    throw new ValidationError(`kernelRegime: from must be 'init' or 'current', got '${String(from)}'`);
  const init = from === 'init' ? atInit(params) : params;
  checkFits(params.spec, train);
  if (test) checkFits(params.spec, test);
  const per = perSequence(params, train);
  const N = train.n * per,
    Nte = (test?.n ?? 0) * per,
    P = wLength(params.spec) + uLength(params.spec);
  // K and its eigendecomposition (N^2 each), the Gram of train and test together, per-output gradients (readout all).
  checkFloat64Arrays(
    `the kernel regime on N = ${N} training and ${Nte} test outputs`,
    2 * N * N + (N + Nte) ** 2 + (per > 1 ? (N + Nte) * P : 0),
  );
  const blocks = outputKernels(backend, init, train, test);
  const outputs = (data: Dataset) => {
    // try/finally, not `using`: engines without Symbol.dispose (Safari) must work too.
    const net = backend.network(init);
    try {
      const ws = net.workspace(data.n, data.T);
      try {
        ws.setData(data);
        return ws.forward().predictions;
      } finally {
        ws.free();
      }
    } finally {
      net.free();
    }
  };
  return new KernelRegime({
    K: blocks.train,
    y: train.Y,
    f0: outputs(train),
    eta,
    backend,
    roundoff: {
      precision: params.spec.readout === 'final' ? backend.precision : 'float64',
      terms: P,
    },
    ...(test ? { test: { cross: blocks.cross!, y: test.Y, f0: outputs(test) } } : {}),
  });
}
