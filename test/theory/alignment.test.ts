/** Kernel-target and centered kernel alignment (ts/theory/alignment.ts) on hand-made kernels. */
import { describe, expect, it } from 'vitest';
import { centerKernel, centeredKernelAlignment, kernelAlignment } from '../../ts/theory/alignment.js';

const outer = (y: number[]) => y.flatMap((a) => y.map((b) => a * b));
const identity = (n: number) => Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));

describe('kernel-target alignment', () => {
  it('is 1 for K = y y^T (any positive scale) and -1 for K = -y y^T', () => {
    const y = [1, -2, 0.5, 3];
    expect(kernelAlignment(outer(y), 4, y)).toBeCloseTo(1, 14);
    expect(
      kernelAlignment(
        outer(y).map((v) => 7 * v),
        4,
        y,
      ),
    ).toBeCloseTo(1, 14);
    expect(
      kernelAlignment(
        outer(y).map((v) => -v),
        4,
        y,
      ),
    ).toBeCloseTo(-1, 14);
  });

  it('is 1/sqrt(n) for the identity and a target of equal magnitudes', () => {
    // y^T I y = n, ||I||_F = sqrt(n), ||y||^2 = n.
    expect(kernelAlignment(identity(9), 9, [1, -1, 1, 1, -1, 1, -1, -1, 1])).toBeCloseTo(1 / 3, 14);
  });

  it('is 0 for a target orthogonal to a rank-one kernel', () => {
    expect(kernelAlignment(outer([1, 1, 0]), 3, [1, -1, 5])).toBeCloseTo(0, 14);
  });

  it('refuses wrong sizes, zero kernels and non-finite entries', () => {
    expect(() => kernelAlignment([1, 0, 0], 2, [1, 1])).toThrow(/expected n\*n = 4/);
    expect(() => kernelAlignment(identity(2), 2, [1])).toThrow(/y has 1 values/);
    expect(() => kernelAlignment([0, 0, 0, 0], 2, [1, 1])).toThrow(/zero kernel/);
    expect(() => kernelAlignment([1, NaN, 0, 1], 2, [1, 1])).toThrow(/non-finite/);
  });
});

describe('centered kernel alignment', () => {
  it('centering removes constants: H (K + c 1 1^T) H = H K H, rows and columns sum to 0', () => {
    const K = [4, 1, 0, 1, 3, 2, 0, 2, 5];
    const C1 = centerKernel(K, 3);
    const C2 = centerKernel(
      K.map((v) => v + 10),
      3,
    );
    for (let k = 0; k < 9; k++) expect(C2[k]).toBeCloseTo(C1[k], 12);
    for (let a = 0; a < 3; a++) {
      expect(C1[a * 3] + C1[a * 3 + 1] + C1[a * 3 + 2]).toBeCloseTo(0, 12);
      expect(C1[a] + C1[3 + a] + C1[6 + a]).toBeCloseTo(0, 12);
    }
  });

  it('is 1 for a kernel against a positive multiple of itself plus a constant, and symmetric', () => {
    const K = [2, 1, 0, 1, 2, 1, 0, 1, 2];
    expect(
      centeredKernelAlignment(
        K,
        K.map((v) => 3 * v + 5),
        3,
      ),
    ).toBeCloseTo(1, 14);
    const L = [1, 0, 0, 0, 4, 1, 0, 1, 1];
    expect(centeredKernelAlignment(K, L, 3)).toBeCloseTo(centeredKernelAlignment(L, K, 3), 14);
  });

  it('matches a value computed by hand', () => {
    // K1 = diag(1, 0), K2 = diag(0, 1): both centre to [[1, -1], [-1, 1]] / 4, so CKA = 1; the
    // constant K2 = [[1, 1], [1, 1]] centres to 0 and CKA is undefined.
    expect(centeredKernelAlignment([1, 0, 0, 0], [0, 0, 0, 1], 2)).toBeCloseTo(1, 14);
    expect(() => centeredKernelAlignment([1, 0, 0, 0], [1, 1, 1, 1], 2)).toThrow(/constant kernel/);
    // n = 3: K1 = e1 e1^T, K2 = e2 e2^T. H e1 = (2, -1, -1)/3, H e2 = (-1, 2, -1)/3;
    // <a a^T, b b^T> = (a.b)^2 = (-3/9)^2, ||a a^T|| = |a|^2 = 6/9: CKA = (1/9) / (36/81) = 1/4.
    expect(centeredKernelAlignment([1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0, 0, 0], 3)).toBeCloseTo(0.25, 14);
  });
});
