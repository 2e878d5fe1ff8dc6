/**
 * Flush-to-zero in the experiments' regime (diagonal, alpha = 0.5, w ~ U[-1, 1], T = 50): the
 * unflushed BPTT adjoints reach float32-subnormal magnitudes, the flushed ones (float32 ts path,
 * as the wasm core) never do, and the gradients agree within float32 rounding; wasm agrees with
 * the float64 reference at the usual parity tolerance.
 */
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { backwardSequence, forwardSequence, FLUSH_BELOW, sequenceScratch } from '../../ts/backend/reference-rnn.js';
import { initialize } from '../../ts/train/init.js';
import { backend, randomData, relError } from '../helpers.js';

const FLOAT32_MIN_NORMAL = 2 ** -126;
const spec = { recurrence: 'diagonal', activation: 'tanh', readout: 'final', m: 64, d: 4, alpha: 0.5 } as const;
const T = 50;

function regime() {
  const p = initialize(spec, { seed: 'flush' }); // w ~ U[-1, 1], symmetric halves
  for (let i = 0; i < p.U.length; i++) p.U[i] = Math.fround(p.U[i] + 0.2 * Math.cos(1.7 * i));
  for (const k of ['W', 'U', 'W0', 'U0'] as const) p[k] = Float64Array.from(Float32Array.from(p[k]));
  const data = randomData(16, T, spec.d, 'final', 'flush');
  data.X = Float64Array.from(Float32Array.from(data.X));
  data.Y = Float64Array.from(Float32Array.from(data.Y));
  return { p, data };
}

describe('flush to zero of the BPTT adjoints', () => {
  it('is 2^-80', () => expect(FLUSH_BELOW).toBe(2 ** -80));

  it('the unflushed adjoints reach subnormal magnitudes, the flushed never; gradients agree', () => {
    const { p, data } = regime();
    const s = sequenceScratch(spec.m, T);
    const run = (flush: number) => {
      const gW = new Float64Array(p.W.length),
        gU = new Float64Array(p.U.length);
      let tiny = 0;
      for (let j = 0; j < data.n; j++) {
        forwardSequence(spec, p.W, p.U, data.X, j, T, s);
        const seed = (t: number, dh: Float64Array) => {
          for (const v of dh) if (v !== 0 && Math.abs(v) < FLOAT32_MIN_NORMAL) tiny++;
          if (t === T - 1) for (let i = 0; i < spec.m; i++) dh[i] += (0.1 * p.c[i]) / data.n;
        };
        backwardSequence(spec, p.W, data.X, j, T, s, seed, gW, gU, flush);
      }
      return { gW, gU, tiny };
    };
    const off = run(0),
      on = run(FLUSH_BELOW);
    expect(off.tiny).toBeGreaterThan(0);
    expect(on.tiny).toBe(0);
    expect(relError(on.gW, off.gW)).toBeLessThanOrEqual(2 ** -24);
    expect(relError(on.gU, off.gU)).toBeLessThanOrEqual(2 ** -24);
  });

  it('wasm, native and the float32 ts path (all flushed) agree with the float64 reference within 1e-4', async () => {
    const { p, data } = regime();
    const backends = [await backend('wasm'), await backend('native'), tsBackend({ dtype: 'float32' })];
    const grads = [...backends, tsBackend({ dtype: 'float64' })].map((b) => {
      using net = b.network(p);
      using ws = net.workspace(data.n, data.T);
      ws.setData(data);
      ws.lossGrad();
      return [Float64Array.from(net.read('gradW')), Float64Array.from(net.read('gradU'))];
    });
    const ref = grads[3];
    for (const g of grads.slice(0, 3)) {
      expect(relError(g[0], ref[0])).toBeLessThanOrEqual(1e-4);
      expect(relError(g[1], ref[1])).toBeLessThanOrEqual(1e-4);
    }
  });
});
