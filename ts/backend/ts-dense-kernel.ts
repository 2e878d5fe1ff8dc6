/**
 * Exact infinite-width kernels of the dense (Elman) model, NNGP and NTK, readout 'final' and 'all'
 * [our derivation, following Yang's Tensor Programs (NTK4A's RNN recursion) and Alemohammad et al.'s
 * RNTK (2021)], for rnn-gd's parametrization (docs/spec/model.md sections 2, 4): W_ij ~ N(0, 1)
 * scaled by alpha/sqrt(m), U rows N(0, I_d), no biases, readout (1/sqrt m) sum_i c_i h_i with c
 * fixed; the trained parameters are W and U. With (u, v) ~ N(0, [[S_{t-1,t-1}(X), S_{t-1,s-1}(X, X')], [., S_{s-1,s-1}(X')]]):
 *
 *   Sigma_{t,s} = alpha^2 E[sigma(u) sigma(v)] + <x_t, x'_s>       (the first term is 0 if t = 0 or s = 0)
 *   Theta_{t,s} = Sigma_{t,s} + alpha^2 E[sigma'(u) sigma'(v)] Theta_{t-1,s-1}
 *   NTK  K((X,t), (X',s)) = E[sigma'(z_t) sigma'(z'_s)] Theta_{t,s},   NNGP  E[sigma(z_t) sigma(z'_s)]
 *
 * (z_t, z'_s) ~ N(0, [[S_{t,t}, S_{t,s}], [., S_{s,s}]]). Readout 'final' needs only t = s = T-1 and
 * hence only the diagonal t = s (O(n^2 T) expectations); 'all' every pair (O(n^2 T^2)).
 * Why: K = sum_{t,s} <df/dz_t, df'/dz'_s> * [(alpha^2/m) <h_{t-1}, h'_{s-1}> + <x_t, x'_s>], the bracket
 * (the W and U parts of the gradient) tends to Sigma_{t,s}; under gradient independence the backward
 * sums <df/dz_t, df'/dz'_s> vanish unless t and s are equally far from their readout step and
 * multiply by alpha^2 E[sigma' sigma'] per step back. Gradient independence holds here because the
 * readout signs c have mean zero across neurons that W mixes (i.i.d. init), or because sigma is odd
 * (tanh, sin: the correction terms are odd in the forward pass); see docs/theory.md for where the
 * 'halves' init needs care. The Gaussian expectations: ts/backend/gauss-pair.ts.
 * The Rust core has the same recursion (crates/rnn-core/src/dense_kernel.rs); this is the float64 reference.
 */
import { ValidationError } from '../core/errors.js';
import { ACTIVATIONS } from '../core/activations.js';
import { checkFits } from '../core/dataset.js';
import type { Dataset } from '../core/types.js';
import { gaussPair } from './gauss-pair.js';
import type { DenseKernelSpec, Kernels } from './types.js';

/** <x_t(a), x_s(b)> of sequence a of P at step t and sequence b of Q at step s. */
const dot = (P: Dataset, a: number, t: number, Q: Dataset, b: number, s: number): number => {
  const d = P.d,
    pa = (a * P.T + t) * d,
    qb = (b * Q.T + s) * d;
  let v = 0;
  for (let k = 0; k < d; k++) v += P.X[pa + k] * Q.X[qb + k];
  return v;
};

/** Sigma_{t,t}(X, X) of every sequence: n x T. */
function diagonalVariances(spec: DenseKernelSpec, P: Dataset): Float64Array {
  const { n, T } = P,
    a2 = spec.alpha * spec.alpha;
  const q = new Float64Array(n * T);
  for (let a = 0; a < n; a++) {
    let prevHh = 0;
    for (let t = 0; t < T; t++) {
      const v = (t > 0 ? a2 * prevHh : 0) + dot(P, a, t, P, a, t);
      q[a * T + t] = v;
      prevHh = gaussPair(spec.activation, v, v, v).hh;
    }
  }
  return q;
}

/** Checks the arguments of a dense kernel (both backends) and returns its shape: rows x cols. */
export function checkDenseKernelArgs(spec: DenseKernelSpec, A: Dataset, B?: Dataset): { rows: number; cols: number } {
  const where = 'denseKernel';
  if (spec.kind !== 'ntk' && spec.kind !== 'nngp')
    throw new ValidationError(`${where}: kind must be 'ntk' or 'nngp', got '${spec.kind}'`);
  if (!Number.isFinite(spec.alpha)) throw new ValidationError(`${where}: alpha must be finite, got ${spec.alpha}`);
  if (spec.readout !== 'final' && spec.readout !== 'all')
    throw new ValidationError(`${where}: readout must be 'final' or 'all', got '${spec.readout}'`);
  if (!ACTIVATIONS.includes(spec.activation))
    throw new ValidationError(
      `${where}: activation must be one of ${ACTIVATIONS.join(', ')}, got '${spec.activation}'`,
    );
  const Q = B ?? A;
  checkFits({ d: A.d }, Q, { data: `${where}: B`, model: 'A' });
  if (Q.T !== A.T) throw new ValidationError(`${where}: A and B must have the same T, got ${A.T} and ${Q.T}`);
  for (const [name, P] of [
    ['A', A],
    ['B', Q],
  ] as const)
    for (let k = 0; k < P.X.length; k++)
      if (!Number.isFinite(P.X[k])) throw new ValidationError(`${where}: ${name} input ${k} is not finite (${P.X[k]})`);
  const per = spec.readout === 'all' ? A.T : 1;
  return { rows: A.n * per, cols: Q.n * per };
}

/**
 * The exact infinite-width NTK or NNGP of the dense model on A x B (B = A when omitted), float64.
 * Readout 'final': nA x nB row-major. Readout 'all': (nA T) x (nB T), row a*T + t, column b*T + s.
 */
export function denseKernel(spec: DenseKernelSpec, A: Dataset, B?: Dataset): Float64Array {
  const { rows, cols } = checkDenseKernelArgs(spec, A, B);
  const Q = B ?? A;
  const T = A.T,
    a2 = spec.alpha * spec.alpha,
    ntk = spec.kind === 'ntk';
  const qa = diagonalVariances(spec, A);
  const qb = B ? diagonalVariances(spec, B) : qa;
  const K = new Float64Array(rows * cols);
  const hh = new Float64Array(T * T),
    dd = new Float64Array(T * T),
    th = new Float64Array(T * T);
  for (let a = 0; a < A.n; a++) {
    for (let b = B ? 0 : a; b < Q.n; b++) {
      if (spec.readout === 'final') {
        let prevHh = 0,
          prevDd = 0,
          theta = 0;
        for (let t = 0; t < T; t++) {
          const sigma = (t > 0 ? a2 * prevHh : 0) + dot(A, a, t, Q, b, t);
          theta = sigma + (t > 0 ? a2 * prevDd * theta : 0);
          const g = gaussPair(spec.activation, qa[a * T + t], qb[b * T + t], sigma);
          prevHh = g.hh;
          prevDd = g.dd;
        }
        K[a * cols + b] = ntk ? prevDd * theta : prevHh;
        if (!B) K[b * cols + a] = K[a * cols + b];
        continue;
      }
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < T; s++) {
          const back = t > 0 && s > 0 ? (t - 1) * T + s - 1 : -1;
          const sigma = (back >= 0 ? a2 * hh[back] : 0) + dot(A, a, t, Q, b, s);
          th[t * T + s] = sigma + (back >= 0 ? a2 * dd[back] * th[back] : 0);
          const g = gaussPair(spec.activation, qa[a * T + t], qb[b * T + s], sigma);
          hh[t * T + s] = g.hh;
          dd[t * T + s] = g.dd;
          const v = ntk ? g.dd * th[t * T + s] : g.hh;
          K[(a * T + t) * cols + b * T + s] = v;
          if (!B) K[(b * T + s) * cols + a * T + t] = v;
        }
      }
    }
  }
  return K;
}

export const denseKernels: Pick<Kernels, 'denseKernel'> = { denseKernel };
