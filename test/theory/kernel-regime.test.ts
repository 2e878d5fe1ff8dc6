/**
 * Closed-form kernel-regime predictions (ts/theory/kernel-regime.ts) and the eigensolver under them:
 * the linearized network's GD trajectory equals the closed form to 1e-8 (float64), and the network's
 * own trajectory approaches it as the width grows.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { getBackend } from '../../ts/backend/index.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import { generateData } from '../../ts/data/index.js';
import { initialize } from '../../ts/train/init.js';
import { SymmetricEigen } from '../../ts/theory/eigen.js';
import { kernelRegime, outputGradients, outputKernels } from '../../ts/theory/kernel-regime.js';
import { ntkGram } from '../../ts/backend/ts-ntk.js';
import { randomData } from '../helpers.js';
import { getExperiment, planSweep } from '../../ts/experiments/index.js';
import { makeData } from '../../ts/experiments/deps.js';

const f64 = tsBackend({ dtype: 'float64' });
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);

function symmetric(n: number, seed: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = Math.sin(seed + i * 7.1 + j * 3.3) + (i === j ? 1.5 : 0);
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  return K;
}

describe('SymmetricEigen', () => {
  it.each([1, 2, 3, 8, 33])('n = %i: eigenvalues as ml-matrix, Q orthogonal, K v = Q diag(lambda) Q^T v', (n) => {
    const K = symmetric(n, n);
    const E = new SymmetricEigen(K, n);
    const ref = new EigenvalueDecomposition(
      new Matrix(Array.from({ length: n }, (_, i) => Array.from(K.subarray(i * n, (i + 1) * n)))),
      {
        assumeSymmetric: true,
      },
    ).realEigenvalues.sort((a, b) => a - b);
    expect(maxAbs(Float64Array.from(E.values).sort(), ref)).toBeLessThan(1e-12 * n);
    const v = Float64Array.from({ length: n }, (_, i) => Math.cos(1.3 * i));
    const z = E.applyQt(v);
    expect(maxAbs(E.applyQ(z), v)).toBeLessThan(1e-13 * n);
    let nz = 0,
      nv = 0;
    z.forEach((x, k) => ((nz += x * x), (nv += v[k] * v[k])));
    expect(Math.abs(nz - nv)).toBeLessThan(1e-12 * nv);
    const Kv = E.applyQ(z.map((x, k) => x * E.values[k]));
    const direct = Array.from({ length: n }, (_, i) => v.reduce((s, x, j) => s + K[i * n + j] * x, 0));
    expect(maxAbs(Kv, direct)).toBeLessThan(1e-12 * n);
  });

  it('refuses non-finite and mis-sized matrices', () => {
    expect(() => new SymmetricEigen([1, 2, 3], 2)).toThrow(/expected n\*n = 4/);
    expect(() => new SymmetricEigen([1, NaN, NaN, 1], 2)).toThrow(/not finite/);
  });
});

describe('tridiagonalization kernels', () => {
  it('the wasm builds (simd, scalar) and the ts reference give bit-identical reflectors and T', async () => {
    const builds = [await wasmBackend('simd'), await wasmBackend('scalar')];
    for (const n of [1, 2, 3, 4, 5, 8, 17, 64, 129]) {
      const K = symmetric(n, 3 * n);
      const ref = f64.kernels.tridiagonalize(K, n);
      for (const b of builds) {
        const got = b.kernels.tridiagonalize(K, n);
        for (const f of ['d', 'e', 'reflectors', 'tau'] as const)
          expect(Array.from(got[f]), `${b.description} ${f} n=${n}`).toEqual(Array.from(ref[f]));
      }
    }
  });

  it('a zero column below the subdiagonal needs no reflection (tau 0, zero reflector row)', async () => {
    const n = 6;
    const K = symmetric(n, 1);
    for (let i = 2; i < n; i++) K[i * n] = K[i] = 0; // column 0 already tridiagonal
    for (const b of [f64, await wasmBackend('simd')]) {
      const t = b.kernels.tridiagonalize(K, n);
      expect(t.tau[0]).toBe(0);
      expect(Array.from(t.reflectors.subarray(0, n))).toEqual(new Array(n).fill(0));
      expect(t.d[0]).toBe(K[0]);
      expect(t.e[0]).toBe(K[n]);
    }
    const E = new SymmetricEigen(K, n, (await wasmBackend('simd')).kernels);
    const ref = new SymmetricEigen(K, n);
    expect(Array.from(E.values)).toEqual(Array.from(ref.values));
  });

  it('both kernels refuse a matrix of the wrong size with a message naming it', async () => {
    const b = await wasmBackend('simd');
    expect(() => b.kernels.tridiagonalize(new Float64Array(5), 2)).toThrow(/tridiagonalize: expected an n x n matrix/);
    expect(() => f64.kernels.tridiagonalize(new Float64Array(5), 2)).toThrow(
      /tridiagonalize: expected an n x n matrix/,
    );
  });
});

describe('output kernels', () => {
  it('readout final: the reference output gradients give the Gram matrix of ts-ntk', () => {
    const p = initialize({ recurrence: 'dense', activation: 'tanh', m: 6, d: 2, alpha: 0.8 }, { seed: 1 });
    const data = randomData(4, 5, 2, 'final', 'og');
    const K = outputKernels(f64, p, data).train;
    expect(maxAbs(K, ntkGram(p, data))).toBeLessThan(1e-14);
    expect(outputGradients(p, data).length).toBe(4 * (36 + 12));
  });
});

describe('closed form against the linearized network (float64)', () => {
  it.each([
    ['diagonal', 'final'],
    ['dense', 'final'],
    ['diagonal', 'all'],
    ['dense', 'all'],
  ] as const)('%s readout %s: train and test predictions and risks after s steps to 1e-8', (recurrence, readout) => {
    const p = initialize({ recurrence, activation: 'tanh', readout, m: 8, d: 3, alpha: 0.7 }, { seed: 3 });
    const train = randomData(7, 5, 3, readout, `kr-${readout}`);
    const test = randomData(4, 5, 3, readout, `kr-test-${readout}`);
    const eta = 0.8;
    const closed = kernelRegime(f64, p, train, eta, test);
    using lin = f64.network(p, { linearized: true });
    using ws = lin.workspace(train.n, train.T);
    using wsTest = lin.workspace(test.n, test.T);
    ws.setData(train);
    wsTest.setData(test);
    let s = 0;
    const losses: number[] = [];
    for (const target of [0, 1, 6, 40]) {
      const chunk = ws.train(target - s, eta, { kind: 'none' });
      losses.push(...chunk.losses);
      s = target;
      const measured = ws.forward();
      expect(maxAbs(closed.trainPredictions(s), measured.predictions)).toBeLessThan(1e-8);
      expect(maxAbs(closed.testPredictions(s), wsTest.forward().predictions)).toBeLessThan(1e-8);
      const [point] = closed.riskCurve([s]);
      expect(Math.abs(point.risk - measured.loss)).toBeLessThan(1e-10);
      expect(Math.abs(point.testRisk! - wsTest.forward().loss)).toBeLessThan(1e-10);
    }
    // The recorded per-step losses are R(Theta(s)) before each step: the predicted curve at s.
    const curve = closed.riskCurve(losses.map((_, k) => k));
    expect(
      maxAbs(
        curve.map((c) => c.risk),
        losses,
      ),
    ).toBeLessThan(1e-10);
  });
});

describe('the network against the closed form', () => {
  it('the distance after 40 steps shrinks as m grows', async () => {
    const backend = await getBackend('wasm');
    const { train } = await generateData({ system: 'transport', n: 32, T: 6, d: 3, seed: 5 });
    const distance = [];
    for (const m of [16, 512]) {
      const p = initialize({ recurrence: 'diagonal', activation: 'tanh', m, d: 3, alpha: 0.6 }, { seed: 6 });
      const closed = kernelRegime(backend, p, train, 1).trainPredictions(40);
      using net = backend.network(p);
      using ws = net.workspace(train.n, train.T);
      ws.setData(train);
      ws.train(40, 1, { kind: 'none' });
      distance.push(maxAbs(ws.forward().predictions, closed));
    }
    expect(distance[1]).toBeLessThan(0.5 * distance[0]);
  });
});

describe('the round-off the PSD check allows is the backend precision', () => {
  it('ts computes in float64, the Rust core (wasm, native) in float32', async () => {
    expect(tsBackend().precision).toBe('float64');
    expect(tsBackend({ dtype: 'float32' }).precision).toBe('float64'); // doubles whatever its storage
    expect((await getBackend('wasm')).precision).toBe('float32');
    expect((await getBackend('native')).precision).toBe('float32');
  });

  it("the native backend's float32 Gram passes (E9 full, alpha 0.5, T 10, m 16, seed 1 was refused as not PSD)", async () => {
    const backend = await getBackend('native');
    const point = planSweep(getExperiment('E9'), 'full').find(
      (p) => p.id === 'E9/sweep=width/alpha=0.5/T=10/m=16/seed=1',
    )!;
    const gen = await makeData(point.data, point.dataSeed, backend);
    const p = initialize({ ...point.model, d: gen.train.d, readout: 'final' }, point.init);
    const closed = kernelRegime(backend, p, gen.train, point.train.eta);
    expect(closed.precision).toBe('float32');
    expect(closed.riskCurve([0, 10])[1].risk).toBeLessThan(closed.riskCurve([0])[0].risk);
  });
});
