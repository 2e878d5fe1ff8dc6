/** One suite over every backend: the numerics contract of docs/spec/model.md sections 2-7. */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../ts/core/activations.js';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { initialize } from '../../ts/train/init.js';
import { neuronDistancesSq } from '../../ts/core/projection.js';
import { Trainer } from '../../ts/train/trainer.js';
import { ValidationError } from '../../ts/core/errors.js';
import type { ModelParams, Projection, Readout, Recurrence } from '../../ts/core/types.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import { nativeBackend } from '../../ts/backend/native-backend.js';
import type { Backend } from '../../ts/backend/types.js';
import { BACKENDS, backend, randomData, relError, setNativeExact } from '../helpers.js';

const reference = tsBackend({ dtype: 'float64' });

function perturbed(
  recurrence: Recurrence,
  activation: (typeof ACTIVATIONS)[number],
  readout: Readout,
  m = 8,
  d = 3,
): ModelParams {
  const p = initialize({ recurrence, activation, readout, m, d, alpha: 0.9 }, { seed: 'parity' });
  for (let i = 0; i < p.W.length; i++) p.W[i] += 0.2 * Math.sin(3.1 * i + 1);
  for (let i = 0; i < p.U.length; i++) p.U[i] += 0.2 * Math.cos(1.7 * i + 2);
  return p;
}

describe.each(['wasm', 'native'] as const)('%s (float32) agrees with the float64 reference', (core) => {
  for (const recurrence of ['dense', 'diagonal'] as const) {
    for (const activation of ACTIVATIONS) {
      for (const readout of ['final', 'all'] as const) {
        it(`${recurrence} ${activation} ${readout}: outputs, loss and gradients within 1e-4`, async () => {
          const wasm = await backend(core);
          // Round parameters to float32 first so both backends see the same numbers.
          const p = perturbed(recurrence, activation, readout, 12, 3);
          for (const k of ['W', 'U', 'W0', 'U0'] as const) p[k] = Float64Array.from(Float32Array.from(p[k]));
          const data = randomData(7, 9, 3, readout, recurrence + activation);
          data.X = Float64Array.from(Float32Array.from(data.X));
          data.Y = Float64Array.from(Float32Array.from(data.Y));
          const results = [wasm, reference].map((b) => {
            using net = b.network(p);
            using ws = net.workspace(data.n, data.T);
            ws.setData(data);
            const fwd = ws.forward();
            const loss = ws.lossGrad();
            return { ...fwd, loss, gW: Float64Array.from(net.read('gradW')), gU: Float64Array.from(net.read('gradU')) };
          });
          const [a, b] = results;
          expect(relError(a.predictions, b.predictions)).toBeLessThanOrEqual(1e-4);
          expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThanOrEqual(1e-4);
          expect(relError(a.gW, b.gW)).toBeLessThanOrEqual(1e-4);
          expect(relError(a.gU, b.gU)).toBeLessThanOrEqual(1e-4);
        });
      }
    }
  }

  it('projected GD trajectories agree over 50 steps (dense, maxnorm)', async () => {
    const wasm = await backend(core);
    const p = initialize(
      { recurrence: 'dense', activation: 'tanh', readout: 'final', m: 16, d: 4, alpha: 0.7 },
      { seed: 3 },
    );
    const data = randomData(32, 10, 4, 'final', 'traj');
    const run = (b: typeof wasm) => {
      using net = b.network(p);
      using ws = net.workspace(data.n, data.T);
      ws.setData(data);
      const chunk = ws.train(50, 0.5, { kind: 'maxnorm', rho: 1 });
      return { losses: chunk.losses, W: Float64Array.from(net.read('W')) };
    };
    const a = run(wasm),
      b = run(reference);
    expect(relError(a.losses, b.losses)).toBeLessThanOrEqual(1e-4);
    expect(relError(a.W, b.W)).toBeLessThanOrEqual(1e-4);
  });
});

/**
 * The stated tolerance of the native default (fused multiply-add GEMM kernels) against the wasm
 * builds, docs/performance.md: per evaluation (outputs, loss, gradients), the scale-aware relative
 * error `relError` is at most this; the exact native kernels (RNN_GD_NATIVE_EXACT=1) are
 * bit-identical to wasm.
 */
const FUSED_TOLERANCE = 1e-5;

/** Outputs, loss and gradients of `p` on `data` with backend `b`. */
function evaluate(b: Backend, p: ModelParams, data: ReturnType<typeof randomData>) {
  using net = b.network(p);
  using ws = net.workspace(data.n, data.T);
  ws.setData(data);
  const fwd = ws.forward();
  const loss = ws.lossGrad();
  return { ...fwd, loss, gW: Float64Array.from(net.read('gradW')), gU: Float64Array.from(net.read('gradU')) };
}

describe('parity over ts, wasm-simd, wasm-scalar and native (fused by default, exact on request)', () => {
  it.each(['dense', 'diagonal'] as const)(
    '%s, m = 64, T = 16: native fused within the stated tolerance of wasm; wasm-scalar and native exact bit for bit',
    async (recurrence) => {
      const [simd, scalar, native] = [await wasmBackend('simd'), await wasmBackend('scalar'), await nativeBackend()];
      let fusedDiffers = false;
      for (const activation of ACTIVATIONS) {
        for (const readout of ['final', 'all'] as const) {
          const p = perturbed(recurrence, activation, readout, 64, 4);
          for (const k of ['W', 'U', 'W0', 'U0'] as const) p[k] = Float64Array.from(Float32Array.from(p[k]));
          const data = randomData(24, 16, 4, readout, `fused ${recurrence} ${activation}`);
          data.X = Float64Array.from(Float32Array.from(data.X));
          data.Y = Float64Array.from(Float32Array.from(data.Y));
          const what = `${recurrence} ${activation} ${readout}`;
          const ref = evaluate(reference, p, data);
          const w = evaluate(simd, p, data);
          expect(evaluate(scalar, p, data), what).toEqual(w);
          setNativeExact(false);
          const fused = evaluate(native, p, data);
          expect(setNativeExact(true)).toMatch(/^(avx512|avx2|scalar)$/);
          expect(evaluate(native, p, data), `${what} (exact)`).toEqual(w);
          setNativeExact(false);
          for (const key of ['predictions', 'gW', 'gU'] as const) {
            const e = relError(fused[key], w[key]);
            expect(e, `${what} ${key}`).toBeLessThanOrEqual(FUSED_TOLERANCE);
            fusedDiffers ||= e > 0;
            for (const r of [w, fused])
              expect(relError(r[key], ref[key]), `${what} ${key} vs float64`).toBeLessThanOrEqual(1e-4);
          }
          expect(Math.abs(fused.loss - w.loss) / w.loss, `${what} loss`).toBeLessThanOrEqual(FUSED_TOLERANCE);
        }
      }
      // The default kernel fuses on this CPU (it has FMA): the comparison above must not be vacuous.
      expect(native.description).toMatch(/-fma f32$/);
      expect(fusedDiffers).toBe(true);
    },
  );
});

describe.each(BACKENDS)('%s backend', (name) => {
  it('symmetric initialization gives f(X; Theta(0)) = 0 exactly (dense: halves and paired; every activation)', async () => {
    const b = await backend(name);
    const cases = [
      ['dense', 'halves'],
      ['dense', 'paired'],
      ['diagonal', 'paired'],
    ] as const;
    for (const [recurrence, scheme] of cases) {
      for (const activation of ACTIVATIONS) {
        // m/2 = 5 and 20: odd and even half widths (the SIMD lanes split them differently).
        for (const m of [10, 40]) {
          for (const readout of ['final', 'all'] as const) {
            const spec = { recurrence, activation, readout, m, d: 2, alpha: 1.3 };
            const p = initialize(spec, { seed: 9, scheme });
            const data = randomData(5, 6, 2, readout, 'sym');
            using net = b.network(p);
            using ws = net.workspace(5, 6);
            ws.setData(data);
            const { predictions } = ws.forward();
            for (const v of predictions) expect(Object.is(v, 0) || Object.is(v, -0)).toBe(true);
          }
        }
      }
    }
  });

  it('projection: inside the ball, identity inside it, idempotent (maxnorm and l2)', async () => {
    const b = await backend(name);
    const p = initialize(
      { recurrence: 'dense', activation: 'tanh', readout: 'final', m: 8, d: 3, alpha: 1 },
      { seed: 4 },
    );
    const far = { ...p, W: p.W.map((v, i) => v + Math.sin(i)), U: p.U.map((v, i) => v + Math.cos(i)) };
    const projections: Projection[] = [
      { kind: 'maxnorm', rho: 0.7 },
      { kind: 'l2', rho: 0.7 },
    ];
    for (const proj of projections) {
      using net = b.network(far);
      net.project(proj);
      const q = net.params();
      const d2 = neuronDistancesSq(q.spec, q.W, q.U, q.W0, q.U0);
      if (proj.kind === 'maxnorm') {
        for (const v of d2) expect(Math.sqrt(v)).toBeLessThanOrEqual((0.7 / Math.sqrt(8)) * (1 + 1e-6));
      } else {
        expect(Math.sqrt(d2.reduce((s, v) => s + v, 0))).toBeLessThanOrEqual(0.7 * (1 + 1e-6));
      }
      net.project(proj);
      const again = net.params();
      expect(relError(again.W, q.W)).toBeLessThanOrEqual(1e-7);
      expect(relError(again.U, q.U)).toBeLessThanOrEqual(1e-7);
      // A point already inside the ball does not move.
      using inside = b.network(p);
      const before = [Array.from(inside.read('W')), Array.from(inside.read('U'))];
      inside.project(proj);
      expect([Array.from(inside.read('W')), Array.from(inside.read('U'))]).toEqual(before);
    }
  });

  it('same seed gives bit-identical parameters and losses', async () => {
    const b = await backend(name);
    const data = randomData(16, 8, 3, 'final', 'det');
    const run = () => {
      const p = initialize(
        { recurrence: 'diagonal', activation: 'tanh', readout: 'final', m: 32, d: 3, alpha: 0.9 },
        { seed: 'same' },
      );
      using t = new Trainer({
        backend: b,
        params: p,
        data,
        train: { eta: 0.5, steps: 30, recordEvery: 10, batchSize: 4, seed: 1 },
      });
      t.runSteps(30);
      return { records: t.records.map((r) => r.risk), W: t.params().W };
    };
    const a = run(),
      c = run();
    expect(c.records).toEqual(a.records);
    expect(Array.from(c.W)).toEqual(Array.from(a.W));
  });

  it('gradient descent decreases the training risk; metrics are consistent', async () => {
    const b = await backend(name);
    const data = randomData(24, 10, 3, 'final', 'gd');
    const test = randomData(8, 10, 3, 'final', 'gd-test');
    const p = initialize(
      { recurrence: 'dense', activation: 'tanh', readout: 'final', m: 32, d: 3, alpha: 0.8 },
      { seed: 5 },
    );
    using t = new Trainer({
      backend: b,
      params: p,
      data,
      test,
      train: { eta: 1, steps: 100, recordEvery: 20, projection: { kind: 'maxnorm', rho: 2 } },
    });
    const result = await t.run();
    expect(result.status).toBe('completed');
    const r = result.records;
    expect(r.map((x) => x.step)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(r[r.length - 1].risk).toBeLessThan(0.7 * r[0].risk);
    for (let k = 1; k < r.length; k++) expect(r[k].risk).toBeLessThan(r[k - 1].risk);
    expect(r[0].distL2).toBe(0);
    for (const rec of r) {
      expect(rec.rhoEff).toBeLessThanOrEqual(2 * (1 + 1e-5));
      expect(rec.testRisk).toBeGreaterThan(0);
      expect(rec.boundaryFraction).toBeGreaterThanOrEqual(0);
    }
    // The record's risk is R(Theta(step)): recompute it at the final parameters.
    using net = b.network(t.params());
    using ws = net.workspace(data.n, data.T);
    ws.setData(data);
    expect(ws.forward().loss).toBeCloseTo(r[r.length - 1].risk, 6);
  });

  it('a step size that blows up stops with the last finite parameters', async () => {
    const b = await backend(name);
    const data = randomData(8, 6, 2, 'final', 'div');
    const p = initialize(
      { recurrence: 'dense', activation: 'relu', readout: 'final', m: 8, d: 2, alpha: 3 },
      { seed: 1 },
    );
    using t = new Trainer({ backend: b, params: p, data, train: { eta: 1e30, steps: 50, recordEvery: 5 } });
    const result = await t.run();
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/diverged at step \d+/);
    for (const v of t.params().W) expect(Number.isFinite(v)).toBe(true);
  });

  it('bad input gives clear errors', async () => {
    const b = await backend(name);
    expect(() => initialize({ recurrence: 'dense', activation: 'tanh', m: 7, d: 2, alpha: 1 })).toThrow(
      /field 'm'.*even/,
    );
    expect(() => initialize({ recurrence: 'dense', activation: 'tanh', m: 8, d: 0, alpha: 1 })).toThrow(/field 'd'/);
    // @ts-expect-error a misspelled activation: a type error in TS, and named at run time for JS callers
    expect(() => initialize({ recurrence: 'dense', activation: 'tanhh', m: 8, d: 2, alpha: 1 })).toThrow(
      /field 'activation'/,
    );
    expect(() => initialize({ recurrence: 'dense', activation: 'tanh', m: 8, d: 2, alpha: NaN })).toThrow(
      /field 'alpha'/,
    );
    const p = initialize({ recurrence: 'dense', activation: 'tanh', m: 8, d: 2, alpha: 1 });
    using net = b.network(p);
    expect(() => net.write('W', new Float64Array(3))).toThrow(/expected 64/);
    using ws = net.workspace(4, 5);
    expect(() => ws.setData({ n: 4, T: 5, d: 2, X: new Float64Array(39), Y: new Float64Array(4) })).toThrow(
      /field 'X' has 39 entries/,
    );
    expect(() => ws.setData({ n: 5, T: 5, d: 2, X: new Float64Array(50), Y: new Float64Array(5) })).toThrow(/n = 5/);
    expect(
      () => new Trainer({ backend: b, params: p, data: randomData(4, 5, 2, 'final'), train: { eta: -1, steps: 3 } }),
    ).toThrow(/field 'eta'/);
  });

  it('refuses what the contract refuses, with the same message on every backend', async () => {
    const b = await backend(name);
    const p = initialize({ recurrence: 'diagonal', activation: 'tanh', m: 4, d: 2, alpha: 0.5 });
    const refused = (params: ModelParams, re: RegExp) => {
      expect(() => b.network(params)).toThrow(ValidationError);
      expect(() => b.network(params)).toThrow(re);
    };
    const W0 = p.W0.slice();
    W0[2] = NaN;
    refused({ ...p, W0 }, /parameter 'W0': entry 2 is NaN/);
    refused({ ...p, W: new Float64Array(5) }, /parameter 'W' has 5 values, expected 4/);
    refused(
      { ...p, c: Float64Array.of(1, -1, 0.5, 1) },
      /parameter 'c' entry 2 is 0.5; output signs must be \+1 or -1/,
    );
    using net = b.network(p);
    expect(() => net.write('c', Float64Array.of(1, 1, 2, 1))).toThrow(/output signs must be \+1 or -1/);
    using ws = net.workspace(3, 2);
    expect(() => ws.forward()).toThrow(/no data loaded/);
    expect(() => ws.train(1, 0.1, { kind: 'none' })).toThrow(/no data loaded/);
    const Y = new Float64Array(3);
    Y[1] = Infinity;
    expect(() => ws.setData({ n: 3, T: 2, d: 2, X: new Float64Array(12), Y })).toThrow(
      /field 'Y': entry 1 is Infinity/,
    );
    ws.setData(randomData(3, 2, 2, 'final'));
    expect(() => ws.train(-1, 0.1, { kind: 'none' })).toThrow(/steps must be an integer >= 0/);
    expect(() => ws.train(1, NaN, { kind: 'none' })).toThrow(/eta must be a finite/);
    expect(() => ws.train(1, 0.1, { kind: 'maxnorm', rho: -1 })).toThrow(/rho must be a finite number >= 0/);
    expect(() => ws.train(1, 0.1, { kind: 'none' }, { size: 2, indices: Uint32Array.of(0, 3) })).toThrow(
      /batch index 3 \(entry 1\) is out of range/,
    );
  });
});
