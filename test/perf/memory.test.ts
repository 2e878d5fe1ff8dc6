/**
 * Memory (a performance target): wasm memory must not grow inside training (views would detach) nor leak
 * across free() + re-create cycles. Measured as the wasm memory's byteLength.
 */
import { describe, expect, it } from 'vitest';
import { initialize } from '../../ts/train/init.js';
import type { Projection } from '../../ts/core/types.js';
import { randomData } from '../helpers.js';

const load = async () => {
  const { wasmBackend } = await import('../../ts/backend/wasm-backend.js');
  const { loadWasm } = await import('../../ts/backend/wasm-loader.js');
  const backend = await wasmBackend('simd');
  const { memory } = await loadWasm('simd');
  return { backend, bytes: () => memory.buffer.byteLength };
};
const projection: Projection = { kind: 'maxnorm', rho: 2 };

describe('wasm memory', () => {
  for (const recurrence of ['dense', 'diagonal'] as const) {
    it(`${recurrence}: no growth across 1000 training steps after the first chunk`, async () => {
      const { backend, bytes } = await load();
      const params = initialize(
        { recurrence, activation: 'tanh', readout: 'final', m: 32, d: 4, alpha: 0.9 },
        { seed: 1 },
      );
      const data = randomData(64, 12, 4, 'final', 2);
      using net = backend.network(params);
      using ws = net.workspace(data.n, data.T);
      ws.setData(data);
      ws.train(10, 0.05, projection);
      const before = bytes();
      const view = net.read('W', { view: true });
      for (let chunk = 0; chunk < 99; chunk++) {
        const r = ws.train(10, 0.05, projection);
        expect(r.completed).toBe(10);
        ws.forward();
        ws.lossGrad();
      }
      expect(bytes()).toBe(before);
      expect(view.byteLength).toBeGreaterThan(0); // still attached: the memory never grew
    });
  }

  it('no growth after free(): thousands of create/train/free cycles', async () => {
    const { backend, bytes } = await load();
    const shapes = [
      { recurrence: 'dense' as const, m: 24, n: 40, T: 10 },
      { recurrence: 'diagonal' as const, m: 64, n: 30, T: 15 },
    ];
    const inputs = shapes.map((s) => ({
      params: initialize(
        { recurrence: s.recurrence, activation: 'tanh', readout: 'final', m: s.m, d: 3, alpha: 0.9 },
        { seed: s.m },
      ),
      data: randomData(s.n, s.T, 3, 'final', s.m),
    }));
    const cycle = (k: number) => {
      const { params, data } = inputs[k % 2];
      const net = backend.network(params);
      const ws = net.workspace(data.n, data.T);
      ws.setData(data);
      ws.train(2, 0.05, projection);
      ws.free();
      net.free();
    };
    for (let k = 0; k < 20; k++) cycle(k);
    const before = bytes();
    for (let k = 0; k < 3000; k++) cycle(k);
    expect(bytes()).toBe(before);
  });
});
