/**
 * The dense experiments: E1-dense and E4-dense are the diagonal experiments' points with the dense
 * recurrence and the dense teacher; E2-dense places alpha by the mean-field factor and labels each
 * network by e^lambda; the spectral radius of W(0)/sqrt(m) is 1 where the operator norm is 2 (halves)
 * or 1 + sqrt(2) (paired); a dense point records the measured memory quantities.
 */
import { describe, expect, it } from 'vitest';
import { getExperiment, planSweep } from '../../dist/experiments/index.js';
import { runPoint } from '../../dist/experiments/point.js';
import { recurrentRadius, wBar } from '../../dist/core/metrics.js';
import { initialize } from '../../dist/train/init.js';
import { tsBackend } from '../../dist/backend/ts-backend.js';

describe('dense variants', () => {
  it('E1-dense and E4-dense are their base sweeps with the dense model and teacher', () => {
    for (const [id, base] of [['E4-dense', 'E4']] as const) {
      const exp = getExperiment(id);
      const baseExp = getExperiment(base);
      expect(exp.search).toEqual(baseExp.search);
      for (const size of ['quick', 'full'] as const) {
        const points = planSweep(exp, size);
        const baseGroups = new Set(planSweep(baseExp, size).map((p) => p.group.slice(base.length)));
        expect(points.length).toBeGreaterThan(0);
        for (const p of points) {
          expect(p.id.startsWith(`${id}/`)).toBe(true);
          expect(p.model.recurrence).toBe('dense');
          expect(p.data.system).toBe('dense-teacher');
          expect((p.data as { alpha?: number }).alpha).toBe(p.model.alpha); // a dense-teacher config (checked above)
          // the same configuration exists in the base sweep
          expect(baseGroups.has(p.group.slice(id.length))).toBe(true);
        }
      }
      expect(exp.setting('quick')).toMatch(/Dense RNN/);
    }
  });

  it("E1-dense keeps E1's previous design (nested data, eps 0.005, search from the smallest width), cut to dense costs", () => {
    const exp = getExperiment('E1-dense');
    expect(exp.search).toEqual({ param: 'm' });
    for (const size of ['quick', 'full'] as const) {
      const points = planSweep(exp, size);
      expect(points.length).toBeGreaterThan(0);
      for (const p of points) {
        expect(p.model.recurrence).toBe('dense');
        expect(p.data.system).toBe('dense-teacher');
        expect(p.measure.eps).toBe(0.005);
        expect(p.dataSeed).toMatch(/^E1-dense\/data\/\d+$/); // one data stream per seed: nested across n
      }
      const ms = points.map((p) => Number(p.params.m));
      const ns = points.map((p) => Number(p.params.n));
      expect(Math.max(...ms)).toBeLessThanOrEqual(size === 'full' ? 256 : 64);
      expect(Math.max(...ns)).toBeLessThanOrEqual(size === 'full' ? 8192 : 2048);
    }
    expect(exp.setting('full')).toMatch(/shared across n within a seed/);
  });

  it('E2-dense places alpha by the mean-field factor, fixes the width, runs T to 128 below the cutoff and a linear grid above it (full), and measures e^lambda', () => {
    const exp = getExperiment('E2-dense');
    expect(exp.search).toBeUndefined();
    for (const size of ['quick', 'full'] as const) {
      const points = planSweep(exp, size);
      expect(new Set(points.map((p) => p.params.m)).size).toBe(1);
      const Ts = points.map((p) => Number(p.params.T));
      expect(Math.max(...Ts)).toBe(size === 'full' ? 128 : 32);
      if (size === 'full') {
        // above the cutoff a linear grid (the cutoff rule's power on geometric grids is low): equal steps, 8 values
        const long = points.filter((p) => Number(p.params.factor) >= 1).map((p) => Number(p.params.T));
        const grid = [...new Set(long)].sort((a, b) => a - b);
        expect(grid.length).toBe(8);
        for (let i = 1; i < grid.length; i++) expect(grid[i] - grid[i - 1]).toBe(grid[1] - grid[0]);
        expect(Math.max(...points.filter((p) => Number(p.params.factor) < 1).map((p) => Number(p.params.T)))).toBe(128);
        // the step size per cell: the best of a geometric grid reaching well below eta = 1
        for (const p of points) expect((p.eta as { grid: number[] }).grid).toEqual([1, 0.2, 0.04, 0.008]);
        expect(exp.setting('full')).toMatch(/Given up for cost/);
      }
      const byFactor = new Map(points.map((p) => [Number(p.params.factor), Number(p.params.alpha)]));
      const factors = [...byFactor.keys()].sort((a, b) => a - b);
      expect(factors[0]).toBeLessThan(0.75); // well below 1 ...
      expect(factors.at(-1)).toBeGreaterThan(1.25); // ... to well above
      expect(factors.some((f) => Math.abs(f - 1) <= 0.1)).toBe(true); // ... and one near 1
      for (const f of factors) {
        // alpha increases with the factor; the teacher shares it; the halves init (the default) is used
        expect(byFactor.get(f)).toBeGreaterThan(0);
        if (f > factors[0]) expect(byFactor.get(f)).toBeGreaterThan(byFactor.get(factors[0])!);
      }
      for (const p of points) {
        expect(p.model.recurrence).toBe('dense');
        expect(p.data.system).toBe('dense-teacher');
        expect(p.measure.memory).toBe(true);
        expect(p.init?.scheme).toBeUndefined();
      }
    }
    expect(exp.claim).toMatch(/Lyapunov/);
    expect(exp.setting('quick')).toMatch(/critical alpha 1\.[5-9]/);
  });

  it('the dense init has spectral radius ~1 and operator norm ~2 (halves) or ~1 + sqrt(2) (paired), scaled by 1/sqrt(m)', () => {
    const m = 128;
    // halves: G/sqrt(m/2) twice (circular law radius 1, norm 2); paired: [G; G]/sqrt(m), norm sqrt(2)(1/sqrt(2) + 1).
    for (const [scheme, lo, hi] of [
      ['halves', 1.75, 2.15],
      ['paired', 2.15, 2.7],
    ] as const) {
      for (let s = 0; s < 3; s++) {
        const p = initialize(
          { recurrence: 'dense', activation: 'tanh', readout: 'final', m, d: 2, alpha: 1 },
          { seed: s, scheme },
        );
        const r = recurrentRadius(p.spec, p.W);
        const n = wBar(p.spec, p.W, { exact: true });
        (expect(r).toBeGreaterThan(0.85), expect(r).toBeLessThan(1.2));
        (expect(n).toBeGreaterThan(lo), expect(n).toBeLessThan(hi));
      }
    }
    // diagonal: the radius is max |w_i|
    const d = initialize(
      { recurrence: 'diagonal', activation: 'tanh', readout: 'final', m: 8, d: 2, alpha: 1 },
      { seed: 0 },
    );
    expect(recurrentRadius(d.spec, d.W)).toBe(Math.max(...Array.from(d.W, Math.abs)));
  });

  it('a dense point with constants records the spectral radius and the measured memory decay; with memory, e^lambda', async () => {
    const exp = getExperiment('E2-dense');
    const sweep = planSweep(exp, 'quick');
    const high = sweep.find((p) => p.params.factor === 1.3 && p.params.T === 32)!;
    const low = sweep.find((p) => p.params.factor === 0.7 && p.params.T === 32)!;
    const run = (p: typeof high, constants = false) =>
      runPoint(
        { ...p, train: { ...p.train, steps: 5 }, measure: { ...p.measure, constants } },
        { backend: tsBackend() },
      );
    const r = await run(high, true);
    expect(r!.status).toBe('ok');
    expect(r!.metrics!.radius0).toBeGreaterThan(0.7);
    expect(r!.metrics!.radius0).toBeLessThan(1.6);
    expect(r!.metrics!.memoryDecay).toBeGreaterThan(0);
    expect(r!.metrics!.gradConst).toBeGreaterThan(0);
    // m = 32 is finite: e^lambda sits near the mean-field factor, on its side of 1
    expect(r!.metrics!.lyapunov0).toBeGreaterThan(1);
    expect((await run(low))!.metrics!.lyapunov0).toBeLessThan(0.9);
  });
});
