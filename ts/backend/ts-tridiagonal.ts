/**
 * Householder tridiagonalization of a symmetric float64 matrix, the reference of
 * `crates/rnn-core/src/tridiagonal.rs` (bit-identical: the same IEEE operations in the same order,
 * each row sum split into partial sums over even and odd columns as the 2-lane SIMD code does).
 * The first, (4/3) n^3-flop step of SymmetricEigen (ts/theory/eigen.ts).
 */
import { checkSquareMatrix } from './checks.js';
import type { Kernels, Tridiagonal } from './types.js';

/**
 * K = H T H^T for the row-major n x n symmetric K (only its lower triangle is read): d and e the
 * diagonal and subdiagonal of T, H = H_0 ... H_{n-3}, H_k = I - tau_k v_k v_k^T with v_k in row k
 * of `reflectors` (see Tridiagonal). Step k needs p = tau_k A22 v_k, then A22 -= v w^T + w v^T;
 * step k's update and step k+1's product share one pass over the trailing triangle (column k+1 is
 * updated first, which gives v_{k+1}): half the memory traffic of doing them one after the other.
 */
export function tridiagonalize(K: ArrayLike<number>, n: number): Tridiagonal {
  checkSquareMatrix(K, n, 'tridiagonalize');
  const A = Float64Array.from(K);
  const d = new Float64Array(n),
    e = new Float64Array(n),
    V = new Float64Array(n * n),
    tau = new Float64Array(n);
  const p = new Float64Array(n),
    w = new Float64Array(n),
    zero = new Float64Array(n);
  for (let r = 0; n >= 3 && r < n - 1; r++) {
    // Finish reflector r - 1: w = p - (tau/2)(p^T v) v, then its update of column r.
    if (r > 0) {
      const o = (r - 1) * n;
      let pv = 0;
      for (let i = r; i < n; i++) pv += p[i] * V[o + i];
      const half = 0.5 * tau[r - 1] * pv;
      for (let i = r; i < n; i++) w[i] = p[i] - half * V[o + i];
      const vc = V[o + r],
        wc = w[r];
      for (let i = r; i < n; i++) A[i * n + r] -= V[o + i] * wc + w[i] * vc;
    }
    const next = r < n - 2;
    if (next) householder(A, n, r, d, e, V, tau);
    // The pass over A[r+1.., r+1..]: reflector r-1's update (none at r = 0), reflector r's product.
    const vk = r > 0 ? V.subarray((r - 1) * n, r * n) : zero;
    const u = next ? V.subarray(r * n, (r + 1) * n) : zero;
    trailingPass(A, n, r + 1, vk, r > 0 ? w : zero, u, p);
    if (next) {
      const t = tau[r];
      for (let i = r + 1; i < n; i++) p[i] *= t;
    }
  }
  if (n >= 2) {
    d[n - 2] = A[(n - 2) * n + n - 2];
    e[n - 2] = A[(n - 1) * n + n - 2];
  }
  d[n - 1] = A[(n - 1) * n + n - 1];
  e[n - 1] = 0;
  return { d, e, reflectors: V, tau };
}

/** The reflector of step k from the (already updated) column A[k+1.., k]; none (tau 0) for a zero column. */
function householder(
  A: Float64Array,
  n: number,
  k: number,
  d: Float64Array,
  e: Float64Array,
  V: Float64Array,
  tau: Float64Array,
): void {
  let sigma = 0;
  for (let i = k + 2; i < n; i++) {
    const x = A[i * n + k];
    sigma += x * x;
  }
  const x0 = A[(k + 1) * n + k];
  d[k] = A[k * n + k];
  if (sigma === 0) {
    e[k] = x0;
    tau[k] = 0;
    return;
  }
  const norm = Math.sqrt(x0 * x0 + sigma);
  const beta = x0 <= 0 ? norm : -norm;
  const v0 = x0 - beta;
  tau[k] = -v0 / beta;
  const o = k * n;
  V[o + k + 1] = 1;
  for (let i = k + 2; i < n; i++) V[o + i] = A[i * n + k] / v0;
  e[k] = beta;
}

/** Rows i >= lo, columns lo <= j <= i: a_ij -= v_i w_j + w_i v_j, then p = A u over the updated triangle. */
function trailingPass(
  A: Float64Array,
  n: number,
  lo: number,
  v: Float64Array,
  w: Float64Array,
  u: Float64Array,
  p: Float64Array,
): void {
  for (let i = lo; i < n; i++) p[i] = 0;
  for (let i = lo; i < n; i++) {
    const row = i * n,
      vi = v[i],
      wi = w[i],
      ui = u[i];
    let s0 = 0,
      s1 = 0,
      j = lo;
    for (; j + 2 <= i; j += 2) {
      const x0 = A[row + j] - (vi * w[j] + wi * v[j]);
      const x1 = A[row + j + 1] - (vi * w[j + 1] + wi * v[j + 1]);
      A[row + j] = x0;
      A[row + j + 1] = x1;
      s0 += x0 * u[j];
      s1 += x1 * u[j + 1];
      p[j] += x0 * ui;
      p[j + 1] += x1 * ui;
    }
    if (j < i) {
      const x = A[row + j] - (vi * w[j] + wi * v[j]);
      A[row + j] = x;
      s0 += x * u[j];
      p[j] += x * ui;
    }
    const x = A[row + i] - (vi * w[i] + wi * v[i]);
    A[row + i] = x;
    p[i] += s0 + s1 + x * ui;
  }
}

export const tridiagonalKernels: Pick<Kernels, 'tridiagonalize'> = { tridiagonalize };
