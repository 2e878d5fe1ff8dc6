/** E11's measurement: the kernel-regression norm of the targets under the empirical NTK at init. */
import { describe, expect, it } from 'vitest';
import { runPoint } from '../../dist/experiments/point.js';
import { getExperiment, planSweep } from '../../dist/experiments/index.js';
import { getBackend } from '../../dist/entries/index.js';
import { kernelNorm } from '../../dist/theory/kernel-ridge.js';
import { BACKEND } from './helpers.js';

const backend = await getBackend(BACKEND);

describe('kernelNorm', () => {
  it('is y^T (K + r I)^{-1} y / n with r relative to trace(K) / n, and refuses a ridge <= 0', () => {
    // K = diag(2, 4): trace / n = 3, r = 0.1 * 3 = 0.3.
    const q = kernelNorm([2, 0, 0, 4], 2, [1, 2], 0.1);
    expect(q).toBeCloseTo((1 / 2.3 + 4 / 4.3) / 2, 12);
    expect(() => kernelNorm([2, 0, 0, 4], 2, [1, 2], 0)).toThrow(/relative ridge/);
  });
});

describe('E11 points', () => {
  it('record the estimated norm; the same targets as random labels have a larger norm than the class target', async () => {
    const p = planSweep(getExperiment('E11'), 'quick', { seeds: 1 }).find(
      (q) => q.params.target === 'class: mix' && q.params.m === 32,
    )!;
    const small = { ...p, data: { ...p.data, n: 32 }, measure: { ...p.measure, eps: 0.5 } };
    const cls = (await runPoint(small, { backend }))!.metrics!;
    const rnd = (await runPoint({ ...small, data: { ...small.data, labels: 'random' } } as typeof small, { backend }))!
      .metrics!;
    expect(cls.rkhsNorm).toBeGreaterThan(0);
    expect(rnd.rkhsNorm!).toBeGreaterThan(3 * cls.rkhsNorm!);
  });
});

describe('E11 plan', () => {
  it('searches the width needed from the reference width, where alone the norm is measured', () => {
    const exp = getExperiment('E11');
    expect(exp.search?.param).toBe('m');
    for (const [size, ref] of [
      ['quick', 32],
      ['full', 64],
    ] as const) {
      expect(exp.search?.start?.(size)).toBe(ref);
      const pts = planSweep(exp, size, { seeds: 1 });
      const ms = [...new Set(pts.map((q) => Number(q.params.m)))].sort((a, b) => a - b);
      expect(ms[0]).toBe(2);
      expect(ms.at(-1)).toBe((size === 'full' ? 4 : 2) * ref);
      for (const q of pts) expect(q.measure?.rkhsRidge !== undefined).toBe(q.params.m === ref);
    }
  });
});
