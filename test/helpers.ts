/** Shared test fixtures: small seeded data sets and the list of backends every suite runs over. */
import { createRequire } from 'node:module';
import { getBackend, type Backend } from '../ts/backend/index.js';
import { nativeTarget } from '../ts/backend/native-backend.js';
import { makeRng, type Seed } from '../ts/core/rng.js';
import { generateInputs } from '../ts/data/inputs.js';
import type { Dataset, Readout, BackendName } from '../ts/core/types.js';

/** n sequences of Gaussian inputs projected onto the unit ball, with Gaussian targets. */
export function randomData(n: number, T: number, d: number, readout: Readout, seed: Seed = 1): Dataset {
  const rng = makeRng(seed, 'test-data');
  const X = generateInputs({ kind: 'gaussian', scale: 1 }, n, T, d, rng);
  const Y = new Float64Array(n * (readout === 'all' ? T : 1));
  for (let i = 0; i < Y.length; i++) Y[i] = 0.5 * rng.normal();
  return { n, T, d, X, Y };
}

export const BACKENDS = ['wasm', 'native', 'ts'] as const;

/**
 * The native addon's exact GEMM kernels (`true`: mul then add, bit-identical to wasm) or its
 * fused ones (the default) for this test process; returns the kernel name now in use.
 */
export function setNativeExact(exact: boolean): string {
  const target = nativeTarget();
  const addon = createRequire(import.meta.url)(`../npm/${target}/rnn-gd.${target}.node`) as {
    set_exact_kernels(exact: boolean): string;
  };
  return addon.set_exact_kernels(exact);
}
export const backend = (name: BackendName): Promise<Backend> => getBackend(name);

/** max_i |a_i - b_i| / max(max_i |b_i|, floor): a scale-aware relative error. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let num = 0,
    den = floor;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}
