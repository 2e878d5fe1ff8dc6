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
 */
import type { Backend } from '../backend/types.js';
import { backwardSequence, forwardSequence, sequenceScratch } from '../backend/reference-rnn.js';
import { gramOfRows } from '../backend/ts-ntk.js';
import { targetsPerSequence, uLength, wLength, type Dataset, type ModelParams } from '../types.js';
import { ValidationError } from '../validate.js';
import { SymmetricEigen } from './eigen.js';
import { crossOfRows } from '../linalg.js';
import { atInit, ntkBlocks } from './ntk.js';
import { checkFits } from '../dataset.js';

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
  private readonly z: Float64Array;
  private readonly input: KernelRegimeInput;
  /** K0 on the training outputs (as given). */
  get kernel(): ArrayLike<number> {
    return this.input.K;
  }

  constructor(input: KernelRegimeInput) {
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
    this.N = N;
    this.input = input;
    this.eigen = new SymmetricEigen(input.K, N, input.backend?.kernels);
    this.z = this.eigen.applyQt(Float64Array.from(input.f0, (f, k) => f - input.y[k]));
  }

  private checkStep(s: number): void {
    if (!Number.isSafeInteger(s) || s < 0)
      throw new ValidationError(`kernelRegime: step must be an integer >= 0, got ${s}`);
  }

  /** (1 - eta lambda / N)^s per eigenvalue. */
  private decay(s: number): Float64Array {
    const { eta } = this.input;
    return this.eigen.values.map((lam) => Math.pow(1 - (eta * lam) / this.N, s));
  }

  /** f_s on the training outputs. */
  trainPredictions(s: number): Float64Array {
    this.checkStep(s);
    const dz = this.decay(s).map((g, k) => g * this.z[k]);
    const r = this.eigen.applyQ(dz);
    return r.map((v, k) => v + this.input.y[k]);
  }

  /** f_s on the held-out outputs (needs `test`). */
  testPredictions(s: number): Float64Array {
    this.checkStep(s);
    const test = this.input.test;
    if (!test) throw new ValidationError('kernelRegime: no test data was given');
    const { eta } = this.input;
    const N = this.N;
    const coef = this.eigen.values.map((lam, k) => {
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
    return out;
  }

  /** R_s (and the held-out risk) at each step: the predicted risk curve. */
  riskCurve(steps: readonly number[]): KernelRegimePoint[] {
    return steps.map((s) => {
      this.checkStep(s);
      const dec = this.decay(s);
      let sq = 0;
      for (let k = 0; k < this.N; k++) sq += (dec[k] * this.z[k]) ** 2;
      const point: KernelRegimePoint = { step: s, risk: sq / (2 * this.N) };
      if (this.input.test) {
        const f = this.testPredictions(s);
        let e = 0;
        f.forEach((v, k) => (e += (v - this.input.test!.y[k]) ** 2));
        point.testRisk = e / (2 * f.length);
      }
      return point;
    });
  }
}

/**
 * The closed form for a model: K0 = the NTK at the model's initialization (W0, U0) on train (and
 * test), f0 = the network at (W0, U0), y = the targets, then `new KernelRegime`.
 */
export function kernelRegime(
  backend: Backend,
  params: ModelParams,
  train: Dataset,
  eta: number,
  test?: Dataset,
): KernelRegime {
  const init = atInit(params);
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
    ...(test ? { test: { cross: blocks.cross!, y: test.Y, f0: outputs(test) } } : {}),
  });
}
