/**
 * The exact infinite-width NTK and NNGP of the dense model (docs/theory.md, "Exact infinite-width
 * kernels of the dense model") [our derivation, following Yang's Tensor Programs and Alemohammad et
 * al.'s RNTK]. The recursion lives in the backends: the float64 TypeScript reference
 * (ts/backend/ts-dense-kernel.ts) and the Rust core (crates/rnn-core/src/dense_kernel.rs).
 */
import type { Backend, DenseKernelSpec } from '../backend/types.js';
import type { Dataset } from '../core/types.js';

/**
 * K(A, B) (B = A when omitted), float64. Readout 'final': nA x nB row-major; 'all': (nA T) x (nB T),
 * row a*T + t, column b*T + s.
 *
 * ```ts
 * const K = exactDenseKernel(await getBackend('wasm'), { kind: 'ntk', activation: 'tanh', alpha: 1, readout: 'final' }, data);
 * ```
 */
export function exactDenseKernel(backend: Backend, spec: DenseKernelSpec, A: Dataset, B?: Dataset): Float64Array {
  return backend.kernels.denseKernel(spec, A, B);
}
