/** Runners for rnn-gd's own backends: the native addon, wasm (SIMD128 and scalar builds) and the pure-TS reference. */
import { existsSync } from 'node:fs';
import { tsBackend } from '../../dist/entries/index.js';
import { benchData, benchParams, ETA, PROJECTION } from './recipe.mjs';

/** @typedef {import('./recipe.mjs').BenchCase} BenchCase */
/** @typedef {import('../../dist/backend/wasm-loader.js').WasmFlavor} WasmFlavor */
/**
 * What run.mjs times: step(k) runs k steps and returns the last loss (or a checksum); loss() is the
 * loss at the current parameters (null for kinds without one); activate() before each use.
 * @typedef {object} Runner
 * @property {() => number | null | Promise<number | null>} loss
 * @property {(k: number) => number | Promise<number>} step
 * @property {() => void | Promise<void>} free
 * @property {() => Promise<void>} [activate]
 * @property {number | null} [lastCpuMs] CPU time of the last step(k) when not this process's
 */

const DIST = new URL('../../dist/', import.meta.url);
/** @param {WasmFlavor} flavor */
export const wasmBuilt = (flavor) => existsSync(new URL(`wasm-pkg/${flavor}/rnn_wasm_bg.wasm`, DIST));

/** @type {Map<string, Promise<import('../../dist/entries/index.js').Backend | null>>} */
const backends = new Map();
/**
 * The Backend object behind a bench backend name (cached; null when the wasm build is absent).
 * @param {string} name
 */
export async function rnnBackend(name) {
  if (!backends.has(name)) {
    backends.set(
      name,
      (async () => {
        switch (name) {
          case 'ts':
            return tsBackend();
          case 'ts-f32':
            return tsBackend({ dtype: 'float32' });
          case 'native': {
            // Throws when the addon cannot load: the bench notes it (a missing row is never silent).
            const { nativeBackend } = await import('../../dist/backend/native-backend.js');
            return nativeBackend();
          }
          case 'wasm-simd':
          case 'wasm-scalar': {
            const flavor = name === 'wasm-simd' ? 'simd' : 'scalar';
            if (!wasmBuilt(flavor)) return null;
            const { wasmBackend } = await import('../../dist/backend/wasm-backend.js');
            return wasmBackend(flavor);
          }
          default:
            throw new Error(`unknown rnn-gd backend ${name}`);
        }
      })(),
    );
  }
  return backends.get(name);
}

/**
 * The loaded wasm module of a flavor (memory, raw exports), or null.
 * @param {WasmFlavor} flavor
 */
export async function wasmModule(flavor) {
  if (!wasmBuilt(flavor)) return null;
  const { loadWasm } = await import('../../dist/backend/wasm-loader.js');
  return loadWasm(flavor);
}

/**
 * A runner trains the case's model from benchParams on benchData; step(k) runs k GD steps.
 * @param {string} name
 * @param {BenchCase} c
 * @returns {Promise<Runner | null>}
 */
export async function rnnRunner(name, c) {
  const backend = await rnnBackend(name);
  if (!backend) return null;
  const params = benchParams(c);
  const data = benchData(c);
  if (c.kind === 'gram') {
    return {
      loss: () => null,
      step(k) {
        let sink = 0;
        for (let s = 0; s < k; s++) sink += backend.kernels.ntkGram(params, data)[0];
        return sink;
      },
      free() {},
    };
  }
  const net = backend.network(params);
  const ws = net.workspace(c.n, c.T);
  ws.setData(data);
  return {
    loss: () => ws.forward().loss,
    step(k) {
      const r = ws.train(k, ETA, PROJECTION);
      if (r.completed !== k)
        throw new Error(`${name} ${c.name}: training stopped after ${r.completed}/${k} steps (non-finite loss)`);
      return r.losses[k - 1];
    },
    free() {
      ws.free();
      net.free();
    },
  };
}
