/**
 * Reference (pure TS, float64) per-sample gradients of the network output and the empirical NTK
 * Gram matrix (docs/spec/model.md section 10). It mirrors the BPTT of ts-backend.ts exactly, with the
 * backward pass seeded by the readout (df/dh_{T-1} = c/sqrt(m)) instead of the loss residual.
 *
 * Supported: both recurrences (dense, diagonal), every activation, readout 'final' only — the
 * Gram matrix is that of the sequence-to-one output f(X) = (1/sqrt m) sum_i c_i h_{i,T-1}.
 * A readout-'all' model is refused with a clear error (its tangent kernel would be nT x nT).
 */
import { ValidationError } from '../core/errors.js';
import { backwardSequence, forwardSequence, sequenceScratch } from './reference-rnn.js';
import { uLength, wLength, type Dataset, type ModelParams } from '../core/types.js';
import { parseModelSpec } from '../core/config.js';
import { checkCapacity } from './capacity.js';
import type { Kernels } from './types.js';
import { checkFits } from '../core/dataset.js';

/**
 * The inputs of per-sample gradients and the Gram matrix, checked the same way for every backend:
 * a valid readout-'final' spec, data that fits it, parameter arrays of the spec's lengths.
 */
export function checkGradientInputs(what: string, params: ModelParams, data: Dataset): void {
  parseModelSpec(params?.spec, `${what}: model spec`);
  const { spec } = params;
  if (spec.readout !== 'final') {
    throw new ValidationError(
      `${what}: readout '${spec.readout}' is not supported; per-sample gradients and the NTK Gram matrix are ` +
        `defined for the sequence-to-one output (readout 'final')`,
    );
  }
  checkFits({ d: spec.d }, data, { data: `${what}: data` });
  const lengths = { W: wLength(spec), U: uLength(spec), c: spec.m };
  for (const [name, len] of Object.entries(lengths)) {
    const arr = params[name as 'W' | 'U' | 'c'];
    if (!arr || arr.length !== len)
      throw new ValidationError(`${what}: parameter '${name}' has ${arr?.length} values, expected ${len}`);
  }
}

function checkInputs(what: string, params: ModelParams, data: Dataset): void {
  checkGradientInputs(what, params, data);
  const { spec } = params;
  // float64 per-sample gradients (n x P) and, for the Gram matrix, n x n: refused before allocation.
  const P = wLength(spec) + uLength(spec);
  checkCapacity({
    what: `${what} for n = ${data.n} sequences (${spec.recurrence}, m = ${spec.m}, d = ${spec.d}, ts backend)`,
    bytes: 8 * (data.n * P + (what === 'ntkGram' ? data.n * data.n : 0)),
    suggestion:
      'The Gram matrix needs n^2 and the per-sample gradients n*P floats: use fewer sequences n (a subsample) or a smaller model.',
    memory: 'JavaScript',
  });
}

/**
 * Gradient of f(X_j) with respect to (W, U) for every sample: n*P values, P = len(W) + len(U),
 * row j = [dW (len(W)), dU (m*d)] in the model-file layout.
 */
export function perSampleGradients(params: ModelParams, data: Dataset): Float64Array {
  checkInputs('perSampleGradients', params, data);
  const { spec, W, U, c } = params;
  const { m } = spec;
  const { n, T, X } = data;
  const nw = wLength(spec);
  const P = nw + uLength(spec);
  const J = new Float64Array(n * P);
  const scratch = sequenceScratch(m, T);
  const outScale = 1 / Math.sqrt(m);
  // The backward pass of f itself: dh_{T-1} = c / sqrt(m), nothing at earlier times.
  const seed = (t: number, dh: Float64Array) => {
    if (t === T - 1) for (let i = 0; i < m; i++) dh[i] += c[i] * outScale;
  };
  for (let j = 0; j < n; j++) {
    forwardSequence(spec, W, U, X, j, T, scratch);
    backwardSequence(
      spec,
      W,
      X,
      j,
      T,
      scratch,
      seed,
      J.subarray(j * P, j * P + nw),
      J.subarray(j * P + nw, (j + 1) * P),
    );
  }
  return J;
}

/**
 * G = A A^T for a row-major n x P matrix A (symmetric: the lower triangle is computed and mirrored).
 * Four rows of A at a time against each row b, so every row b streamed from memory serves four dot
 * products (the float64 reference, not the fast path; the Rust kernels are).
 */
export function gramOfRows(A: Float64Array, n: number, P: number): Float64Array {
  const K = new Float64Array(n * n);
  let a = 0;
  for (; a + 3 < n; a += 4) {
    const o0 = a * P,
      o1 = o0 + P,
      o2 = o1 + P,
      o3 = o2 + P;
    for (let b = 0; b <= a + 3; b++) {
      const ob = b * P;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = 0; p < P; p++) {
        const x = A[ob + p];
        s0 += A[o0 + p] * x;
        s1 += A[o1 + p] * x;
        s2 += A[o2 + p] * x;
        s3 += A[o3 + p] * x;
      }
      if (b <= a) K[a * n + b] = s0;
      if (b <= a + 1) K[(a + 1) * n + b] = s1;
      if (b <= a + 2) K[(a + 2) * n + b] = s2;
      K[(a + 3) * n + b] = s3;
    }
  }
  for (; a < n; a++) {
    const oa = a * P;
    for (let b = 0; b <= a; b++) {
      const ob = b * P;
      let s = 0;
      for (let p = 0; p < P; p++) s += A[oa + p] * A[ob + p];
      K[a * n + b] = s;
    }
  }
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) K[c * n + r] = K[r * n + c];
  return K;
}

/** Empirical NTK K_jk = <grad f(X_j), grad f(X_k)> = (J J^T)_jk, n*n row-major. */
export function ntkGram(params: ModelParams, data: Dataset): Float64Array {
  checkInputs('ntkGram', params, data);
  const J = perSampleGradients(params, data);
  return gramOfRows(J, data.n, wLength(params.spec) + uLength(params.spec));
}

export const ntkKernels: Pick<Kernels, 'perSampleGradients' | 'ntkGram'> = { perSampleGradients, ntkGram };
