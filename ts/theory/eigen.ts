/**
 * Symmetric eigendecomposition K = Q diag(lambda) Q^T in float64 without forming Q: Householder
 * tridiagonalization K = H T H^T (LAPACK dsytd2, lower triangle, (4/3) n^3 flops: a backend kernel,
 * ts/backend/ts-tridiagonal.ts or the Rust core's), then implicit QL
 * with Wilkinson shifts on T = Z diag(lambda) Z^T (the tql2 iteration of EISPACK / JAMA) with its
 * Givens rotations recorded instead of accumulated. Q = H Z is then applied to vectors in O(n^2)
 * (Q^T v and Q c): what a matrix function f(K) v = Q f(lambda) Q^T v needs, at a third of the
 * cost of accumulating Q (and several times faster than ml-matrix's Matrix-based routine).
 */
import { ValidationError } from '../core/errors.js';
import type { Kernels } from '../backend/types.js';
import { tridiagonalKernels } from '../backend/ts-tridiagonal.js';

export class SymmetricEigen {
  /** Eigenvalues, in no particular order (the order of Q's columns). */
  readonly values: Float64Array;
  private readonly reflectors: Float64Array; // row k: Householder vector of step k (entries k+1..n-1)
  private readonly tau: Float64Array;
  private readonly rotIndex: Int32Array;
  private readonly rotC: Float64Array;
  private readonly rotS: Float64Array;
  private readonly rotations: number;

  /** Decomposes the row-major n x n symmetric matrix K (only its lower triangle is read). */
  /**
   * `kernels`: whose tridiagonalization to use (a backend's `kernels`; both give bit-identical
   * results, the wasm one several times faster); default the TypeScript reference.
   */
  constructor(
    K: ArrayLike<number>,
    readonly n: number,
    kernels: Pick<Kernels, 'tridiagonalize'> = tridiagonalKernels,
  ) {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new ValidationError(`SymmetricEigen: n must be a positive integer, got ${n}`);
    if (K.length !== n * n)
      throw new ValidationError(`SymmetricEigen: the matrix has ${K.length} values, expected n*n = ${n * n}`);
    for (let k = 0; k < K.length; k++)
      if (!Number.isFinite(K[k])) throw new ValidationError(`SymmetricEigen: entry ${k} is not finite`);
    const { d, e, reflectors, tau } = kernels.tridiagonalize(K, n);
    this.reflectors = reflectors;
    this.tau = tau;
    const rot = ql(d, e, n);
    this.values = d;
    this.rotIndex = rot.index;
    this.rotC = rot.c;
    this.rotS = rot.s;
    this.rotations = rot.count;
  }

  /** Q^T v (coordinates of v in the eigenbasis). */
  applyQt(v: ArrayLike<number>): Float64Array {
    const n = this.n;
    if (v.length !== n) throw new ValidationError(`SymmetricEigen: vector has ${v.length} values, expected ${n}`);
    const x = Float64Array.from(v);
    // H^T x: the reflectors in order.
    for (let k = 0; k < n - 2; k++) reflect(x, this.reflectors, k, n, this.tau[k]);
    // Z^T x: the rotations' transposes in the order they were applied (V <- V R).
    const { rotIndex, rotC, rotS } = this;
    for (let r = 0; r < this.rotations; r++) {
      const i = rotIndex[r],
        c = rotC[r],
        s = rotS[r];
      const a = x[i],
        b = x[i + 1];
      x[i] = c * a - s * b;
      x[i + 1] = s * a + c * b;
    }
    return x;
  }

  /** Q c (back from eigen-coordinates). */
  applyQ(coords: ArrayLike<number>): Float64Array {
    const n = this.n;
    if (coords.length !== n)
      throw new ValidationError(`SymmetricEigen: vector has ${coords.length} values, expected ${n}`);
    const x = Float64Array.from(coords);
    const { rotIndex, rotC, rotS } = this;
    for (let r = this.rotations - 1; r >= 0; r--) {
      const i = rotIndex[r],
        c = rotC[r],
        s = rotS[r];
      const a = x[i],
        b = x[i + 1];
      x[i] = c * a + s * b;
      x[i + 1] = -s * a + c * b;
    }
    for (let k = n - 3; k >= 0; k--) reflect(x, this.reflectors, k, n, this.tau[k]);
    return x;
  }
}

/** x[k+1..] -= tau v (v^T x[k+1..]) with v the stored reflector k (v_{k+1} = 1). */
function reflect(x: Float64Array, V: Float64Array, k: number, n: number, tau: number): void {
  if (tau === 0) return;
  const o = k * n;
  let dot = 0;
  for (let i = k + 1; i < n; i++) dot += V[o + i] * x[i];
  dot *= tau;
  for (let i = k + 1; i < n; i++) x[i] -= dot * V[o + i];
}

/** Implicit QL on the tridiagonal (d, e) (JAMA tql2 without sorting); returns the rotations V <- V R. */
function ql(d: Float64Array, eIn: Float64Array, n: number) {
  // tql2 uses e shifted by one: e[i] couples i-1 and i.
  const e = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i - 1] = eIn[i - 1];
  let cap = Math.max(16, 4 * n * n);
  let index = new Int32Array(cap),
    cs = new Float64Array(cap),
    ss = new Float64Array(cap);
  let count = 0;
  const push = (i: number, c: number, s: number) => {
    if (count === cap) {
      cap *= 2;
      const [a, b, g] = [new Int32Array(cap), new Float64Array(cap), new Float64Array(cap)];
      a.set(index);
      b.set(cs);
      g.set(ss);
      [index, cs, ss] = [a, b, g];
    }
    index[count] = i;
    cs[count] = c;
    ss[count] = s;
    count++;
  };
  let f = 0,
    tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('SymmetricEigen: the QL iteration did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1,
          c2 = c,
          c3 = c;
        const el1 = e[l + 1];
        let s = 0,
          s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          push(i, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
  return { index, c: cs, s: ss, count };
}
