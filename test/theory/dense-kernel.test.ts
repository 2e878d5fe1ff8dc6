/**
 * The exact infinite-width kernels of the dense model (ts/theory/dense-kernel.ts): the Gaussian
 * expectations and the recursion against an independent NumPy implementation
 * (test/theory/dense_kernel_reference.py), and the empirical NTK converging to the kernel.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName } from '../../ts/core/activations.js';
import { initialize } from '../../ts/train/init.js';
import { gaussPair } from '../../ts/backend/gauss-pair.js';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { exactDenseKernel } from '../../ts/theory/dense-kernel.js';
import { relativeDrift } from '../../ts/theory/ntk.js';
import { logLogSlope } from '../../ts/theory/infinite-width.js';
import type { Dataset, InitScheme, Readout } from '../../ts/core/types.js';
import { backend, randomData } from '../helpers.js';
import { PYTHON, requireNumpy } from '../python.js';

const SCRIPT = fileURLToPath(new URL('./dense_kernel_reference.py', import.meta.url));

function numpy(request: Record<string, unknown>): { pairs: number[][]; ntk?: number[][]; nngp?: number[][] } {
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dense_kernel_reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const nested = (data: Dataset) =>
  Array.from({ length: data.n }, (_, j) =>
    Array.from({ length: data.T }, (_, t) =>
      Array.from(data.X.subarray((j * data.T + t) * data.d, (j * data.T + t + 1) * data.d)),
    ),
  );

beforeAll(requireNumpy);
const reference = tsBackend({ dtype: 'float64' });

describe("Gaussian expectations V_sigma, V_sigma'", () => {
  // Variances up to 10 (a tanh network at alpha = 3 with unit inputs), correlations up to +-1.
  const pairs: [number, number, number][] = [];
  for (const q1 of [0, 0.05, 0.5, 1, 3, 6, 10])
    for (const q2 of [0.3, 3, 10])
      for (const rho of [-1, -0.9, 0, 0.5, 0.99, 1]) pairs.push([q1, q2, rho * Math.sqrt(q1 * q2)]);
  it.each(ACTIVATIONS)('%s: within 1e-7 of the NumPy reference (relative to sqrt(V(q1,q1) V(q2,q2)))', (act) => {
    const ref = numpy({ activation: act, pairs }).pairs;
    let worst = 0;
    pairs.forEach(([q1, q2, c], k) => {
      const g = gaussPair(act, q1, q2, c);
      const d1 = gaussPair(act, q1, q1, q1),
        d2 = gaussPair(act, q2, q2, q2);
      worst = Math.max(
        worst,
        Math.abs(g.hh - ref[k][0]) / (Math.sqrt(d1.hh * d2.hh) || 1),
        Math.abs(g.dd - ref[k][1]) / (Math.sqrt(d1.dd * d2.dd) || 1),
      );
    });
    expect(worst).toBeLessThan(1e-7);
  });
});

describe('the exact recursion against NumPy', () => {
  const cases: [ActivationName, Readout][] = [
    ['tanh', 'final'],
    ['sigmoid', 'final'],
    ['sin', 'final'],
    ['relu', 'final'],
    ['tanh', 'all'],
    ['relu', 'all'],
  ];
  it.each(cases)('%s readout %s: NTK and NNGP within 1e-6', (activation, readout) => {
    const data = randomData(3, 4, 2, readout, `exact-${activation}`);
    const alpha = 1.3;
    const ref = numpy({ activation, alpha, readout, X: nested(data), pairs: [] });
    for (const kind of ['ntk', 'nngp'] as const) {
      const K = exactDenseKernel(reference, { kind, activation, alpha, readout }, data);
      const R = Float64Array.from(ref[kind]!.flat());
      expect(K.length).toBe(R.length);
      expect(relativeDrift(R, K)).toBeLessThan(1e-6);
    }
  });
  it('a cross kernel K(A, B) is the block of K(A u B)', () => {
    const A = randomData(2, 3, 2, 'final', 'a'),
      B = randomData(3, 3, 2, 'final', 'b');
    const U: Dataset = { n: 5, T: 3, d: 2, X: Float64Array.from([...A.X, ...B.X]), Y: new Float64Array(5) };
    const spec = { kind: 'ntk', activation: 'tanh', alpha: 0.9, readout: 'final' } as const;
    const full = exactDenseKernel(reference, spec, U);
    const cross = exactDenseKernel(reference, spec, A, B);
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++) expect(cross[a * 3 + b]).toBeCloseTo(full[a * 5 + 2 + b], 14);
  });
});

describe('the Rust core (wasm and native) agrees with the float64 reference', () => {
  it.each(ACTIVATIONS.flatMap((a) => (['wasm', 'native'] as const).map((b) => [a, b] as const)))(
    '%s on %s: final and all, NTK and NNGP, A x A and A x B, within 1e-9',
    async (activation, name) => {
      const wasm = await backend(name);
      for (const readout of ['final', 'all'] as const) {
        const A = randomData(4, 5, 3, readout, 'rust-a'),
          B = randomData(3, 5, 3, readout, 'rust-b');
        for (const kind of ['ntk', 'nngp'] as const) {
          const spec = { kind, activation, alpha: 1.7, readout };
          expect(relativeDrift(exactDenseKernel(reference, spec, A), exactDenseKernel(wasm, spec, A))).toBeLessThan(
            1e-9,
          );
          expect(
            relativeDrift(exactDenseKernel(reference, spec, A, B), exactDenseKernel(wasm, spec, A, B)),
          ).toBeLessThan(1e-9);
        }
      }
    },
  );
  it('bad arguments are refused with the field named, on every backend', async () => {
    const A = randomData(2, 3, 2, 'final', 'bad');
    for (const b of [reference, await backend('wasm'), await backend('native')]) {
      const spec = { kind: 'ntk', activation: 'tanh', alpha: 1, readout: 'final' } as const;
      expect(() => exactDenseKernel(b, { ...spec, alpha: NaN }, A)).toThrow(/alpha must be finite/);
      expect(() => exactDenseKernel(b, { ...spec, kind: 'gp' as 'ntk' }, A)).toThrow(/kind must be/);
      expect(() => exactDenseKernel(b, spec, A, randomData(2, 4, 2, 'final'))).toThrow(/same T/);
      const X = A.X.slice();
      X[3] = Infinity;
      expect(() => exactDenseKernel(b, spec, { ...A, X })).toThrow(/A input 3 is not finite/);
    }
  });
});

describe('the empirical NTK at initialization converges to the exact kernel', () => {
  const data = randomData(3, 3, 2, 'final', 'converge');
  const alpha = 0.8;
  const K = exactDenseKernel(reference, { kind: 'ntk', activation: 'tanh', alpha, readout: 'final' }, data);
  /** Root-mean-square relative distance over `seeds` initializations of width m. */
  const distance = async (scheme: InitScheme, m: number, seeds: number) => {
    const b = await backend('wasm');
    let s = 0;
    for (let r = 0; r < seeds; r++) {
      const p = initialize({ recurrence: 'dense', activation: 'tanh', m, d: 2, alpha }, { seed: r, scheme });
      s += relativeDrift(K, b.kernels.ntkGram(p, data)) ** 2;
    }
    return Math.sqrt(s / seeds);
  };
  const widths = [32, 128, 512];
  it.each(['halves', 'iid'] as const)('%s: like m^(-1/2) (fitted exponent over m = 32, 128, 512)', async (scheme) => {
    const d = [];
    for (const m of widths) d.push(await distance(scheme, m, 8));
    const slope = logLogSlope(widths, d);
    expect(slope).toBeGreaterThan(-0.8);
    expect(slope).toBeLessThan(-0.35);
    expect(d[2]).toBeLessThan(0.12);
  });
  it('paired (regression): a last-step kernel, not the recurrent one; the distance does not shrink', async () => {
    const d128 = await distance('paired', 128, 4),
      d512 = await distance('paired', 512, 4);
    expect(d512).toBeGreaterThan(0.2);
    expect(d512 / d128).toBeGreaterThan(0.7);
  });
});
