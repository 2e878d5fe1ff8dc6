/** The one interface every backend (native, wasm, ts) implements; the trainer and everything above use only this. */
import '../core/disposable.js'; // Symbol.dispose and Disposable without consumer libs
import type { ConcreteBackendName, Dataset, FloatArray, ModelParams, ModelSpec, Projection } from '../core/types.js';

export type ParamName = 'W' | 'U' | 'W0' | 'U0' | 'c' | 'gradW' | 'gradU';

export interface Backend {
  readonly name: ConcreteBackendName;
  /** Precision and features, recorded with every result (e.g. "native avx2 f32", "wasm simd128 f32", "ts float64"). */
  readonly description: string;
  /**
   * The precision of its arithmetic (networks, gradients, kernels): 'float32' for the Rust core
   * (wasm, native), 'float64' for ts, which computes in doubles whatever its storage dtype. Round-off
   * checks (the kernel regime's PSD test) read it instead of the backend's name.
   */
  readonly precision: 'float32' | 'float64';
  /**
   * Places a model's parameters on this backend. With `linearized`, the network is the model's
   * linearization at its initialization, f_lin(X; Theta) = f(X; Theta0) + <grad f(X; Theta0), Theta - Theta0>
   * (docs/spec/model.md section 10): its workspaces' outputs, loss, gradient and GD are those of f_lin.
   */
  network(params: ModelParams, opts?: NetworkOptions): Network;
  /** Tangent-feature kernels (docs/spec/model.md sections 9-10). */
  readonly kernels: Kernels;
}

export interface NetworkOptions {
  /** The linearization around (W0, U0) instead of the network (full-batch GD only). Default false. */
  linearized?: boolean;
}

/** A population of diagonal neurons theta_k = (w_k, u_k): a student's neurons or teacher particles. */
export interface Particles {
  /** recurrent weights, M values */
  w: ArrayLike<number>;
  /** input weights, M*d values, u[k*d + q] */
  u: ArrayLike<number>;
}

export interface Kernels {
  /**
   * Per-neuron tangent features phi_T(X_j; theta_i) = d h_{i,T-1} / d theta_i in R^{1+d} of the
   * diagonal recurrence (forward mode): n*M*(1+d) values, index (j*M + i)*(1+d) + q, q = 0 the w-part.
   */
  tangentFeatures(spec: TangentSpec, particles: Particles, data: Dataset): Float64Array;
  /**
   * out_j = (1/M) sum_k <v_k, phi_T(X_j; theta^k)> without storing features (transport-map teachers).
   * v has M*(1+d) values, v[k*(1+d) + q].
   */
  teacherSum(spec: TangentSpec, particles: Particles, v: ArrayLike<number>, data: Dataset): Float64Array;
  /** Per-sample gradients of f (readout final): n*P values, P = len(W) + len(U), [W part, U part] per sample. */
  perSampleGradients(params: ModelParams, data: Dataset): Float64Array;
  /** Empirical NTK Gram matrix K_jk = <grad f(X_j), grad f(X_k)> (readout final), n*n row-major. */
  ntkGram(params: ModelParams, data: Dataset): Float64Array;
  /**
   * Householder tridiagonalization (float64, bit-identical on both backends) of the row-major n x n
   * symmetric K, only its lower triangle read: the costly first step of SymmetricEigen.
   */
  tridiagonalize(K: ArrayLike<number>, n: number): Tridiagonal;
  /**
   * The exact infinite-width NTK or NNGP of the dense model on A x B (B = A when omitted), float64
   * (docs/theory.md; ts/backend/ts-dense-kernel.ts). Readout 'final': nA x nB row-major;
   * 'all': (nA T) x (nB T), row a*T + t, column b*T + s.
   */
  denseKernel(spec: DenseKernelSpec, A: Dataset, B?: Dataset): Float64Array;
}

/** What the exact dense kernel depends on besides the data. */
export interface DenseKernelSpec {
  readonly kind: 'ntk' | 'nngp';
  readonly activation: ModelSpec['activation'];
  readonly alpha: number;
  readonly readout: ModelSpec['readout'];
}

/** K = H T H^T: T tridiagonal, H = H_0 ... H_{n-3} with H_k = I - tau_k v_k v_k^T. */
export interface Tridiagonal {
  /** Diagonal of T (n values). */
  d: Float64Array;
  /** Subdiagonal of T: e[k] couples k and k+1; e[n-1] = 0. */
  e: Float64Array;
  /** Row k holds v_k (entries k+1..n-1, v_k[k+1] = 1); a zero row when tau_k = 0 (no reflection). */
  reflectors: Float64Array;
  /** The n reflector coefficients tau_k. */
  tau: Float64Array;
}

/** What the diagonal tangent features depend on besides the neurons. */
export interface TangentSpec {
  readonly activation: ModelSpec['activation'];
  readonly alpha: number;
  readonly d: number;
}

/** A model living on a backend. Free it when done (or use `using`); wasm memory is not garbage-collected. */
export interface Network extends Disposable {
  readonly spec: ModelSpec;
  readonly backend: Backend;
  /** True for the linearization at (W0, U0) (see Backend.network). */
  readonly linearized: boolean;
  /** A copy of one parameter array (default), or a live view when `view` is true. Views die with free(). */
  read(name: ParamName, opts?: { view?: boolean }): FloatArray;
  write(name: ParamName, values: ArrayLike<number>): void;
  /** Float64 copies of W, U, c, W0, U0. */
  params(): ModelParams;
  /** Projects the parameters onto the ball around (W0, U0). */
  project(projection: Projection): void;
  /** Allocates data and BPTT buffers for up to nMax sequences of length T (memory grows only here). */
  workspace(nMax: number, T: number): Workspace;
  free(): void;
}

/** What one `train(steps, ...)` call did: its steps' losses and gradient norms. */
export interface TrainSteps {
  /** Steps completed; fewer than asked only when the loss or gradient became non-finite. */
  completed: number;
  /** R(Theta(s)) before each completed step (on the mini-batch for SGD). */
  losses: Float64Array;
  /** ||grad R(Theta(s))|| before each completed step. */
  gradNorms: Float64Array;
}

export interface Workspace extends Disposable {
  readonly nMax: number;
  readonly T: number;
  /** Number of sequences currently loaded. */
  readonly n: number;
  /** Copies a data set (n <= nMax, same T and d) into the workspace. */
  setData(data: Dataset): void;
  /** Outputs on the loaded data (n values, or n*T for readout all) and the loss R. */
  forward(): { loss: number; predictions: Float64Array };
  /** Loss, with the full-data gradient left in the network's gradW/gradU. */
  lossGrad(): number;
  /**
   * Runs `steps` steps of (projected) gradient descent in one call. With `batch`, step s uses the
   * sample indices batch.indices[s*size .. (s+1)*size) (mini-batch SGD).
   */
  train(steps: number, eta: number, projection: Projection, batch?: { size: number; indices: Uint32Array }): TrainSteps;
  free(): void;
}

export const projectionRadius = (p: Projection): number => (p.kind === 'none' ? 0 : p.rho);
