/**
 * `peak`: the machine's SIMD128 matrix-matrix throughput with the project's own register-blocked
 * GEMM (rnn-core), through the wasm export gemm_bench(m, n, k, reps) that runs `reps` products
 * C = A B of an (m x k) by (k x n) f32 matrix and returns a checksum. Timed here (wasm has no clock).
 * The shape is the dense-256 forward product: 512 samples x 256 x 256.
 */
import { wasmModule } from './rnn-gd.mjs';

const M = 512,
  N = 256,
  K = 256;
/**
 * The pseudo-case of the `peak` entry: one GEMM per "step".
 * @typedef {{ name: 'peak', kind: 'peak', flops: number, note: string }} PeakCase
 */
/** @type {PeakCase} */
export const PEAK_CASE = {
  name: 'peak',
  kind: 'peak',
  flops: 2 * M * N * K,
  note: `rnn-core GEMM ${M}×${K} · ${K}×${N} (SIMD128), ms per product`,
};

/** @returns {Promise<import('./rnn-gd.mjs').Runner | null>} */
export async function peakRunner() {
  const mod = await wasmModule('simd');
  if (!mod || typeof mod.pkg.gemm_bench !== 'function') return null;
  return {
    loss: () => null,
    step: (k) => mod.pkg.gemm_bench(M, N, K, k),
    free() {},
  };
}
