/**
 * The NTK toolkit (ts/theory/ntk.ts, kernel-ridge.ts): spectrum statistics, drift, the Monte-Carlo infinite-width
 * kernel (exactness against the empirical NTK of the diagonal model, ~1/sqrt(M) convergence),
 * kernel ridge regression and the network-vs-kernel comparison.
 */
import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { initialize } from '../../ts/train/init.js';
import {
  atInit,
  concatData,
  empiricalNtk,
  gramStats,
  monteCarloKernel,
  ntkBlocks,
  ntkDrift,
  relativeDrift,
  sampleParticles,
  symmetricEigenvalues,
} from '../../ts/theory/ntk.js';
import { kernelBaseline, kernelRidgeFit, kernelRidgePredict, networkVsKernel } from '../../ts/theory/kernel-ridge.js';
import { predictionDistance } from '../../ts/core/metrics.js';
import type { ModelParams, Recurrence } from '../../ts/core/types.js';
import { randomData, relError } from '../helpers.js';

const be = tsBackend({ dtype: 'float64' });

function model(recurrence: Recurrence, m: number, d: number, alpha: number, seed: string, jitter = 0): ModelParams {
  const p = initialize({ recurrence, activation: 'tanh', readout: 'final', m, d, alpha }, { seed });
  for (let i = 0; i < p.W.length; i++) p.W[i] += jitter * Math.sin(3.1 * i + 1);
  for (let i = 0; i < p.U.length; i++) p.U[i] += jitter * Math.cos(1.7 * i + 2);
  return p;
}

const frob = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let q = 0; q < a.length; q++) s += (a[q] - b[q]) ** 2;
  return Math.sqrt(s);
};

describe('spectrum statistics', () => {
  it('agree with an independent eigendecomposition; condition is null when singular', () => {
    const p = model('dense', 8, 3, 0.9, 'stats', 0.2);
    const data = randomData(7, 5, 3, 'final', 'stats');
    const { K, stats } = empiricalNtk(be, p, data);
    const eig = new EigenvalueDecomposition(
      new Matrix(Array.from({ length: 7 }, (_, r) => Array.from(K.subarray(r * 7, r * 7 + 7)))),
      { assumeSymmetric: true },
    ).realEigenvalues;
    expect(stats.minEigenvalue).toBeCloseTo(Math.min(...eig), 12);
    expect(stats.maxEigenvalue).toBeCloseTo(Math.max(...eig), 12);
    expect(stats.trace).toBeCloseTo(
      eig.reduce((s, x) => s + x, 0),
      10,
    );
    expect(stats.condition).toBeCloseTo(stats.maxEigenvalue / stats.minEigenvalue, 6);
    expect(stats.asymmetry).toBe(0);
    expect(stats.minEigenvalue).toBeGreaterThan(0);
    expect(Array.from(symmetricEigenvalues(K, 7))).toEqual(
      Array.from(symmetricEigenvalues(K, 7)).sort((a, b) => a - b),
    );
    expect(gramStats(new Float64Array([1, 1, 1, 1]), 2).condition).toBeNull();
  });
});

describe('drift', () => {
  it('is 0 at the initialization and ||K_s - K_0||_F / ||K_0||_F otherwise', () => {
    const p = model('diagonal', 8, 2, 0.8, 'drift');
    const data = randomData(5, 6, 2, 'final', 'drift');
    expect(ntkDrift(be, p, data)).toBe(0);
    const q = model('diagonal', 8, 2, 0.8, 'drift', 0.1);
    const K0 = be.kernels.ntkGram(p, data),
      Ks = be.kernels.ntkGram(q, data);
    expect(ntkDrift(be, { ...q, W0: p.W0, U0: p.U0 }, data)).toBeCloseTo(relativeDrift(K0, Ks), 14);
    expect(relativeDrift(K0, Ks)).toBeCloseTo(frob(K0, Ks) / frob(K0, new Float64Array(K0.length)), 14);
  });

  it('shrinks with the width after the same training (lazy training)', () => {
    const train = randomData(8, 6, 2, 'final', 'lazy');
    const drift = (m: number) => {
      const p = model('diagonal', m, 2, 0.8, 'lazy');
      using net = be.network(p);
      using ws = net.workspace(train.n, train.T);
      ws.setData(train);
      ws.train(200, 2, { kind: 'none' });
      return ntkDrift(be, net.params(), train);
    };
    const d8 = drift(8),
      d128 = drift(128);
    expect(d8).toBeGreaterThan(0);
    expect(d128).toBeLessThan(d8 / 2);
  });
});

describe('Monte-Carlo infinite-width kernel (diagonal)', () => {
  const spec = { activation: 'tanh' as const, alpha: 0.8, d: 2 };

  it("equals the empirical NTK when the particles are the student's own neurons", () => {
    for (const jitter of [0, 0.3]) {
      const p = model('diagonal', 10, 2, 0.8, 'mc-eq', jitter);
      const data = randomData(6, 7, 2, 'final', 'mc-eq');
      const K = be.kernels.ntkGram(p, data);
      const mc = monteCarloKernel(be, spec, { w: p.W, u: p.U }, data);
      expect(relError(mc, K)).toBeLessThan(1e-13);
      // chunking and the cross form give the same matrix
      const chunked = monteCarloKernel(be, spec, { w: p.W, u: p.U }, data, data, { chunk: 3 });
      expect(relError(chunked, K)).toBeLessThan(1e-13);
    }
  });

  it('converges like 1/sqrt(M) to a large-M reference', () => {
    const A = randomData(6, 5, 2, 'final', 'mc');
    const ref = monteCarloKernel(be, spec, sampleParticles(1 << 17, 2, 'ref'), A);
    const Ms = [64, 256, 1024, 4096];
    const errs = Ms.map((M) => {
      let e = 0;
      for (let r = 0; r < 8; r++) e += frob(monteCarloKernel(be, spec, sampleParticles(M, 2, `rep${r}`), A), ref);
      return e / 8;
    });
    for (let k = 1; k < errs.length; k++) expect(errs[k]).toBeLessThan(errs[k - 1]);
    // least-squares slope of log err against log M: -1/2 in theory
    const lx = Ms.map(Math.log),
      ly = errs.map(Math.log);
    const mx = lx.reduce((s, x) => s + x, 0) / lx.length,
      my = ly.reduce((s, y) => s + y, 0) / ly.length;
    const slope = lx.reduce((s, x, k) => s + (x - mx) * (ly[k] - my), 0) / lx.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(-0.75);
    expect(slope).toBeLessThan(-0.35);
  });

  it('is symmetric PSD, and its cross form matches its blocks', () => {
    const A = randomData(5, 4, 2, 'final', 'mcA'),
      B = randomData(3, 4, 2, 'final', 'mcB');
    const parts = sampleParticles(300, 2, 1);
    const K = monteCarloKernel(be, spec, parts, concatData([A, B]));
    const C = monteCarloKernel(be, spec, parts, B, A);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 5; c++) expect(C[r * 5 + c]).toBeCloseTo(K[(5 + r) * 8 + c], 12);
    const st = gramStats(K, 8);
    expect(st.asymmetry).toBe(0);
    expect(st.minEigenvalue).toBeGreaterThanOrEqual(-1e-10 * st.trace);
  });

  it('sampleParticles draws the initialization law, reproducibly', () => {
    const a = sampleParticles(4000, 3, 's'),
      b = sampleParticles(4000, 3, 's');
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
    expect(Math.max(...a.w)).toBeLessThanOrEqual(1);
    expect(Math.min(...a.w)).toBeGreaterThanOrEqual(-1);
    const mean2 = a.u.reduce((s, x) => s + x * x, 0) / a.u.length;
    expect(mean2).toBeGreaterThan(0.9);
    expect(mean2).toBeLessThan(1.1);
    expect(new Set(sampleParticles(10, 1, 'r', 'rademacher').w.map(Math.abs))).toEqual(new Set([1]));
    expect(() => sampleParticles(0, 1, 's')).toThrow(/M must be a positive integer/);
  });
});

describe('kernel ridge regression', () => {
  it('interpolates the training data at a tiny ridge (NTK, both recurrences; MC kernel)', () => {
    for (const recurrence of ['dense', 'diagonal'] as const) {
      const p = model(recurrence, 16, 3, 0.9, `krr${recurrence}`);
      const train = randomData(10, 5, 3, 'final', `krr${recurrence}`);
      const test = randomData(4, 5, 3, 'final', `krrt${recurrence}`);
      const b = kernelBaseline(be, { kind: 'ntk', params: p }, train, test);
      expect(b.method).toBe('cholesky');
      expect(b.trainRmse).toBeLessThan(1e-6);
      expect(relError(b.trainPredictions, train.Y)).toBeLessThan(1e-6);
      expect(b.testPredictions.length).toBe(4);
    }
    const train = randomData(10, 5, 3, 'final', 'krrmc'),
      test = randomData(4, 5, 3, 'final', 'krrmct');
    const b = kernelBaseline(
      be,
      { kind: 'mc', spec: { activation: 'tanh', alpha: 0.9, d: 3 }, particles: sampleParticles(500, 3, 2) },
      train,
      test,
    );
    expect(b.kernel).toBe('mc');
    expect(b.trainRmse).toBeLessThan(1e-6);
  });

  it('matches an independent solve of (K + ridge I) c = y and predicts with the cross kernel', () => {
    const p = model('dense', 8, 2, 0.7, 'solve', 0.1);
    const train = randomData(9, 4, 2, 'final', 'solve'),
      test = randomData(5, 4, 2, 'final', 'solvet');
    const { train: K, cross } = ntkBlocks(be, p, train, test);
    const ridge = 0.05;
    const fit = kernelRidgeFit(K, 9, train.Y, ridge);
    const A = new Matrix(
      Array.from({ length: 9 }, (_, r) => Array.from({ length: 9 }, (_, c) => K[r * 9 + c] + (r === c ? ridge : 0))),
    );
    const want = solve(A, Matrix.columnVector(Array.from(train.Y))).getColumn(0);
    expect(relError(fit.coef, want)).toBeLessThan(1e-10);
    const Kte = be.kernels.ntkGram(p, concatData([train, test]));
    const pred = kernelRidgePredict(cross, 5, fit.coef);
    for (let r = 0; r < 5; r++) {
      let s = 0;
      for (let c = 0; c < 9; c++) s += Kte[(9 + r) * 14 + c] * want[c];
      expect(pred[r]).toBeCloseTo(s, 10);
    }
  });

  it('falls back to an eigen pseudo-inverse for a singular kernel at ridge 0', () => {
    const p = model('diagonal', 6, 2, 0.8, 'sing', 0.2);
    const train = randomData(5, 4, 2, 'final', 'sing');
    train.X.copyWithin(4 * 4 * 2, 0, 4 * 2); // sequence 4 = sequence 0
    train.Y[4] = train.Y[0];
    const K = be.kernels.ntkGram(p, train);
    const fit = kernelRidgeFit(K, 5, train.Y, 0);
    expect(fit.method).toBe('eigen');
    expect(relError(kernelRidgePredict(K, 5, fit.coef), train.Y)).toBeLessThan(1e-6);
  });

  it('validates its inputs', () => {
    expect(() => kernelRidgeFit(new Float64Array(4), 2, [1], 0)).toThrow(/y has 1 values/);
    expect(() => kernelRidgeFit(new Float64Array(3), 2, [1, 2], 0)).toThrow(/n x n/);
    expect(() => kernelRidgeFit(new Float64Array([1, 0, 0, 1]), 2, [1, 2], -1)).toThrow(/ridge/);
    expect(predictionDistance([1, 2], [1, 0])).toEqual({ rms: Math.SQRT2, max: 2, relative: 2 });
  });
});

describe('trained network against the kernel predictor', () => {
  it('the distance shrinks as the width grows (the NTK-at-init baseline)', () => {
    const train = randomData(8, 6, 2, 'final', 'nvk'),
      test = randomData(8, 6, 2, 'final', 'nvkt');
    const run = (m: number) => {
      const p = model('diagonal', m, 2, 0.8, 'nvk');
      using net = be.network(p);
      using ws = net.workspace(train.n, train.T);
      ws.setData(train);
      const eta = train.n / empiricalNtk(be, p, train).stats.maxEigenvalue; // stable for the linearized model
      ws.train(1500, eta, { kind: 'none' });
      return networkVsKernel(be, net.params(), train, test);
    };
    const small = run(8),
      wide = run(256);
    expect(wide.network.trainRmse).toBeLessThan(1e-3);
    expect(wide.baseline.trainRmse).toBeLessThan(1e-6);
    expect(wide.distance.test.rms).toBeLessThan(small.distance.test.rms / 2);
    expect(wide.distance.test.relative!).toBeLessThan(0.4);
    // the default kernel is the NTK at (W0, U0)
    const again = kernelBaseline(
      be,
      { kind: 'ntk', params: atInit(model('diagonal', 256, 2, 0.8, 'nvk')) },
      train,
      test,
    );
    expect(relError(again.testPredictions, wide.baseline.testPredictions)).toBeLessThan(1e-12);
  });
});
