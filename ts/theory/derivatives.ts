/**
 * Hand-written derivatives of the last hidden state h_{i,T-1} with respect to neuron i's own
 * parameters, for the measured constants (constants.ts; definitions in its module comment). The
 * forward pass is the reference recursion (backend/reference-rnn.ts `forwardSequence`, here also
 * keeping sigma''); what is written here is only what that recursion does not give: forward-mode
 * first and second derivatives (diagonal), the backward Jacobian and forward-over-reverse
 * Hessian-vector products (dense), and the diagonal input sensitivity. Pure float64 TypeScript.
 */
import { forwardSequence, sequenceScratch, type SequenceScratch } from '../backend/reference-rnn.js';
import { symmetricSpectralNormJacobi } from '../core/linalg.js';
import type { Rng } from '../core/rng.js';
import { recurrentScale, type Dataset, type FloatArray, type ModelParams } from '../core/types.js';

/** One sample's forward pass with second derivatives: H = h_t, Dz = sigma'(z_t), D2z = sigma''(z_t). */
export interface SecondOrderPass extends SequenceScratch {
  D2z: Float64Array;
}

export const secondOrderScratch = (m: number, T: number): SecondOrderPass => ({
  ...sequenceScratch(m, T),
  D2z: new Float64Array(T * m),
});

/** Runs sample j of X through the model into fw (all neurons) and returns fw. */
export function secondOrderForward(
  params: ModelParams,
  X: FloatArray,
  j: number,
  T: number,
  fw: SecondOrderPass = secondOrderScratch(params.spec.m, T),
): SecondOrderPass {
  forwardSequence(params.spec, params.W, params.U, X, j, T, fw, fw.D2z);
  return fw;
}

// ---------------------------------------------------------------------------------------------
// Diagonal model: forward-mode first and second derivatives of one neuron.

export interface DiagonalNeuronScratch {
  g: Float64Array;
  dz: Float64Array;
  Hh: Float64Array;
  Hz: Float64Array;
  Hs: Float64Array;
}

/** Scratch for diagonalNeuron: k = 1 + d derivatives and k x k Hessians. */
export function diagonalScratch(d: number): DiagonalNeuronScratch {
  const k = 1 + d;
  return {
    g: new Float64Array(k),
    dz: new Float64Array(k),
    Hh: new Float64Array(k * k),
    Hz: new Float64Array(k * k),
    Hs: new Float64Array(k * k),
  };
}

/**
 * Neuron i of the diagonal model on sample j (fw: its forward pass): returns ||grad||, |d h/d w|,
 * ||d h/d u|| and (when withHessian) the spectral norm of the Hessian of h_{T-1} w.r.t. theta = (w, u);
 * leaves the gradient in s.g and the Hessian in s.Hh.
 *   dz_t = (alpha h_{t-1}, x_t) + alpha w g_{t-1};  Hz_t = alpha w Hh_{t-1} + alpha (e_w g_{t-1}^T + g_{t-1} e_w^T)
 *   g_t = sigma'(z_t) dz_t;  Hh_t = sigma''(z_t) dz_t dz_t^T + sigma'(z_t) Hz_t
 */
export function diagonalNeuron(
  params: ModelParams,
  fw: SecondOrderPass,
  X: ArrayLike<number>,
  j: number,
  T: number,
  i: number,
  withHessian: boolean,
  s: DiagonalNeuronScratch,
): { grad: number; gradW: number; gradU: number; hess: number } {
  const { m, d, alpha } = params.spec;
  const k = 1 + d;
  const aw = alpha * params.W[i];
  const { g, dz, Hh, Hz, Hs } = s;
  g.fill(0);
  Hh.fill(0);
  for (let t = 0; t < T; t++) {
    const x0 = (j * T + t) * d;
    const h = t > 0 ? fw.H[(t - 1) * m + i] : 0;
    dz[0] = alpha * h + aw * g[0];
    for (let q = 1; q < k; q++) dz[q] = X[x0 + q - 1] + aw * g[q];
    const s1 = fw.Dz[t * m + i];
    if (withHessian) {
      for (let p = 0; p < k * k; p++) Hz[p] = aw * Hh[p];
      for (let q = 0; q < k; q++) {
        Hz[q] += alpha * g[q];
        Hz[q * k] += alpha * g[q];
      }
      const s2 = fw.D2z[t * m + i];
      for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) Hh[p * k + q] = s2 * dz[p] * dz[q] + s1 * Hz[p * k + q];
    }
    for (let q = 0; q < k; q++) g[q] = s1 * dz[q];
  }
  let gu2 = 0;
  for (let q = 1; q < k; q++) gu2 += g[q] * g[q];
  let hess = 0;
  if (withHessian) {
    Hs.set(Hh);
    hess = symmetricSpectralNormJacobi(Hs, k);
  }
  return { grad: Math.sqrt(g[0] * g[0] + gu2), gradW: Math.abs(g[0]), gradU: Math.sqrt(gu2), hess };
}

/**
 * Adds sum_i ||d h_{i,T-1}/d x_t||^2 into sens[t] (diagonal model, sample fw), where
 * d h_{i,T-1}/d x_t = (prod_{s>t} alpha w_i sigma'(z_s)) sigma'(z_t) u_i.
 */
export function diagonalSensitivity(params: ModelParams, fw: SequenceScratch, T: number, sens: Float64Array): void {
  const { m, d, alpha } = params.spec;
  for (let i = 0; i < m; i++) {
    let un = 0;
    for (let q = 0; q < d; q++) un += params.U[i * d + q] ** 2;
    let prod = 1;
    for (let t = T - 1; t >= 0; t--) {
      const b = prod * fw.Dz[t * m + i];
      sens[t] += b * b * un;
      prod = b * alpha * params.W[i];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dense model: the backward Jacobian and forward-over-reverse Hessian-vector products.

export interface DenseHvpScratch {
  hd: Float64Array;
  zd: Float64Array;
  dh: Float64Array;
  dhd: Float64Array;
  dz: Float64Array;
  dzd: Float64Array;
}

export const denseScratch = (m: number, T: number): DenseHvpScratch => ({
  hd: new Float64Array(T * m),
  zd: new Float64Array(T * m),
  dh: new Float64Array(m),
  dhd: new Float64Array(m),
  dz: new Float64Array(m),
  dzd: new Float64Array(m),
});

/**
 * Hessian-vector product of h_{i,T-1} w.r.t. theta_i = (W_{i,:}, U_{i,:}) in direction v (m+d values),
 * by forward-over-reverse: a tangent forward pass (z-dot, h-dot), then BPTT of h_{i,T-1} carrying
 * tangents. Writes the product into out (m+d). The tangent pass keeps z-dot, which the reference
 * tangentSequence does not (it gives h-dot = sigma' z-dot only), hence its own loop.
 */
function denseHvp(
  params: ModelParams,
  fw: SecondOrderPass,
  X: ArrayLike<number>,
  j: number,
  T: number,
  i: number,
  v: Float64Array,
  out: Float64Array,
  scratch: DenseHvpScratch,
): void {
  const { spec, W } = params;
  const { m, d } = spec;
  const scale = recurrentScale(spec);
  const { H, Dz: S1, D2z: S2 } = fw;
  const { hd, zd, dh, dhd, dz, dzd } = scratch;
  // Tangent forward: zd_t = scale (W hd_{t-1} + e_i <vW, h_{t-1}>) + e_i <vU, x_t>;  hd_t = sigma'(z_t) zd_t.
  for (let t = 0; t < T; t++) {
    const x0 = (j * T + t) * d;
    const prev = (t - 1) * m;
    for (let r = 0; r < m; r++) {
      let rec = 0;
      if (t > 0) for (let k = 0; k < m; k++) rec += W[r * m + k] * hd[prev + k];
      zd[t * m + r] = scale * rec;
    }
    let extra = 0;
    if (t > 0) for (let k = 0; k < m; k++) extra += scale * v[k] * H[prev + k];
    for (let k = 0; k < d; k++) extra += v[m + k] * X[x0 + k];
    zd[t * m + i] += extra;
    for (let r = 0; r < m; r++) hd[t * m + r] = S1[t * m + r] * zd[t * m + r];
  }
  // Reverse with tangents: dh_{T-1} = e_i, dhd_{T-1} = 0.
  out.fill(0);
  dh.fill(0);
  dhd.fill(0);
  dh[i] = 1;
  for (let t = T - 1; t >= 0; t--) {
    for (let r = 0; r < m; r++) {
      const q = t * m + r;
      dz[r] = dh[r] * S1[q];
      dzd[r] = dhd[r] * S1[q] + dh[r] * S2[q] * zd[q];
    }
    const x0 = (j * T + t) * d;
    for (let k = 0; k < d; k++) out[m + k] += dzd[i] * X[x0 + k];
    if (t > 0) {
      const prev = (t - 1) * m;
      for (let k = 0; k < m; k++) out[k] += scale * (dzd[i] * H[prev + k] + dz[i] * hd[prev + k]);
      // dh_{t-1} = scale W^T dz;  dhd_{t-1} = scale (W^T dzd + vW dz_i)
      dh.fill(0);
      dhd.fill(0);
      for (let r = 0; r < m; r++) {
        const a = scale * dz[r],
          b = scale * dzd[r];
        if (a === 0 && b === 0) continue;
        for (let k = 0; k < m; k++) {
          dh[k] += W[r * m + k] * a;
          dhd[k] += W[r * m + k] * b;
        }
      }
      for (let k = 0; k < m; k++) dhd[k] += scale * v[k] * dz[i];
    }
  }
}

/**
 * Spectral-norm estimate of the Hessian of h_{i,T-1} (dense model, sample fw) by power iteration:
 * lambda_k = ||H v_k|| with v_k = H^k v_0 / ||H^k v_0|| from a normal start drawn from rng, which
 * never exceeds ||H||. Stops after `iterations` steps or when ||H v|| changes by at most tol relatively.
 */
export function denseHessianNorm(
  params: ModelParams,
  fw: SecondOrderPass,
  X: ArrayLike<number>,
  j: number,
  T: number,
  i: number,
  rng: Rng,
  iterations: number,
  tol: number,
  scratch: DenseHvpScratch & { v: Float64Array; hv: Float64Array },
): number {
  const { v, hv } = scratch;
  const P = v.length;
  let nv = 0;
  for (let p = 0; p < P; p++) {
    v[p] = rng.normal();
    nv += v[p] * v[p];
  }
  nv = Math.sqrt(nv);
  for (let p = 0; p < P; p++) v[p] /= nv;
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    denseHvp(params, fw, X, j, T, i, v, hv, scratch);
    let nh = 0;
    for (let p = 0; p < P; p++) nh += hv[p] * hv[p];
    nh = Math.sqrt(nh);
    const prevLambda = lambda;
    lambda = Math.max(lambda, nh);
    if (nh === 0) break;
    for (let p = 0; p < P; p++) v[p] = hv[p] / nh;
    if (it > 0 && Math.abs(nh - prevLambda) <= tol * nh) break;
  }
  return lambda;
}

/**
 * Backward Jacobian of the dense model for sample fw: B_t = d h_{T-1} / d z_t (m x m), from
 * B_{T-1} = diag(S1_{T-1}) and B_{t-1} = B_t scale W diag(S1_{t-1}). Returns each neuron's gradient
 * w.r.t. its own rows (m*(m+d): [W_{i,:}, U_{i,:}] per neuron, from the diagonal of B_t) and,
 * when `sens` is given, writes ||B_t U||_F / sqrt(m) into sens (per t).
 */
export function denseBackward(
  params: ModelParams,
  fw: SequenceScratch,
  X: ArrayLike<number>,
  j: number,
  T: number,
  sens: Float64Array | null,
): Float64Array {
  const { spec, W, U } = params;
  const { m, d } = spec;
  const scale = recurrentScale(spec);
  const { H, Dz: S1 } = fw;
  const grads = new Float64Array(m * (m + d));
  // A = d h_{T-1} / d h_t (m x m, row-major); B = A diag(S1_t).
  let A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) A[i * m + i] = 1;
  const B = new Float64Array(m * m);
  let next = new Float64Array(m * m);
  for (let t = T - 1; t >= 0; t--) {
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) B[r * m + c] = A[r * m + c] * S1[t * m + c];
    const x0 = (j * T + t) * d;
    for (let i = 0; i < m; i++) {
      const b = B[i * m + i];
      const gi = i * (m + d);
      for (let k = 0; k < d; k++) grads[gi + m + k] += b * X[x0 + k];
      if (t > 0) {
        const prev = (t - 1) * m;
        for (let k = 0; k < m; k++) grads[gi + k] += scale * b * H[prev + k];
      }
    }
    if (sens) {
      let fro = 0;
      for (let r = 0; r < m; r++) {
        for (let q = 0; q < d; q++) {
          let s = 0;
          for (let c = 0; c < m; c++) s += B[r * m + c] * U[c * d + q];
          fro += s * s;
        }
      }
      sens[t] = Math.sqrt(fro / m);
    }
    if (t > 0) {
      // A_{t-1} = B_t scale W
      next.fill(0);
      for (let r = 0; r < m; r++) {
        for (let c = 0; c < m; c++) {
          const b = scale * B[r * m + c];
          if (b === 0) continue;
          for (let k = 0; k < m; k++) next[r * m + k] += b * W[c * m + k];
        }
      }
      const tmp = A;
      A = next;
      next = tmp;
    }
  }
  return grads;
}

// ---------------------------------------------------------------------------------------------
// Single-neuron entry points, exported for tests.

/** The Hessian-vector product of h_{i,T-1}(X_j) w.r.t. neuron i's rows (dense model). */
export function denseNeuronHvp(
  params: ModelParams,
  data: Dataset,
  j: number,
  i: number,
  v: ArrayLike<number>,
): Float64Array {
  const { m, d } = params.spec;
  const fw = secondOrderForward(params, data.X, j, data.T);
  const out = new Float64Array(m + d);
  denseHvp(params, fw, data.X, j, data.T, i, Float64Array.from(v), out, denseScratch(m, data.T));
  return out;
}

/**
 * Gradient of h_{i,T-1}(X_j) w.r.t. neuron i's own parameters,
 * [w_i, u_i] (diagonal, 1+d values) or [W_{i,:}, U_{i,:}] (dense, m+d values).
 */
export function neuronGradient(params: ModelParams, data: Dataset, j: number, i: number): Float64Array {
  const { m, d } = params.spec;
  const fw = secondOrderForward(params, data.X, j, data.T);
  if (params.spec.recurrence === 'diagonal') {
    const s = diagonalScratch(d);
    diagonalNeuron(params, fw, data.X, j, data.T, i, false, s);
    return s.g.slice();
  }
  return denseBackward(params, fw, data.X, j, data.T, null).slice(i * (m + d), (i + 1) * (m + d));
}

/** The exact (1+d)x(1+d) Hessian of h_{i,T-1}(X_j) w.r.t. (w_i, u_i), diagonal model. */
export function diagonalNeuronHessian(params: ModelParams, data: Dataset, j: number, i: number): Float64Array {
  const fw = secondOrderForward(params, data.X, j, data.T);
  const s = diagonalScratch(params.spec.d);
  diagonalNeuron(params, fw, data.X, j, data.T, i, true, s);
  return s.Hh.slice();
}
