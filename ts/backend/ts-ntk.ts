/**
 * Reference (pure TS, float64) per-sample gradients of the network output and the empirical NTK
 * Gram matrix (MODEL.md section 10). It mirrors the BPTT of ts-backend.ts exactly, with the
 * backward pass seeded by the readout (df/dh_{T-1} = c/sqrt(m)) instead of the loss residual.
 *
 * Supported: both recurrences (dense, diagonal), every activation, readout 'final' only — the
 * Gram matrix is that of the sequence-to-one output f(X) = (1/sqrt m) sum_i c_i h_{i,T-1}.
 * A readout-'all' model is refused with a clear error (its tangent kernel would be nT x nT).
 */
import { activations } from '../activations.js';
import { uLength, wLength, type Dataset, type ModelParams } from '../types.js';
import { ValidationError } from '../validate.js';
import type { Kernels } from './types.js';

function checkInputs(what: string, params: ModelParams, data: Dataset): void {
  const { spec } = params;
  if (spec.readout !== 'final') {
    throw new ValidationError(
      `${what}: readout '${spec.readout}' is not supported; per-sample gradients and the NTK Gram matrix are ` +
        `defined for the sequence-to-one output (readout 'final')`,
    );
  }
  if (data.d !== spec.d) throw new ValidationError(`${what}: data has d = ${data.d} but the model has d = ${spec.d}`);
  if (!Number.isInteger(data.n) || data.n < 1) throw new ValidationError(`${what}: data n = ${data.n} must be a positive integer`);
  if (!Number.isInteger(data.T) || data.T < 1) throw new ValidationError(`${what}: data T = ${data.T} must be a positive integer`);
  if (data.X.length !== data.n * data.T * data.d) {
    throw new ValidationError(`${what}: X has ${data.X.length} values, expected n*T*d = ${data.n * data.T * data.d}`);
  }
  if (params.W.length !== wLength(spec) || params.U.length !== uLength(spec) || params.c.length !== spec.m) {
    throw new ValidationError(`${what}: parameter arrays do not match the model spec (m = ${spec.m}, d = ${spec.d})`);
  }
}

/**
 * Gradient of f(X_j) with respect to (W, U) for every sample: n*P values, P = len(W) + len(U),
 * row j = [dW (len(W)), dU (m*d)] in the model-file layout.
 */
export function perSampleGradients(params: ModelParams, data: Dataset): Float64Array {
  checkInputs('perSampleGradients', params, data);
  const { spec, W, U, c } = params;
  const { m, d } = spec;
  const { n, T, X } = data;
  const act = activations[spec.activation];
  const dense = spec.recurrence === 'dense';
  const scale = dense ? spec.alpha / Math.sqrt(m) : spec.alpha;
  const outScale = 1 / Math.sqrt(m);
  const nw = wLength(spec);
  const P = nw + uLength(spec);
  const J = new Float64Array(n * P);
  const H = new Float64Array(T * m);
  const Dz = new Float64Array(T * m);
  const dh = new Float64Array(m);
  const dz = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    // Forward pass (same arithmetic order as ts-backend.ts forwardSample).
    for (let t = 0; t < T; t++) {
      const x0 = (j * T + t) * d;
      const prev = (t - 1) * m;
      for (let i = 0; i < m; i++) {
        let rec = 0;
        if (t > 0) {
          if (dense) for (let k = 0; k < m; k++) rec += W[i * m + k] * H[prev + k];
          else rec = W[i] * H[prev + i];
        }
        let inp = 0;
        for (let k = 0; k < d; k++) inp += U[i * d + k] * X[x0 + k];
        const z = scale * rec + inp;
        H[t * m + i] = act.f(z);
        Dz[t * m + i] = act.df(z);
      }
    }
    // Backward pass of f: dh_{T-1} = c / sqrt(m).
    const gW = J.subarray(j * P, j * P + nw);
    const gU = J.subarray(j * P + nw, (j + 1) * P);
    for (let i = 0; i < m; i++) dh[i] = c[i] * outScale;
    for (let t = T - 1; t >= 0; t--) {
      for (let i = 0; i < m; i++) dz[i] = dh[i] * Dz[t * m + i];
      const x0 = (j * T + t) * d;
      for (let i = 0; i < m; i++) {
        const g = dz[i];
        for (let k = 0; k < d; k++) gU[i * d + k] += g * X[x0 + k];
      }
      if (t > 0) {
        const prev = (t - 1) * m;
        if (dense) {
          for (let i = 0; i < m; i++) {
            const g = scale * dz[i];
            for (let k = 0; k < m; k++) gW[i * m + k] += g * H[prev + k];
          }
          dh.fill(0);
          for (let i = 0; i < m; i++) {
            const g = scale * dz[i];
            for (let k = 0; k < m; k++) dh[k] += W[i * m + k] * g;
          }
        } else {
          for (let i = 0; i < m; i++) {
            gW[i] += scale * dz[i] * H[prev + i];
            dh[i] = scale * W[i] * dz[i];
          }
        }
      }
    }
  }
  return J;
}

/** G = A A^T for a row-major n x P matrix A (symmetric, computed once per pair and mirrored). */
export function gramOfRows(A: Float64Array, n: number, P: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const ra = A.subarray(a * P, (a + 1) * P);
    for (let b = 0; b <= a; b++) {
      const rb = A.subarray(b * P, (b + 1) * P);
      let s = 0;
      for (let p = 0; p < P; p++) s += ra[p] * rb[p];
      K[a * n + b] = s;
      K[b * n + a] = s;
    }
  }
  return K;
}

/** Empirical NTK K_jk = <grad f(X_j), grad f(X_k)> = (J J^T)_jk, n*n row-major. */
export function ntkGram(params: ModelParams, data: Dataset): Float64Array {
  const J = perSampleGradients(params, data);
  return gramOfRows(J, data.n, wLength(params.spec) + uLength(params.spec));
}

export const ntkKernels: Pick<Kernels, 'perSampleGradients' | 'ntkGram'> = { perSampleGradients, ntkGram };
