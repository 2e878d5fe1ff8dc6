/**
 * Kernel-regime predictions are never silently wrong (issue 22 item 2) and no command prints a
 * non-finite number (item 3): property tests over random kernels, step sizes and step counts, and
 * the reported cases through the CLI (in process: the same commands and exit codes as dist/).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { printJson } from '../../ts/cli/run.js';
import { ValidationError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import { predict } from '../../ts/train/predict.js';
import { KernelRegime, type KernelRoundoff } from '../../ts/theory/kernel-regime.js';
import { randomData } from '../helpers.js';
import { assertAllFinite, runCliInProcess } from '../support/cli.js';
import { tempDir } from '../support/fs.js';

afterEach(() => vi.restoreAllMocks());

/** Q diag(lambda) Q^T with Q a product of two Householder reflections of random vectors (orthogonal). */
function psd(lambda: number[], v1: number[], v2: number[]): Float64Array {
  const N = lambda.length;
  const reflect = (M: number[][], v: number[]) => {
    const nv = v.reduce((s, x) => s + x * x, 0) || 1;
    return M.map((row) => {
      const dot = row.reduce((s, x, k) => s + x * v[k], 0);
      return row.map((x, k) => x - (2 * dot * v[k]) / nv);
    });
  };
  let Q: number[][] = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (i === j ? 1 : 0)));
  Q = reflect(reflect(Q, v1), v2);
  const K = new Float64Array(N * N);
  for (let a = 0; a < N; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let k = 0; k < N; k++) s += Q[a][k] * lambda[k] * Q[b][k];
      K[a * N + b] = K[b * N + a] = s;
    }
  return K;
}

/** A PSD kernel (some eigenvalues exactly 0) with its entries rounded to float32, as the wasm Gram is. */
const float32Kernel = fc.integer({ min: 2, max: 12 }).chain((N) =>
  fc.record({
    lambda: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 50, noNaN: true })), {
      minLength: N,
      maxLength: N,
    }),
    v1: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: N, maxLength: N }),
    v2: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: N, maxLength: N }),
    y: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: N, maxLength: N }),
  }),
);

const F32: KernelRoundoff = { precision: 'float32' };
const regime = (K: ArrayLike<number>, y: number[], eta: number, roundoff?: KernelRoundoff) =>
  new KernelRegime({ K, y, f0: new Float64Array(y.length), eta, roundoff });

describe('kernel regime: round-off, PSD and the step size', () => {
  it('property: a float32-rounded PSD kernel gives finite, non-increasing risks for every step count up to 2^53 - 1', () => {
    fc.assert(
      fc.property(
        float32Kernel,
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        ({ lambda, v1, v2, y }, frac, steps) => {
          const K = psd(lambda, v1, v2).map(Math.fround);
          const etaMax = regime(K, y, 1e-12, F32).etaMax;
          const eta = Number.isFinite(etaMax) ? frac * etaMax : frac;
          const r = regime(K, y, eta, F32);
          const curve = r.riskCurve([0, 1, steps, Number.MAX_SAFE_INTEGER]);
          for (const p of curve) {
            expect(Number.isFinite(p.risk)).toBe(true);
            expect(p.risk).toBeLessThanOrEqual(curve[0].risk * (1 + 1e-9) + 1e-300);
          }
          assertAllFinite(r.trainPredictions(steps));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: an eigenvalue below minus the tolerance is refused (not PSD), never turned into growth', () => {
    fc.assert(
      fc.property(float32Kernel, fc.double({ min: 1e-3, max: 10, noNaN: true }), ({ lambda, v1, v2, y }, neg) => {
        const K = psd([...lambda.slice(1), -neg], v1, v2);
        expect(() => regime(K, y, 1e-6)).toThrow(/not positive semidefinite: eigenvalue -/);
        expect(() => regime(K, y, 1e-6, F32)).toThrow(ValidationError);
      }),
      { numRuns: 150 },
    );
  });

  it('property: an asymmetric kernel is refused; eta above 2N/lambda_max is refused, eta at it is finite', () => {
    fc.assert(
      fc.property(float32Kernel, fc.double({ min: 1.001, max: 1e300, noNaN: true }), ({ lambda, v1, v2, y }, over) => {
        const N = y.length;
        const K = psd(
          lambda.map((l, k) => (k === 0 ? l + 1 : l)),
          v1,
          v2,
        );
        const bent = Float64Array.from(K);
        bent[N - 1] += 1e-3 * (1 + Math.abs(K[N - 1]));
        expect(() => regime(bent, y, 1e-6)).toThrow(/K is not symmetric: K\[\d+\]\[0\]/);
        const { etaMax } = regime(K, y, 1e-12);
        expect(() => regime(K, y, etaMax * over)).toThrow(/above 2N\/lambda_max/);
        const atMax = regime(K, y, etaMax).riskCurve([Number.MAX_SAFE_INTEGER]);
        expect(Number.isFinite(atMax[0].risk)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('K = diag(1, -1e-9): refused as float64; as a float32 kernel -1e-9 is round-off, so the risk after 1e12 steps is 1/4', () => {
    const K = [1, 0, 0, -1e-9];
    expect(() => regime(K, [1, 1], 1)).toThrow(/not positive semidefinite/);
    const r = regime(K, [1, 1], 1, F32);
    expect(r.clampedEigenvalues).toBe(1);
    // The lambda = 1 component decays as (1 - 1/2)^s -> 0; the lambda = 0 one stays: R = 1^2 / (2 * 2).
    expect(r.riskCurve([1e12])[0].risk).toBe(0.25);
  });
});

const dir = tempDir('kernel-prop');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// P = m (1 + d) = 48 parameters, 24 distinct under the symmetric initialization: K0 on 60 sequences is singular.
const params = initialize({ recurrence: 'diagonal', activation: 'tanh', m: 16, d: 2, alpha: 0.6 }, { seed: 'prop' });
const [model, train, zeros] = ['model.json', 'train.json', 'zeros.json'].map((f) => join(dir, f));
saveModel(model, params);
writeData(train, randomData(60, 4, 2, 'final', 'prop-train'));
writeData(zeros, { n: 5, T: 3, d: 2, X: new Float64Array(30), Y: new Float64Array(5) });
const ntkPredict = (eta: string, steps: string, backend: string) =>
  runCliInProcess([
    'ntk',
    '--model',
    model,
    '--data',
    train,
    '--predict',
    '--eta',
    eta,
    '--steps',
    steps,
    '--backend',
    backend,
  ]);

describe('ntk --predict on a singular kernel: wasm (float32 Gram) agrees with ts (float64)', () => {
  it('after 1e9 and 1e15 steps both give the same finite risk, with the near-zero eigenvalues clamped', async () => {
    for (const steps of ['1000000000', '1000000000000000']) {
      const [w, t] = await Promise.all([ntkPredict('1', steps, 'wasm'), ntkPredict('1', steps, 'ts')]);
      expect(w.status, w.stderr).toBe(0);
      expect(t.status, t.stderr).toBe(0);
      const pw = JSON.parse(w.stdout).predict,
        pt = JSON.parse(t.stdout).predict;
      expect(pw.precision).toBe('float32');
      expect(pt.precision).toBe('float64');
      expect(pw.clampedEigenvalues).toBe(pt.clampedEigenvalues);
      expect(pw.clampedEigenvalues).toBeGreaterThan(0);
      expect(Math.abs(pw.risk - pt.risk)).toBeLessThan(1e-4 * pt.risk);
    }
  });
});

describe('no command prints a non-finite number', () => {
  it('property: printJson refuses NaN or +-Infinity anywhere, naming the field, and prints finite values as JSON', () => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 6 }).filter((k) => /^\w+$/.test(k)),
          fc.jsonValue(),
          { minKeys: 1 },
        ),
        fc.constantFrom(NaN, Infinity, -Infinity),
        fc.nat(),
        (obj, bad, pick) => {
          spy.mockClear();
          printJson(obj);
          expect(spy).toHaveBeenCalledWith(JSON.stringify(obj, null, 2) + '\n');
          const keys = Object.keys(obj);
          const key = keys[pick % keys.length];
          const poisoned = { ...obj, [key]: { inner: [1, bad] } };
          spy.mockClear();
          expect(() => printJson(poisoned)).toThrow(
            new RegExp(`field '${key}\\.inner\\[1\\]' is (NaN|Infinity|-Infinity)`),
          );
          expect(spy).not.toHaveBeenCalled();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: ntk --predict with eta above 2N/lambda_max exits 2 naming eta, never prints', async () => {
    const { predict: p } = JSON.parse((await ntkPredict('1', '1', 'ts')).stdout);
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 1.0001, max: 1e300 / p.etaMax, noNaN: true }), async (over) => {
        const r = await ntkPredict(String(p.etaMax * over), '1000000000', 'ts');
        expect(r.status).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/eta = .* is above 2N\/lambda_max/);
      }),
      { numRuns: 15 },
    );
  });

  it.each([
    ['ntk --predict --eta 1e300', () => ntkPredict('1e300', '10', 'wasm'), /eta = 1e\+300 is above 2N\/lambda_max/],
    [
      'kernel on all-zero inputs',
      () => runCliInProcess(['kernel', '--data', zeros, '--alpha', '0.5', '--particles', '64']),
      /the estimated ntk is 0 on every pair .* relative error is undefined/,
    ],
    [
      'kernel --alpha 1e30',
      () => runCliInProcess(['kernel', '--data', train, '--alpha', '1e30', '--particles', '64']),
      /the estimated ntk is 0 on every pair/,
    ],
    [
      'ntk --ridge 1e308',
      () => runCliInProcess(['ntk', '--model', model, '--data', train, '--test', train, '--ridge', '1e308']),
      /ridge = 1e\+308 swamps the kernel/,
    ],
  ])('%s: exit 2 with the cause, nothing printed', async (_name, run, message) => {
    const r = await run();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('predict() on the ts backend refuses outputs that overflow (as eval does), naming the entry', async () => {
    const relu = initialize({ recurrence: 'diagonal', activation: 'relu', m: 4, d: 1, alpha: 1 }, { seed: 1 });
    const huge = {
      ...relu,
      W: relu.W.map(() => 1e200),
      W0: relu.W0.map(() => 1e200),
      U: relu.U.map(() => 1e200),
      U0: relu.U0.map(() => 1e200),
    };
    const X = { X: new Float64Array(2 * 6).fill(1), T: 6 };
    await expect(predict(huge, X, { backend: 'ts' })).rejects.toThrow(
      /predict: the prediction \(entry 0\) is not finite/,
    );
  });
});
