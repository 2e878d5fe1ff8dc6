/** Infinite-width NTK and NNGP of the diagonal model (ts/theory/infinite-width.ts). */
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { getBackend } from '../../ts/backend/index.js';
import { forwardSequence, sequenceScratch } from '../../ts/backend/reference-rnn.js';
import { initialize } from '../../ts/train/init.js';
import {
  finalStates,
  haltonParticles,
  infiniteWidthKernel,
  normalQuantile,
  widthConvergence,
} from '../../ts/theory/infinite-width.js';
import { relativeDrift, sampleParticles } from '../../ts/theory/ntk.js';
import { randomData } from '../helpers.js';

const spec = { activation: 'tanh' as const, alpha: 0.7, d: 3 };
const data = randomData(6, 5, 3, 'final', 'iw');

describe('building blocks', () => {
  it('normalQuantile matches known quantiles', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    expect(normalQuantile(1 - 1e-10)).toBeCloseTo(6.361340902404056, 6);
  });

  it('Halton particles have the moments of P_0 (w uniform on [-1, 1], u standard normal)', () => {
    const { w, u } = haltonParticles(4096, 3, 1);
    const mean = (a: ArrayLike<number>, f: (x: number) => number) =>
      Array.from(a, f).reduce((s, x) => s + x, 0) / a.length;
    expect(Math.abs(mean(w, (x) => x))).toBeLessThan(2e-3);
    expect(mean(w, (x) => x * x)).toBeCloseTo(1 / 3, 2);
    expect(Math.abs(mean(u, (x) => x))).toBeLessThan(5e-3);
    expect(mean(u, (x) => x * x)).toBeCloseTo(1, 1);
  });

  it('finalStates are the last hidden states of the reference recurrence', () => {
    const p = sampleParticles(5, 3, 2);
    const H = finalStates(spec, p, data);
    const model = {
      recurrence: 'diagonal' as const,
      activation: 'tanh' as const,
      readout: 'final' as const,
      m: 5,
      d: 3,
      alpha: 0.7,
    };
    const s = sequenceScratch(5, data.T);
    for (let j = 0; j < data.n; j++) {
      forwardSequence(model, p.w, p.u, data.X, j, data.T, s);
      for (let k = 0; k < 5; k++) expect(H[j * 5 + k]).toBeCloseTo(s.H[(data.T - 1) * 5 + k], 14);
    }
  });
});

describe('Monte-Carlo kernels with standard errors', () => {
  const backend = tsBackend();
  const est = (kind: 'ntk' | 'nngp', M: number, sampling: 'iid' | 'halton' = 'iid', seed = 0) =>
    infiniteWidthKernel(backend, spec, data, { kind, M, sampling, seed, groups: 16 });

  it('the NNGP error shrinks like 1/sqrt(M): estimated standard errors and the distance to a large reference', () => {
    const small = est('nngp', 256),
      large = est('nngp', 4096);
    const ratio = small.relativeError / large.relativeError;
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(6.5);
    const reference = est('nngp', 65536, 'halton', 9).K;
    const errors = [256, 4096].map((M) => {
      // Mean over seeds of the actual relative error, against the reference.
      let s = 0;
      for (let seed = 1; seed <= 4; seed++) s += relativeDrift(reference, est('nngp', M, 'iid', seed).K);
      return s / 4;
    });
    expect(errors[0] / errors[1]).toBeGreaterThan(2);
    expect(errors[0] / errors[1]).toBeLessThan(8);
    // The standard errors describe the actual error (same order of magnitude).
    expect(errors[1] / large.relativeError).toBeGreaterThan(0.3);
    expect(errors[1] / large.relativeError).toBeLessThan(3);
  });

  it('the kernels are symmetric and PSD; Halton draws lower the error of both', () => {
    for (const kind of ['ntk', 'nngp'] as const) {
      const iid = est(kind, 2048),
        qmc = est(kind, 2048, 'halton');
      expect(qmc.relativeError).toBeLessThan(iid.relativeError);
      const n = data.n;
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) expect(iid.K[a * n + b]).toBe(iid.K[b * n + a]);
      expect(iid.K.every((v, k) => k % (n + 1) !== 0 || v > 0)).toBe(true);
    }
  });

  it('an identically zero kernel (all-zero inputs, tanh) has relative error 0, not NaN', () => {
    const zero = { ...data, X: new Float64Array(data.X.length) };
    for (const kind of ['ntk', 'nngp'] as const) {
      const est = infiniteWidthKernel(backend, spec, zero, { kind, M: 64, groups: 16 });
      expect(est.K.every((v) => v === 0)).toBe(true);
      expect(est.relativeError).toBe(0);
    }
  });

  it('refuses bad options', () => {
    expect(() => infiniteWidthKernel(backend, spec, data, { kind: 'ntk', M: 8, groups: 16 })).toThrow(/M must be/);
    expect(() => infiniteWidthKernel(backend, spec, data, { kind: 'x' as 'ntk', M: 64 })).toThrow(/kind/);
    expect(() => infiniteWidthKernel(backend, spec, data, { kind: 'ntk', M: 64, groups: 1 })).toThrow(/groups/);
  });
});

describe('the empirical NTK approaches the infinite-width NTK', () => {
  it('||K_m - K_inf||_F / ||K_inf||_F falls about like 1/sqrt(m)', async () => {
    const backend = await getBackend('wasm');
    const Kinf = infiniteWidthKernel(backend, spec, data, { kind: 'ntk', M: 32768, sampling: 'halton' }).K;
    const init = (m: number) =>
      initialize({ recurrence: 'diagonal', activation: 'tanh', m, d: 3, alpha: 0.7 }, { seed: 3 });
    const [a, b, c] = widthConvergence(backend, init, [16, 256, 4096], data, Kinf).map((r) => r.relativeDistance);
    expect(b).toBeLessThan(a);
    expect(c).toBeLessThan(b);
    expect(a / c).toBeGreaterThan(5); // 1/sqrt(m) predicts 16
  });
});
