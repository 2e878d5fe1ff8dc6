/**
 * Kernel alignment, the standard measures of how much a kernel moves during training (lazy versus
 * rich regime) and how well it fits a target:
 *
 * - kernel-target alignment (Cristianini et al. 2002): A(K, y) = <K, y y^T>_F / (||K||_F ||y||^2)
 *   = y^T K y / (||K||_F ||y||^2), in [-1, 1] (in [0, 1] for a PSD K);
 * - centered kernel alignment (Cortes, Mohri & Rostamizadeh 2012):
 *   CKA(K1, K2) = <H K1 H, H K2 H>_F / (||H K1 H||_F ||H K2 H||_F), H = I - 1 1^T / n.
 *
 * Both are invariant to scaling either kernel, so K_s against K_0 measures a change of shape, not of
 * size (relativeDrift in ntk.ts measures size).
 */

function checkKernel(where: string, K: ArrayLike<number>, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new ValidationError(`${where}: n must be a positive integer, got ${n}`);
  if (K.length !== n * n)
    throw new ValidationError(`${where}: the kernel has ${K.length} values, expected n*n = ${n * n}`);
  for (let k = 0; k < K.length; k++)
    if (!Number.isFinite(K[k])) throw new ValidationError(`${where}: the kernel has a non-finite entry at ${k}`);
}

/** Kernel-target alignment y^T K y / (||K||_F ||y||^2) of a row-major n x n kernel. */
export function kernelAlignment(K: ArrayLike<number>, n: number, y: ArrayLike<number>): number {
  checkKernel('kernelAlignment', K, n);
  if (y.length !== n) throw new ValidationError(`kernelAlignment: y has ${y.length} values, expected n = ${n}`);
  let yKy = 0,
    fro = 0,
    yy = 0;
  for (let a = 0; a < n; a++) {
    yy += y[a] * y[a];
    for (let b = 0; b < n; b++) {
      yKy += y[a] * K[a * n + b] * y[b];
      fro += K[a * n + b] ** 2;
    }
  }
  if (!(fro > 0) || !(yy > 0))
    throw new ValidationError('kernelAlignment: undefined for a zero kernel or a zero target (division by 0)');
  return yKy / (Math.sqrt(fro) * yy);
}

/** H K H with H = I - 1 1^T / n: subtracts row and column means and adds back the grand mean. */
export function centerKernel(K: ArrayLike<number>, n: number): Float64Array {
  checkKernel('centerKernel', K, n);
  const row = new Float64Array(n);
  let all = 0;
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let b = 0; b < n; b++) s += K[a * n + b];
    row[a] = s / n;
    all += s;
  }
  all /= n * n;
  // K is not assumed symmetric: column means separately.
  const col = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    let s = 0;
    for (let a = 0; a < n; a++) s += K[a * n + b];
    col[b] = s / n;
  }
  const C = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) C[a * n + b] = K[a * n + b] - row[a] - col[b] + all;
  return C;
}

/** Centered kernel alignment of two row-major n x n kernels (1 for kernels equal up to a positive factor). */
export function centeredKernelAlignment(K1: ArrayLike<number>, K2: ArrayLike<number>, n: number): number {
  const C1 = centerKernel(K1, n),
    C2 = centerKernel(K2, n);
  let dot = 0,
    n1 = 0,
    n2 = 0;
  for (let k = 0; k < C1.length; k++) {
    dot += C1[k] * C2[k];
    n1 += C1[k] * C1[k];
    n2 += C2[k] * C2[k];
  }
  if (!(n1 > 0) || !(n2 > 0))
    throw new ValidationError(
      'centeredKernelAlignment: undefined when a centered kernel is 0 (a constant kernel has no centered part)',
    );
  return dot / Math.sqrt(n1 * n2);
}
import { ValidationError } from '../core/errors.js';
