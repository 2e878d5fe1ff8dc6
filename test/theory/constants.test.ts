/**
 * Measured constants (ts/theory/constants.ts, ts/theory/derivatives.ts): per-neuron gradients and Hessians against finite
 * differences, the memory-decay curve against finite differences in the inputs, and the [derived]
 * analytic bounds of bounds.ts (w_bar0 = max|w_i|, rho = 0) never below the measured values.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { activations, type ActivationName } from '../../ts/core/activations.js';
import { initialize } from '../../ts/train/init.js';
import { makeRng } from '../../ts/core/rng.js';
import { constants, measureConstants, termsWithConstants } from '../../ts/theory/constants.js';
import { denseNeuronHvp, diagonalNeuronHessian, neuronGradient } from '../../ts/theory/derivatives.js';
import { bounds } from '../../ts/theory/bounds.js';
import { symmetricSpectralNormJacobi } from '../../ts/core/linalg.js';
import { wBar } from '../../ts/core/metrics.js';
import type { Dataset, ModelParams, Recurrence } from '../../ts/core/types.js';
import { randomData, relError } from '../helpers.js';

function model(
  recurrence: Recurrence,
  activation: ActivationName,
  m: number,
  d: number,
  alpha: number,
  seed: string,
  jitter = 0.3,
): ModelParams {
  const p = initialize({ recurrence, activation, readout: 'final', m, d, alpha }, { seed });
  for (let i = 0; i < p.W.length; i++) p.W[i] += jitter * Math.sin(3.1 * i + 1);
  for (let i = 0; i < p.U.length; i++) p.U[i] += jitter * Math.cos(1.7 * i + 2);
  return p;
}

/** h_{T-1}(X_j), all neurons, by a plain forward pass written again here. */
function lastHidden(p: ModelParams, X: ArrayLike<number>, j: number, T: number): Float64Array {
  const { m, d, alpha, recurrence } = p.spec;
  const act = activations[p.spec.activation];
  let h = new Float64Array(m);
  for (let t = 0; t < T; t++) {
    const next = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let rec = 0;
      if (recurrence === 'dense') {
        for (let k = 0; k < m; k++) rec += p.W[i * m + k] * h[k];
        rec *= alpha / Math.sqrt(m);
      } else rec = alpha * p.W[i] * h[i];
      let inp = 0;
      for (let k = 0; k < d; k++) inp += p.U[i * d + k] * X[(j * T + t) * d + k];
      next[i] = act.f(rec + inp);
    }
    h = next;
  }
  return h;
}

/** Indices of neuron i's own parameters: [W part..., U part...] as (array, index) pairs. */
function ownParams(p: ModelParams, i: number): Array<[Float64Array, number]> {
  const { m, d, recurrence } = p.spec;
  const out: Array<[Float64Array, number]> = [];
  if (recurrence === 'dense') for (let k = 0; k < m; k++) out.push([p.W, i * m + k]);
  else out.push([p.W, i]);
  for (let k = 0; k < d; k++) out.push([p.U, i * d + k]);
  return out;
}

describe('per-neuron gradient of h_{i,T-1} w.r.t. theta_i', () => {
  for (const recurrence of ['diagonal', 'dense'] as const) {
    it(`${recurrence}: matches central finite differences of the forward pass`, () => {
      const p = model(recurrence, 'tanh', 6, 3, 0.9, `ng${recurrence}`);
      const data = randomData(3, 6, 3, 'final', `ng${recurrence}`);
      const h = 1e-6;
      for (let j = 0; j < data.n; j++) {
        for (let i = 0; i < p.spec.m; i++) {
          const g = neuronGradient(p, data, j, i);
          const slots = ownParams(p, i);
          expect(g.length).toBe(slots.length);
          const fd = slots.map(([arr, q]) => {
            const base = arr[q];
            arr[q] = base + h;
            const plus = lastHidden(p, data.X, j, data.T)[i];
            arr[q] = base - h;
            const minus = lastHidden(p, data.X, j, data.T)[i];
            arr[q] = base;
            return (plus - minus) / (2 * h);
          });
          expect(relError(g, fd)).toBeLessThan(1e-7);
        }
      }
    });
  }
});

describe('Hessians against finite differences of the exact gradient', () => {
  for (const activation of ['tanh', 'sigmoid', 'sin'] as const) {
    it(`diagonal ${activation}: the forward-mode (1+d)x(1+d) Hessian`, () => {
      const p = model('diagonal', activation, 4, 3, 1.1, `hd${activation}`);
      const data = randomData(3, 7, 3, 'final', `hd${activation}`);
      const k = 1 + p.spec.d;
      const eps = 1e-5;
      for (let j = 0; j < data.n; j++) {
        for (let i = 0; i < p.spec.m; i++) {
          const H = diagonalNeuronHessian(p, data, j, i);
          const slots = ownParams(p, i);
          const fd = new Float64Array(k * k);
          slots.forEach(([arr, q], col) => {
            const base = arr[q];
            arr[q] = base + eps;
            const gp = neuronGradient(p, data, j, i);
            arr[q] = base - eps;
            const gm = neuronGradient(p, data, j, i);
            arr[q] = base;
            for (let r = 0; r < k; r++) fd[r * k + col] = (gp[r] - gm[r]) / (2 * eps);
          });
          expect(relError(H, fd)).toBeLessThan(1e-6);
          for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) expect(H[r * k + c]).toBeCloseTo(H[c * k + r], 12);
        }
      }
    });
  }

  for (const activation of ['tanh', 'sin'] as const) {
    it(`dense ${activation}: forward-over-reverse Hessian-vector products`, () => {
      const p = model('dense', activation, 6, 2, 1.3, `hv${activation}`);
      const data = randomData(2, 6, 2, 'final', `hv${activation}`);
      const rng = makeRng(7, 'hvp-test');
      const P = p.spec.m + p.spec.d;
      const eps = 1e-5;
      for (let j = 0; j < data.n; j++) {
        for (let i = 0; i < p.spec.m; i++) {
          const v = Float64Array.from({ length: P }, () => rng.normal());
          const hv = denseNeuronHvp(p, data, j, i, v);
          const slots = ownParams(p, i);
          const shift = (s: number) =>
            slots.forEach(([arr, q], c) => {
              arr[q] += s * v[c];
            });
          shift(eps);
          const gp = neuronGradient(p, data, j, i);
          shift(-2 * eps);
          const gm = neuronGradient(p, data, j, i);
          shift(eps);
          const fd = gp.map((x, r) => (x - gm[r]) / (2 * eps));
          expect(relError(hv, fd)).toBeLessThan(1e-6);
        }
      }
    });
  }

  it('dense: power iteration finds the spectral norm of the explicit Hessian', () => {
    const p = model('dense', 'tanh', 4, 2, 1.0, 'pi');
    const data = randomData(2, 5, 2, 'final', 'pi');
    const P = p.spec.m + p.spec.d;
    let exact = 0;
    for (let j = 0; j < data.n; j++) {
      for (let i = 0; i < p.spec.m; i++) {
        const cols = Array.from({ length: P }, (_, c) =>
          denseNeuronHvp(
            p,
            data,
            j,
            i,
            Float64Array.from({ length: P }, (_, q) => (q === c ? 1 : 0)),
          ),
        );
        const rows = Array.from({ length: P }, (_, r) =>
          Array.from({ length: P }, (_, c) => 0.5 * (cols[c][r] + cols[r][c])),
        );
        const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
        exact = Math.max(exact, ...eig.map(Math.abs));
      }
    }
    const { measured } = measureConstants(p, data, { samples: data.n, iterations: 500, tol: 1e-12 });
    expect(measured.hessianMethod).toMatch(/power iteration/);
    expect(measured.beta_T).toBeLessThanOrEqual(exact * (1 + 1e-9));
    expect(measured.beta_T).toBeGreaterThan(exact * (1 - 1e-4));
  });

  it('Jacobi spectral norm agrees with ml-matrix', () => {
    const rng = makeRng(3, 'jacobi');
    for (const k of [1, 2, 5, 9]) {
      const rows = Array.from({ length: k }, () => new Array<number>(k).fill(0));
      for (let r = 0; r < k; r++) for (let c = 0; c <= r; c++) rows[r][c] = rows[c][r] = rng.normal();
      const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
      expect(symmetricSpectralNormJacobi(Float64Array.from(rows.flat()), k)).toBeCloseTo(
        Math.max(...eig.map(Math.abs)),
        10,
      );
    }
  });
});

describe('memory-decay curve d h_{T-1} / d x_t', () => {
  for (const recurrence of ['diagonal', 'dense'] as const) {
    it(`${recurrence}: matches finite differences in the inputs and stays under the derived envelope`, () => {
      const p = model(recurrence, 'tanh', 6, 2, 0.9, `s${recurrence}`);
      const data = randomData(3, 6, 2, 'final', `s${recurrence}`);
      const r = constants(p, data);
      const { m, d } = p.spec;
      const X = Float64Array.from(data.X);
      const eps = 1e-6;
      const want = new Float64Array(data.T);
      for (let j = 0; j < data.n; j++) {
        for (let t = 0; t < data.T; t++) {
          let fro = 0;
          for (let q = 0; q < d; q++) {
            const idx = (j * data.T + t) * d + q;
            const base = X[idx];
            X[idx] = base + eps;
            const hp = lastHidden(p, X, j, data.T);
            X[idx] = base - eps;
            const hm = lastHidden(p, X, j, data.T);
            X[idx] = base;
            for (let i = 0; i < m; i++) fro += ((hp[i] - hm[i]) / (2 * eps)) ** 2;
          }
          want[t] += Math.sqrt(fro / m) / data.n;
        }
      }
      expect(relError(r.sensitivity.mean, want)).toBeLessThan(1e-7);
      for (let t = 0; t < data.T; t++) {
        expect(r.sensitivity.max[t]).toBeGreaterThanOrEqual(r.sensitivity.mean[t] - 1e-15);
        expect(r.sensitivity.max[t]).toBeLessThanOrEqual(r.sensitivity.envelope[t] * (1 + 1e-12));
      }
      expect(r.sensitivity.lag[0]).toBe(data.T - 1);
    });
  }

  it('decays faster for a smaller memory factor', () => {
    const data = randomData(8, 15, 2, 'final', 'decay');
    const short = constants(model('diagonal', 'tanh', 16, 2, 0.3, 'dec', 0), data).sensitivity.fittedDecay!;
    const long = constants(model('diagonal', 'tanh', 16, 2, 1.5, 'dec', 0), data).sensitivity.fittedDecay!;
    expect(short).toBeLessThan(long);
    expect(short).toBeLessThan(0.3 + 1e-12); // |alpha w sigma'| <= a = 0.3 * max|w|
  });
});

describe('measured constants never exceed the analytic bounds (||x_t|| <= 1)', () => {
  const cases: Array<[Recurrence, ActivationName, number]> = [];
  for (const activation of ['tanh', 'sigmoid', 'sin'] as const) {
    for (const alpha of [0.3, 1, 1.6, 4]) cases.push(['diagonal', activation, alpha]);
  }
  cases.push(['dense', 'tanh', 0.7], ['dense', 'sin', 1.2], ['dense', 'sigmoid', 3]);
  for (const [recurrence, activation, alpha] of cases) {
    it(`${recurrence} ${activation} alpha = ${alpha}`, () => {
      for (let rep = 0; rep < 3; rep++) {
        const seed = `${recurrence}${activation}${alpha}${rep}`;
        const rng = makeRng(seed, 'case');
        const m = recurrence === 'dense' ? 6 : 2 * (1 + rng.int(8));
        const d = 1 + rng.int(4);
        const T = 1 + rng.int(12);
        const p = model(recurrence, activation, m, d, alpha, seed, rng.uniform());
        const data: Dataset = randomData(1 + rng.int(6), T, d, 'final', seed);
        const r = constants(p, data, { hessian: { samples: data.n } });
        expect(r.derived).toBe(true);
        expect(r.maxInputNorm).toBeLessThanOrEqual(1 + 1e-12);
        expect(r.analytic).not.toBeNull();
        const b = bounds({ activation, alpha, T, m, n: data.n, d, rho: 0, wBar0: wBar(p.spec, p.W, { exact: true }) });
        expect(r.analytic!.L_T).toBe(b.L_T);
        const slack = 1 + 1e-12;
        expect(r.measured.L_w).toBeLessThanOrEqual(b.L_w * slack);
        expect(r.measured.L_u).toBeLessThanOrEqual(b.L_u * slack);
        expect(r.measured.L_T).toBeLessThanOrEqual(b.L_T * slack);
        expect(r.measured.beta_T).toBeLessThanOrEqual(b.beta_T * slack);
        expect(r.measured.L_T).toBeGreaterThan(0);
        for (const v of Object.values(r.ratio!)) if (v !== null) expect(v).toBeLessThanOrEqual(slack);
      }
    });
  }
});

describe('bound terms with measured constants', () => {
  it('reproduce bounds() when fed the analytic constants, and are smaller with the measured ones', () => {
    const p = model('diagonal', 'tanh', 8, 2, 0.8, 'terms');
    const data = randomData(5, 10, 2, 'final', 'terms');
    const r = constants(p, data, { tau: 100, eps: 0.1, rho: 0 });
    expect(r.wBar0).toBe(wBar(p.spec, p.W0, { exact: true }));
    expect(r.wBar0).not.toBe(r.wBar);
    const b0 = bounds({ alpha: 0.8, T: 10, m: 8, n: 5, d: 2, rho: 0, wBar0: r.wBar0, tau: 100, eps: 0.1 });
    expect(r.terms.analytic!.total).toBeCloseTo(b0.terms.total, 10);
    expect(r.terms.analytic!.mRequired).toBe(b0.mRequired);
    const b = bounds({ alpha: 0.8, T: 10, m: 8, n: 5, d: 2, rho: 0, wBar0: r.wBar, tau: 100, eps: 0.1 });
    const again = termsWithConstants(b, { m: 8, n: 5, delta: 0.05, rho: 0, nuW: 1, nuU: 1, tau: 100, eps: 0.1 });
    expect(again.approximation).toBeCloseTo(b.terms.approximation, 10);
    expect(again.linearization).toBeCloseTo(b.terms.linearization, 10);
    expect(again.optimization).toBeCloseTo(b.terms.optimization!, 10);
    expect(again.mRequired! / b.mRequired!).toBeCloseTo(1, 12);
    // measured constants <= analytic at the point, so the terms with them are smaller too
    const atPoint = termsWithConstants(r.analytic!, {
      m: 8,
      n: 5,
      delta: 0.05,
      rho: 0,
      nuW: 1,
      nuU: 1,
      tau: 100,
      eps: 0.1,
    });
    expect(r.terms.measured.linearization).toBeLessThanOrEqual(atPoint.linearization);
    expect(r.terms.measured.approximation).toBeLessThanOrEqual(atPoint.approximation);
    expect(r.terms.measured.mRequired!).toBeLessThanOrEqual(atPoint.mRequired!);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('reports relu without analytic constants but with measured ones', () => {
    const p = model('diagonal', 'relu', 4, 2, 0.5, 'relu');
    const r = constants(p, randomData(3, 4, 2, 'final', 'relu'));
    expect(r.analytic).toBeNull();
    expect(r.analyticError).toMatch(/outside the theory/);
    expect(r.measured.L_T).toBeGreaterThan(0);
  });
});
