/**
 * TensorFlow.js peers: the same model (docs/spec/model.md section 2, dense or diagonal, tanh, readout final),
 * the same loss (section 5) and the same full-batch projected GD step (section 6), written with
 * tf.variableGrads over a loop unrolled in T (no tf.scan), on the cpu (plain JS) and wasm
 * (XNNPACK, SIMD) backends. Node: tfjs-backend-wasm finds its .wasm files through setWasmPaths,
 * given the package's dist directory as a file path.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
// The union package: tfjs-core's own Node bundle registers no gradients (they ship as ESM that
// Node cannot load), @tensorflow/tfjs registers them all, with the cpu backend.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ALPHA, ETA, PROJECTION, benchData, benchParams } from './recipe.mjs';

/** @typedef {import('./recipe.mjs').BenchCase} BenchCase */
/** @typedef {'cpu' | 'wasm'} TfBackend */

const require = createRequire(import.meta.url);
setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);

export const TFJS_VERSION = tf.version.tfjs;
// Production mode, as one benchmarks: no debug checks (and no tfjs-node advertisement on stderr).
tf.env().set('PROD', true);

/**
 * Makes `which` the active tfjs backend.
 * @param {TfBackend} which
 */
export async function useTfBackend(which) {
  if (tf.getBackend() !== which && !(await tf.setBackend(which)))
    throw new Error(`tfjs backend ${which} failed to initialize`);
  await tf.ready();
}

/** tfjs-wasm feature flags as seen in this process. */
export async function tfWasmFeatures() {
  await useTfBackend('wasm');
  return { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
}

let serial = 0;

/**
 * @param {TfBackend} which
 * @param {BenchCase} c
 * @returns {Promise<import('./rnn-gd.mjs').Runner | null>}
 */
export async function tfjsRunner(which, c) {
  if (c.kind !== 'step') return null;
  await useTfBackend(which);
  const params = benchParams(c);
  const data = benchData(c);
  const { m, d, T, n } = c;
  const dense = c.recurrence === 'dense';
  const id = `${which}-${c.name}-${serial++}`;
  const wShape = dense ? [m, m] : [m];
  const W = tf.variable(tf.tensor(Float32Array.from(params.W), wShape), true, `W-${id}`);
  const U = tf.variable(tf.tensor(Float32Array.from(params.U), [m, d]), true, `U-${id}`);
  const W0 = tf.tensor(Float32Array.from(params.W0), wShape);
  const U0 = tf.tensor(Float32Array.from(params.U0), [m, d]);
  const cvec = tf.tensor(Float32Array.from(params.c), [m, 1]);
  // x_t for every sample, one [n, d] tensor per t. (Functional ops: tfjs-core's Node bundle has no chained ops.)
  const xs = tf.tidy(() => tf.unstack(tf.transpose(tf.tensor(data.X, [n, T, d]), [1, 0, 2])));
  const y = tf.tensor(data.Y, [n]);
  const scale = dense ? ALPHA / Math.sqrt(m) : ALPHA;
  const radius = PROJECTION.rho / Math.sqrt(m);

  const lossFn = () => {
    const Ws = tf.mul(W, scale);
    /** @type {tf.Tensor | null} */
    let h = null;
    for (let t = 0; t < T; t++) {
      let z = tf.matMul(xs[t], U, false, true); // U x_t
      if (h) z = tf.add(z, dense ? tf.matMul(h, Ws, false, true) : tf.mul(h, Ws)); // (alpha/sqrt m) W h_{t-1}
      h = tf.tanh(z);
    }
    // T >= 1, so h is set. The loss is a scalar, as tf.variableGrads needs.
    const f = tf.mul(tf.reshape(tf.matMul(/** @type {tf.Tensor} */ (h), cvec), [n]), 1 / Math.sqrt(m));
    return /** @type {tf.Scalar} */ (tf.div(tf.sum(tf.square(tf.sub(f, y))), 2 * n));
  };

  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, [W, U]);
      const dW = tf.sub(tf.sub(W, tf.mul(grads[W.name], ETA)), W0);
      const dU = tf.sub(tf.sub(U, tf.mul(grads[U.name], ETA)), U0);
      // Max-norm projection, per neuron: theta_i <- theta_i(0) + d_i min(1, radius / ||d_i||).
      const dist2 = tf.add(dense ? tf.sum(tf.square(dW), 1) : tf.square(dW), tf.sum(tf.square(dU), 1));
      const factor = tf.minimum(1, tf.div(radius, tf.maximum(tf.sqrt(dist2), 1e-30)));
      const col = tf.expandDims(factor, 1);
      W.assign(tf.add(W0, tf.mul(dW, dense ? col : factor)));
      U.assign(tf.add(U0, tf.mul(dU, col)));
      return value;
    });

  return {
    async activate() {
      await useTfBackend(which);
    },
    loss: () => {
      const v = tf.tidy(lossFn);
      const out = v.dataSync()[0];
      v.dispose();
      return out;
    },
    step(k) {
      let last = 0;
      for (let s = 0; s < k; s++) {
        const v = step();
        if (s === k - 1) last = v.dataSync()[0];
        v.dispose();
      }
      return last;
    },
    free() {
      tf.dispose([W, U, W0, U0, cvec, y, ...xs]);
    },
  };
}
