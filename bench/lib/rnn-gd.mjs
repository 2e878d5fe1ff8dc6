/** Runners for rnn-gd's own backends: wasm (SIMD128 and scalar builds) and the pure-TS reference. */
import { existsSync } from 'node:fs';
import { tsBackend } from '../../dist/index.js';
import { benchData, benchParams, ETA, PROJECTION } from './cases.mjs';

const DIST = new URL('../../dist/', import.meta.url);
export const wasmBuilt = (flavor) => existsSync(new URL(`wasm-pkg/${flavor}/rnn_wasm_bg.wasm`, DIST));

const backends = new Map();
/** The Backend object behind a bench backend name (cached; null when the wasm build is absent). */
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
          case 'wasm-simd':
          case 'wasm-scalar': {
            const flavor = name.slice(5);
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

/** The loaded wasm module of a flavor (memory, raw exports), or null. */
export async function wasmModule(flavor) {
  if (!wasmBuilt(flavor)) return null;
  const { loadWasm } = await import('../../dist/backend/wasm-loader.js');
  return loadWasm(flavor);
}

/** A runner trains the case's model from benchParams on benchData; step(k) runs k GD steps. */
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
