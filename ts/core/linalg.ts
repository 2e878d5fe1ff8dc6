/**
 * Small dense linear algebra on row-major float64 arrays, one name per algorithm: spectral norms by
 * power iteration, by exact SVD and (symmetric matrices) by Jacobi rotations; the spectral radius;
 * A B^T of row-major arrays, their ml-matrix form and the square-shape check. The symmetric
 * eigensolver with eigenvectors is theory/eigen.ts.
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { ValidationError } from './errors.js';

/**
 * Spectral norm (largest singular value) of a row-major m x m matrix by `iterations` steps of power
 * iteration on A^T A from a fixed start (deterministic; a lower estimate that converges from below).
 */
export function spectralNormPower(A: ArrayLike<number>, m: number, iterations = 50): number {
  let v = new Float64Array(m);
  for (let i = 0; i < m; i++) v[i] = 1 + ((i * 7919) % 13) / 13; // fixed start: deterministic
  let sigma = 0;
  const Av = new Float64Array(m);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += A[i * m + k] * v[k];
      Av[i] = s;
    }
    const w = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const a = Av[i];
      for (let k = 0; k < m; k++) w[k] += A[i * m + k] * a;
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += w[k] * w[k];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    sigma = Math.sqrt(norm);
    for (let k = 0; k < m; k++) w[k] /= norm;
    v = w;
  }
  return sigma;
}

/** Spectral norm (largest singular value) of a row-major m x m matrix, exactly (ml-matrix's SVD, O(m^3)). */
export function spectralNormExact(W: ArrayLike<number>, m: number): number {
  const rows = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, k) => W[i * m + k]));
  const svd = new SingularValueDecomposition(new Matrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  });
  return Math.max(0, ...svd.diagonal);
}

/** Spectral radius (largest |eigenvalue|, complex eigenvalues included) of a row-major m x m matrix (ml-matrix's eigendecomposition, O(m^3)). */
export function spectralRadius(A: ArrayLike<number>, m: number): number {
  const rows = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, k) => A[i * m + k]));
  const e = new EigenvalueDecomposition(new Matrix(rows));
  let r = 0;
  for (let k = 0; k < m; k++) r = Math.max(r, Math.hypot(e.realEigenvalues[k], e.imaginaryEigenvalues[k]));
  return r;
}

/** Spectral norm (largest |eigenvalue|) of a symmetric k x k matrix, by cyclic Jacobi rotations. Destroys A. */
export function symmetricSpectralNormJacobi(A: Float64Array, k: number): number {
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0,
      diag = 0;
    for (let p = 0; p < k; p++) {
      diag += A[p * k + p] * A[p * k + p];
      for (let q = p + 1; q < k; q++) off += A[p * k + q] * A[p * k + q];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = A[p * k + q];
        if (apq === 0) continue;
        const app = A[p * k + p],
          aqq = A[q * k + q];
        const theta = (aqq - app) / (2 * apq);
        const tt = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(tt * tt + 1),
          sn = tt * cs;
        for (let r = 0; r < k; r++) {
          const arp = A[r * k + p],
            arq = A[r * k + q];
          A[r * k + p] = cs * arp - sn * arq;
          A[r * k + q] = sn * arp + cs * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = A[p * k + r],
            aqr = A[q * k + r];
          A[p * k + r] = cs * apr - sn * aqr;
          A[q * k + r] = sn * apr + cs * aqr;
        }
      }
    }
  }
  let best = 0;
  for (let p = 0; p < k; p++) best = Math.max(best, Math.abs(A[p * k + p]));
  return best;
}

/** Rows of a row-major n x n Float64Array as a Matrix. */
export function toMatrix(K: ArrayLike<number>, rows: number, cols = rows): Matrix {
  const M = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) M.set(r, c, K[r * cols + c]);
  return M;
}

/** A B^T for row-major A (nA x P) and B (nB x P): nA x nB. */
export function crossOfRows(
  A: ArrayLike<number>,
  nA: number,
  B: ArrayLike<number>,
  nB: number,
  P: number,
): Float64Array {
  const out = new Float64Array(nA * nB);
  for (let a = 0; a < nA; a++) {
    for (let b = 0; b < nB; b++) {
      let s = 0;
      for (let p = 0; p < P; p++) s += A[a * P + p] * B[b * P + p];
      out[a * nB + b] = s;
    }
  }
  return out;
}

/** Throws unless K holds an n x n matrix (n a positive integer); `what` names the caller. */
export function checkSquare(K: ArrayLike<number>, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || K.length !== n * n) {
    throw new ValidationError(
      `${what}: expected an n x n matrix with n = ${n} (${n * n} values), got ${K.length} values`,
    );
  }
}
