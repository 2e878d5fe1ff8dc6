/**
 * Resources: thousands of create/free cycles of networks, workspaces, trainers and kernel calls
 * leave the wasm memory flat (and the live-byte count back at zero); use after free is a clear
 * error; double free is harmless; failing constructors leak nothing.
 */
import { describe, expect, it } from 'vitest';
import { liveWasmBytes, setMemoryCap } from '../../ts/backend/capacity.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import { loadWasm } from '../../ts/backend/wasm-loader.js';
import { initialize } from '../../ts/train/init.js';
import { Trainer } from '../../ts/train/trainer.js';
import { randomData } from '../helpers.js';
import { CapacityError, UseAfterFreeError, ValidationError } from '../../ts/core/errors.js';

const params = (recurrence: 'dense' | 'diagonal', seed = 1) =>
  initialize({ recurrence, m: 16, d: 3, alpha: 0.8 }, { seed });

/** Runs `cycle` `count` times after a warm-up; the memory must not grow and the live bytes return to the start. */
async function flat(count: number, cycle: (i: number) => void | Promise<void>): Promise<void> {
  const wasm = await loadWasm();
  for (let i = 0; i < 20; i++) await cycle(i); // warm-up: allocator free lists and high-water mark
  const bytes = wasm.memory.buffer.byteLength;
  const live = liveWasmBytes(wasm.memory);
  for (let i = 0; i < count; i++) await cycle(i);
  expect(wasm.memory.buffer.byteLength).toBe(bytes);
  expect(liveWasmBytes(wasm.memory)).toBe(live);
}

describe('no leaks across create/free cycles (wasm memory flat)', () => {
  it('5000 networks + workspaces (set data, train, forward, free)', async () => {
    const backend = await wasmBackend();
    const p = [params('dense'), params('diagonal')];
    const data = randomData(12, 7, 3, 'final');
    await flat(5000, (i) => {
      using net = backend.network(p[i % 2]);
      using ws = net.workspace(12 + (i % 5), 7);
      ws.setData(data);
      ws.train(
        2,
        0.05,
        { kind: 'maxnorm', rho: 1 },
        i % 3 === 0 ? { size: 4, indices: new Uint32Array([0, 1, 2, 3, 4, 5, 6, 7]) } : undefined,
      );
      ws.forward();
    });
  });

  it('2000 kernel calls (per-sample gradients, NTK Gram, tangent features, teacher sums)', async () => {
    const backend = await wasmBackend();
    const pd = params('dense'),
      pg = params('diagonal');
    const data = randomData(10, 5, 3, 'final');
    const particles = {
      w: Float64Array.from({ length: 9 }, (_, k) => k / 10 - 0.4),
      u: new Float64Array(27).fill(0.1),
    };
    const spec = { activation: 'tanh' as const, alpha: 0.5, d: 3 };
    await flat(2000, (i) => {
      switch (i % 4) {
        case 0:
          backend.kernels.perSampleGradients(i % 8 === 0 ? pd : pg, data);
          break;
        case 1:
          backend.kernels.ntkGram(i % 8 === 1 ? pd : pg, data);
          break;
        case 2:
          backend.kernels.tangentFeatures(spec, particles, data);
          break;
        default:
          backend.kernels.teacherSum(spec, particles, new Float64Array(36).fill(0.2), data);
      }
    });
  });

  it('300 trainers (GD, SGD resident and streamed, with test data), and a second free is harmless', async () => {
    const backend = await wasmBackend();
    const data = randomData(40, 6, 3, 'final');
    const test = randomData(10, 6, 3, 'final', 2);
    await flat(300, async (i) => {
      const trainer = new Trainer({
        backend,
        params: params(i % 2 ? 'dense' : 'diagonal'),
        data,
        test,
        memoryBudget: i % 3 === 2 ? 4096 : undefined,
        train: { eta: 0.1, steps: 6, recordEvery: 3, batchSize: i % 3 === 0 ? 0 : 8 },
      });
      await trainer.run();
      trainer.free();
      trainer.free();
    });
  });

  it('failing constructors and refused allocations leak nothing', async () => {
    const backend = await wasmBackend();
    const p = params('diagonal');
    const bad = { ...p, U: p.U.map((v, k) => (k === 3 ? 1e39 : v)) };
    setMemoryCap('1MiB');
    try {
      await flat(2000, (i) => {
        if (i % 2 === 0) {
          expect(() => backend.network(bad)).toThrow(ValidationError);
        } else {
          using net = backend.network(p);
          expect(() => net.workspace(100_000, 10)).toThrow(CapacityError);
          using ws = net.workspace(4, 2);
          expect(() => ws.setData(randomData(4, 3, 3, 'final'))).toThrow(/T = 3 but the workspace was made for T = 2/);
        }
      });
    } finally {
      setMemoryCap(null);
    }
  });
});

describe('use after free and double free', () => {
  it('a freed network or workspace gives a clear error; free() twice is harmless', async () => {
    const backend = await wasmBackend();
    const net = backend.network(params('dense'));
    const ws = net.workspace(5, 4);
    ws.setData(randomData(5, 4, 3, 'final'));
    ws.free();
    ws.free();
    expect(() => ws.forward()).toThrow(UseAfterFreeError);
    expect(() => ws.forward()).toThrow(/wasm workspace: used after free\(\)/);
    expect(() => ws.train(1, 0.1, { kind: 'none' })).toThrow(/used after free/);
    const ws2 = net.workspace(5, 4);
    ws2.setData(randomData(5, 4, 3, 'final'));
    net.free();
    net.free();
    expect(() => net.read('W')).toThrow(/wasm network: used after free\(\)/);
    expect(() => net.write('W', new Float64Array(256))).toThrow(UseAfterFreeError);
    expect(() => net.project({ kind: 'maxnorm', rho: 1 })).toThrow(UseAfterFreeError);
    expect(() => net.workspace(2, 2)).toThrow(UseAfterFreeError);
    // the workspace outlives its network: using it is a clear error, not a crash inside wasm
    expect(() => ws2.forward()).toThrow(/wasm network: used after free\(\)/);
    expect(() => ws2.lossGrad()).toThrow(UseAfterFreeError);
    ws2.free();
    // and the module still works
    using net3 = backend.network(params('diagonal'));
    using ws3 = net3.workspace(5, 4);
    ws3.setData(randomData(5, 4, 3, 'final'));
    expect(Number.isFinite(ws3.forward().loss)).toBe(true);
  });
});
