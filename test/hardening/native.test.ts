/**
 * Hardening of the native backend: bad input is refused with the field named (at the package's
 * doors and, behind them, by the addon itself), allocations over the memory cap are refused before
 * they happen, use after free is a clear error at both levels, and create/free cycles do not leak.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { setMemoryCap } from '../../ts/backend/capacity.js';
import { nativeBackend, nativeTarget } from '../../ts/backend/native-backend.js';
import { CapacityError, UseAfterFreeError, ValidationError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { randomData } from '../helpers.js';

const params = (recurrence: 'dense' | 'diagonal', m = 16) =>
  initialize({ recurrence, m, d: 3, alpha: 0.8 }, { seed: 1 });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const addon: Any = createRequire(import.meta.url)(`../../npm/${nativeTarget()}/rnn-gd.${nativeTarget()}.node`);

describe('native: bad input', () => {
  it('the package refuses it before the addon (same messages as wasm)', async () => {
    const backend = await nativeBackend();
    const p = params('diagonal');
    expect(() => backend.network({ ...p, U: p.U.map((v, k) => (k === 3 ? 1e39 : v)) })).toThrow(ValidationError);
    using net = backend.network(p);
    expect(() => net.write('W', new Float64Array(3))).toThrow(ValidationError);
    using ws = net.workspace(4, 2);
    expect(() => ws.setData(randomData(4, 3, 3, 'final'))).toThrow(/T = 3 but the workspace was made for T = 2/);
    expect(() => ws.forward()).toThrow(/no data loaded/);
    ws.setData(randomData(4, 2, 3, 'final'));
    expect(() => ws.train(1, Infinity, { kind: 'none' })).toThrow(ValidationError);
    expect(() => net.project({ kind: 'maxnorm', rho: -1 })).toThrow(/rho must be a finite number >= 0/);
  });

  it('the addon refuses it on its own: enum codes, sizes, buffer ids, lengths, array types, aliasing', () => {
    expect(() => new addon.RawModel(7, 0, 0, 8, 2, 1)).toThrow(
      /recurrence must be a member of RawRecurrence \(got 7\)/,
    );
    expect(() => new addon.RawModel(0, 0, 0, 7, 2, 1)).toThrow(/m/);
    expect(() => new addon.RawModel(0, 0, 0, 8, 2, Infinity)).toThrow(/alpha must be a finite float32/);
    const model = new addon.RawModel(0, 0, 0, 8, 2, 0.5);
    expect(() => model.write_f32(99, new Float32Array(1))).toThrow(/buffer 99 is not a known buffer/);
    expect(() => model.write_f32(model.w_ptr(), new Float32Array(65))).toThrow(
      /65 values do not fit in a buffer of 64/,
    );
    expect(() => model.read_f32(model.c_ptr(), new Float32Array(9))).toThrow(/asked for 9 values, the buffer has 8/);
    expect(() => model.read_f64(model.c_ptr(), new Float64Array(1))).toThrow(/not a float64 buffer/);
    expect(() => model.write_f32(model.w_ptr(), new Float64Array(4))).toThrow(/Float32Array|Expected/);
    expect(() => model.project(5, 1)).toThrow(/projection kind must be a member of RawProjection/);
    expect(() => model.project(1, NaN)).toThrow(/rho must be finite/);
    const ws = new addon.RawWorkspace(model, 4, 3);
    expect(() => ws.set_n(5)).toThrow(/n must be in 1..=4/);
    expect(() => ws.reserve(10, 5)).toThrow(/batch must be <= n_max/);
    const shared = new Float64Array(6);
    const [a, d] = [shared.subarray(0, 4), shared.subarray(2, 4)];
    const two = () => new Float64Array(2);
    expect(() => addon.tridiagonalize(a, 2, d, two(), new Float64Array(4), two())).toThrow(/must be distinct arrays/);
    expect(() =>
      addon.tridiagonalize(
        new Float64Array(3),
        2,
        new Float64Array(2),
        new Float64Array(2),
        new Float64Array(4),
        new Float64Array(2),
      ),
    ).toThrow(/expected a and v of n\*n values/);
    ws.free();
    model.free();
  });
});

describe('native: memory cap', () => {
  it('over the cap: CapacityError naming native memory, before allocation; the backend still works', async () => {
    const backend = await nativeBackend();
    using net = backend.network(params('dense', 256));
    setMemoryCap('1MiB');
    try {
      expect(() => net.workspace(4000, 10)).toThrow(CapacityError);
      expect(() => net.workspace(4000, 10)).toThrow(/needs .* of native memory, more than the memory cap of 1\.0 MiB/);
      expect(() => backend.network(params('dense', 2048))).toThrow(
        /model \(dense, m = 2048, d = 3\) needs .* native memory/,
      );
      const data = randomData(600, 3, 3, 'final');
      expect(() => backend.kernels.ntkGram(params('diagonal'), data)).toThrow(CapacityError);
    } finally {
      setMemoryCap(null);
    }
    expect(() => net.workspace(2 ** 32 + 1, 1)).toThrow(CapacityError);
    using ws = net.workspace(3, 5);
    ws.setData(randomData(3, 5, 3, 'final'));
    expect(Number.isFinite(ws.forward().loss)).toBe(true);
  });
});

describe('native: use after free', () => {
  it('a freed network or workspace gives a clear error; free() twice is harmless', async () => {
    const backend = await nativeBackend();
    const net = backend.network(params('dense'));
    const ws = net.workspace(5, 4);
    ws.setData(randomData(5, 4, 3, 'final'));
    ws.free();
    ws.free();
    expect(() => ws.forward()).toThrow(/native workspace: used after free\(\)/);
    const ws2 = net.workspace(5, 4);
    ws2.setData(randomData(5, 4, 3, 'final'));
    net.free();
    net.free();
    expect(() => net.read('W')).toThrow(/native network: used after free\(\)/);
    expect(() => ws2.lossGrad()).toThrow(UseAfterFreeError);
    ws2.free();
  });

  it('the addon itself throws on a freed object (never touches freed memory)', () => {
    const model = new addon.RawModel(1, 0, 0, 8, 2, 0.5);
    const ws = new addon.RawWorkspace(model, 4, 3);
    const feats = new addon.RawFeatures(model, 4, 3);
    const teacher = new addon.RawTeacher(0, 2, 0.5, 5, 4, 3);
    for (const o of [ws, feats, teacher]) o.free();
    expect(() => ws.forward(model)).toThrow(/RawWorkspace: used after free\(\)/);
    expect(() => ws.read_f32(ws.pred_ptr(), new Float32Array(1))).toThrow(/RawWorkspace: used after free/);
    expect(() => feats.ntk_gram(model)).toThrow(/RawFeatures: used after free/);
    expect(() => teacher.sum()).toThrow(/RawTeacher: used after free/);
    const ws2 = new addon.RawWorkspace(model, 4, 3);
    model.free();
    model.free();
    expect(() => ws2.forward(model)).toThrow(/RawModel: used after free\(\)/);
    expect(() => model.write_f32(model.w_ptr(), new Float32Array(8))).toThrow(/RawModel: used after free/);
    expect(() => new addon.RawWorkspace(model, 4, 3)).toThrow(/RawModel: used after free/);
    ws2.free();
  });

  it('3000 create/train/free cycles: resident memory does not grow', async () => {
    const backend = await nativeBackend();
    const data = randomData(32, 10, 3, 'final');
    const cycle = () => {
      using net = backend.network(params('dense', 64));
      using ws = net.workspace(32, 10);
      ws.setData(data);
      ws.train(2, 0.1, { kind: 'maxnorm', rho: 1 });
      backend.kernels.ntkGram(params('diagonal'), randomData(8, 4, 3, 'final'));
    };
    for (let i = 0; i < 200; i++) cycle();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3000; i++) cycle();
    // Each cycle allocates ~0.2 MiB natively: a leak would add ~600 MiB.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });
});
