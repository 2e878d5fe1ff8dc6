/** Runner for the data-parallel case: ts/parallel (dist/parallel) with K workers, wasm-simd or native. */
import { existsSync } from 'node:fs';
import { benchData, benchParams, ETA, PROJECTION } from './recipe.mjs';
import { wasmBuilt } from './rnn-gd.mjs';

const INDEX = new URL('../../dist/parallel/index.js', import.meta.url);
export const parallelBuilt = () => existsSync(INDEX) && wasmBuilt('simd');

/**
 * @param {import('./recipe.mjs').BenchCase} c
 * @param {number} workers
 * @param {'wasm' | 'native'} [backend]
 * @returns {Promise<import('./rnn-gd.mjs').Runner | null>}
 */
export async function parallelRunner(c, workers, backend = 'wasm') {
  if (!parallelBuilt()) return null;
  const { ParallelTrainer } = await import(INDEX.href);
  const params = benchParams(c);
  const data = benchData(c);
  const options = backend === 'wasm' ? { flavor: 'simd' } : { backend };
  const trainer = await ParallelTrainer.create(params, data, { workers, ...options });
  return {
    async loss() {
      return trainer.lossGrad();
    },
    async step(k) {
      const r = await trainer.train(k, ETA, PROJECTION);
      if (r.completed !== k) throw new Error(`parallel ${c.name}: stopped after ${r.completed}/${k} steps`);
      return r.losses[k - 1];
    },
    free: () => trainer.free(),
  };
}
