/**
 * The reference per-sample gradients and NTK Gram matrix (ts/backend/ts-ntk.ts): gradients of f
 * against central finite differences of the reference forward pass, K = J J^T, symmetric PSD,
 * and agreement of the wasm backend's kernels with the ts ones (skipped without the wasm build).
 */
import { Matrix, EigenvalueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../ts/backend/index.js';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { initialize } from '../../ts/train/init.js';
import type { ActivationName } from '../../ts/core/activations.js';
import { uLength, wLength, type ModelParams, type Recurrence } from '../../ts/core/types.js';
import { randomData, relError } from '../helpers.js';

const ts = tsBackend({ dtype: 'float64' });

/** Off the symmetric init (where f = 0 and the two halves cancel) so every term is exercised. */
function perturbed(
  recurrence: Recurrence,
  activation: ActivationName,
  m = 6,
  d = 3,
  alpha = 0.8,
  seed = 'ntk',
): ModelParams {
  const p = initialize({ recurrence, activation, readout: 'final', m, d, alpha }, { seed });
  for (let i = 0; i < p.W.length; i++) p.W[i] += 0.3 * Math.sin(3.1 * i + 1);
  for (let i = 0; i < p.U.length; i++) p.U[i] += 0.3 * Math.cos(1.7 * i + 2);
  return p;
}

/** f(X_j) for all j from the reference backend's forward pass (independent of ts-ntk.ts). */
function outputs(params: ModelParams, data: ReturnType<typeof randomData>): Float64Array {
  using net = ts.network(params);
  using ws = net.workspace(data.n, data.T);
  ws.setData(data);
  return ws.forward().predictions;
}

describe('per-sample gradients of f match central finite differences', () => {
  for (const recurrence of ['dense', 'diagonal'] as const) {
    for (const activation of ['tanh', 'sigmoid', 'sin'] as const) {
      it(`${recurrence} ${activation}`, () => {
        const params = perturbed(recurrence, activation);
        const data = randomData(3, 5, 3, 'final', `g${recurrence}${activation}`);
        const J = ts.kernels.perSampleGradients(params, data);
        const nw = wLength(params.spec),
          P = nw + uLength(params.spec);
        expect(J.length).toBe(data.n * P);
        const h = 1e-6;
        const fd = new Float64Array(data.n * P);
        for (let p = 0; p < P; p++) {
          const arr = p < nw ? params.W : params.U;
          const q = p < nw ? p : p - nw;
          const base = arr[q];
          arr[q] = base + h;
          const plus = outputs(params, data);
          arr[q] = base - h;
          const minus = outputs(params, data);
          arr[q] = base;
          for (let j = 0; j < data.n; j++) fd[j * P + p] = (plus[j] - minus[j]) / (2 * h);
        }
        expect(relError(J, fd)).toBeLessThan(1e-7);
      });
    }
  }
});

describe('NTK Gram matrix', () => {
  for (const recurrence of ['dense', 'diagonal'] as const) {
    it(`${recurrence}: equals J J^T from explicit per-sample gradients`, () => {
      const params = perturbed(recurrence, 'tanh', 8, 2);
      const data = randomData(7, 6, 2, 'final', `K${recurrence}`);
      const J = ts.kernels.perSampleGradients(params, data);
      const K = ts.kernels.ntkGram(params, data);
      const P = wLength(params.spec) + uLength(params.spec);
      const n = data.n;
      const ref = new Float64Array(n * n);
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let s = 0;
          for (let p = 0; p < P; p++) s += J[a * P + p] * J[b * P + p];
          ref[a * n + b] = s;
        }
      expect(relError(K, ref)).toBeLessThan(1e-13);
    });

    it(`${recurrence}: symmetric positive semidefinite, at init and off it`, () => {
      for (const params of [
        initialize({ recurrence, activation: 'tanh', readout: 'final', m: 10, d: 3, alpha: 1.2 }, { seed: 5 }),
        perturbed(recurrence, 'sin', 10, 3, 1.2),
      ]) {
        // n > P-ish is not needed: duplicate a sequence so K is singular and the check is tight.
        const data = randomData(9, 4, 3, 'final', `psd${recurrence}`);
        data.X.copyWithin(8 * 4 * 3, 0, 4 * 3);
        const K = ts.kernels.ntkGram(params, data);
        const n = data.n;
        let trace = 0;
        for (let a = 0; a < n; a++) {
          trace += K[a * n + a];
          for (let b = 0; b < n; b++) expect(K[a * n + b]).toBe(K[b * n + a]);
        }
        expect(trace).toBeGreaterThan(0);
        const rows = Array.from({ length: n }, (_, a) => Array.from(K.subarray(a * n, (a + 1) * n)));
        const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
        expect(Math.min(...eig)).toBeGreaterThanOrEqual(-1e-10 * trace);
        expect(Math.min(...eig)).toBeLessThan(1e-10 * trace); // the duplicated row makes it singular
      }
    });
  }

  it('refuses readout all with a clear message', () => {
    const params = initialize(
      { recurrence: 'diagonal', activation: 'tanh', readout: 'all', m: 4, d: 2, alpha: 1 },
      { seed: 1 },
    );
    const data = randomData(2, 3, 2, 'all');
    expect(() => ts.kernels.ntkGram(params, data)).toThrow(/readout 'all' is not supported/);
    expect(() => ts.kernels.perSampleGradients(params, data)).toThrow(/readout 'final'/);
  });

  it('refuses data of the wrong input dimension', () => {
    const params = perturbed('diagonal', 'tanh', 4, 2);
    expect(() => ts.kernels.ntkGram(params, randomData(2, 3, 3, 'final'))).toThrow(/d = 3/);
  });
});

describe('wasm backend kernels agree with the ts reference', () => {
  for (const recurrence of ['dense', 'diagonal'] as const) {
    it(`${recurrence}: Gram and per-sample gradients`, async () => {
      const wasm = await getBackend('wasm');
      const params = perturbed(recurrence, 'tanh', 16, 4, 0.9);
      const data = randomData(12, 8, 4, 'final', `w${recurrence}`);
      expect(relError(wasm.kernels.ntkGram(params, data), ts.kernels.ntkGram(params, data))).toBeLessThan(1e-4);
      expect(
        relError(wasm.kernels.perSampleGradients(params, data), ts.kernels.perSampleGradients(params, data)),
      ).toBeLessThan(1e-4);
    });
  }
});
