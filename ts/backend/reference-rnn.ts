/**
 * The reference recursion of docs/spec/model.md sections 2 and 5 for one sequence, in plain loops: the
 * forward pass (h_t and sigma'(z_t)) and BPTT with a caller-supplied seed dL/dh_t. The ts backend
 * (loss gradients) and the reference NTK (gradients of f) are both built on it.
 */
import { activations } from '../core/activations.js';
import { recurrentScale, type FloatArray, type ModelSpec } from '../core/types.js';

/** Scratch for one sequence of length T: states and derivatives (T x m), and the backward vectors. */
export interface SequenceScratch {
  H: Float64Array;
  Dz: Float64Array;
  dh: Float64Array;
  dz: Float64Array;
}

export const sequenceScratch = (m: number, T: number): SequenceScratch => ({
  H: new Float64Array(T * m),
  Dz: new Float64Array(T * m),
  dh: new Float64Array(m),
  dz: new Float64Array(m),
});

/**
 * The float32 flush-to-zero threshold of decaying recursions, 2^-80: BPTT adjoints with
 * |dz| below it are set to 0, as in the Rust core (`crates/rnn-core/src/flush.rs`, where the
 * bound on what that changes is derived; docs/performance.md). The float32 ts path applies it for
 * parity with wasm; the float64 reference does not flush.
 */
export const FLUSH_BELOW = 2 ** -80;

/**
 * Forward pass of sequence j of X (sample-major, length T): fills s.H[t*m+i] = h_{i,t}, s.Dz = sigma'(z)
 * and, when given, D2z = sigma''(z) (the second-order derivatives of theory/derivatives.ts).
 */
export function forwardSequence(
  spec: ModelSpec,
  W: FloatArray,
  U: FloatArray,
  X: FloatArray,
  j: number,
  T: number,
  s: SequenceScratch,
  D2z?: Float64Array,
): void {
  const { m, d } = spec;
  const act = activations[spec.activation];
  const dense = spec.recurrence === 'dense';
  const scale = recurrentScale(spec);
  const { H, Dz } = s;
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
      if (D2z) D2z[t * m + i] = act.d2f(z);
    }
  }
}

/**
 * f_t = (1/sqrt m) sum_i c_i h_{i,t}, summed in the pairs (i, i + m/2): under the symmetric
 * initialization each pair is exactly zero, so f(X; Theta(0)) = 0 bit-exactly (as in the Rust core).
 */
export function readoutAt(spec: ModelSpec, c: FloatArray, H: Float64Array, t: number): number {
  const { m } = spec;
  const half = m / 2,
    base = t * m;
  let f = 0;
  for (let i = 0; i < half; i++) f += c[i] * H[base + i] + c[i + half] * H[base + i + half];
  return f / Math.sqrt(m);
}

/**
 * BPTT for sequence j after forwardSequence: for t = T-1..0, `seed(t, dh)` adds the direct
 * dL/dh_t into dh, then dz_t = dh * sigma'(z_t), gW += scale dz_t h_{t-1}^T, gU += dz_t x_t^T,
 * dh_{t-1} = scale W^T dz_t (docs/spec/model.md section 5). Accumulates into gW, gU. With `flushBelow`
 * > 0, every dz_t with |dz_t| below it is set to 0 (the float32 path: see FLUSH_BELOW).
 */
export function backwardSequence(
  spec: ModelSpec,
  W: FloatArray,
  X: FloatArray,
  j: number,
  T: number,
  s: SequenceScratch,
  seed: (t: number, dh: Float64Array) => void,
  gW: Float64Array,
  gU: Float64Array,
  flushBelow = 0,
): void {
  const { m, d } = spec;
  const dense = spec.recurrence === 'dense';
  const scale = recurrentScale(spec);
  const { H, Dz, dh, dz } = s;
  dh.fill(0);
  for (let t = T - 1; t >= 0; t--) {
    seed(t, dh);
    for (let i = 0; i < m; i++) dz[i] = dh[i] * Dz[t * m + i];
    if (flushBelow > 0) for (let i = 0; i < m; i++) if (Math.abs(dz[i]) < flushBelow) dz[i] = 0;
    const x0 = (j * T + t) * d;
    for (let i = 0; i < m; i++) {
      const g = dz[i];
      for (let k = 0; k < d; k++) gU[i * d + k] += g * X[x0 + k];
    }
    if (t === 0) break;
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

/**
 * Forward-mode pass along the direction V = (VW, VU) after forwardSequence(W0, U0) on the same
 * sequence (s.H, s.Dz at Theta0): Hdot[t*m+i] = <d h_{i,t} / d Theta, V>, by
 * dz_t = scale (VW h_{t-1} + W0 dh_{t-1}) + VU x_t, dh_t = sigma'(z_t) dz_t (docs/spec/model.md section 10).
 */
export function tangentSequence(
  spec: ModelSpec,
  W0: FloatArray,
  VW: ArrayLike<number>,
  VU: ArrayLike<number>,
  X: FloatArray,
  j: number,
  T: number,
  s: SequenceScratch,
  Hdot: Float64Array,
): void {
  const { m, d } = spec;
  const dense = spec.recurrence === 'dense';
  const scale = recurrentScale(spec);
  const { H, Dz } = s;
  for (let t = 0; t < T; t++) {
    const x0 = (j * T + t) * d;
    const prev = (t - 1) * m;
    for (let i = 0; i < m; i++) {
      let rec = 0;
      if (t > 0) {
        if (dense) for (let k = 0; k < m; k++) rec += VW[i * m + k] * H[prev + k] + W0[i * m + k] * Hdot[prev + k];
        else rec = VW[i] * H[prev + i] + W0[i] * Hdot[prev + i];
      }
      let inp = 0;
      for (let k = 0; k < d; k++) inp += VU[i * d + k] * X[x0 + k];
      Hdot[t * m + i] = Dz[t * m + i] * (scale * rec + inp);
    }
  }
}
