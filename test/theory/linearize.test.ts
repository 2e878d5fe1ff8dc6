/**
 * The linearized network (Backend.network(params, { linearized: true })): the float64 reference's
 * JVP against central differences of the network, its gradient against differences of its loss,
 * and the wasm core against the reference, for every recurrence x activation x readout.
 */
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import type { Backend } from '../../ts/backend/types.js';
import { initialize } from '../../ts/train/init.js';
import { ACTIVATIONS } from '../../ts/core/activations.js';
import type { Dataset, ModelParams, Readout, Recurrence } from '../../ts/core/types.js';
import { randomData, relError } from '../helpers.js';

const f64 = tsBackend({ dtype: 'float64' });

/** A symmetric initialization moved by a smooth perturbation of size `step` (float32-representable). */
function moved(recurrence: Recurrence, activation: (typeof ACTIVATIONS)[number], readout: Readout, step: number) {
  const p = initialize({ recurrence, activation, readout, m: 8, d: 3, alpha: 0.9 }, { seed: `lin-${recurrence}` });
  for (let i = 0; i < p.W.length; i++) p.W[i] = Math.fround(p.W0[i] + step * Math.sin(2.3 * i + 1));
  for (let i = 0; i < p.U.length; i++) p.U[i] = Math.fround(p.U0[i] + step * Math.cos(1.1 * i + 2));
  const data = randomData(5, 6, 3, readout, `lin-${readout}`);
  data.X = Float64Array.from(Float32Array.from(data.X));
  data.Y = Float64Array.from(Float32Array.from(data.Y));
  return { p, data };
}

/** Theta0 + a (Theta - Theta0). */
const along = (p: ModelParams, a: number): ModelParams => ({
  ...p,
  W: p.W0.map((w0, k) => w0 + a * (p.W[k] - w0)),
  U: p.U0.map((u0, k) => u0 + a * (p.U[k] - u0)),
});

function evaluate(backend: Backend, p: ModelParams, data: Dataset, linearized: boolean) {
  using net = backend.network(p, { linearized });
  using ws = net.workspace(data.n, data.T);
  ws.setData(data);
  const { loss, predictions } = ws.forward();
  ws.lossGrad();
  return { loss, predictions, gW: Float64Array.from(net.read('gradW')), gU: Float64Array.from(net.read('gradU')) };
}

const cases = (['dense', 'diagonal'] as const).flatMap((rec) =>
  ACTIVATIONS.flatMap((act) => (['final', 'all'] as const).map((ro) => [rec, act, ro] as const)),
);

describe('linearized network, float64 reference', () => {
  it.each(cases)('%s %s readout %s: f_lin - f(Theta0) equals the central difference of f along V', (rec, act, ro) => {
    const { p, data } = moved(rec, act, ro, 0.3);
    const lin = evaluate(f64, p, data, true).predictions;
    const f0 = evaluate(f64, along(p, 0), data, false).predictions;
    const h = act === 'relu' ? 1e-7 : 1e-5;
    const fp = evaluate(f64, along(p, h), data, false).predictions;
    const fm = evaluate(f64, along(p, -h), data, false).predictions;
    const jvp = lin.map((v, k) => v - f0[k]);
    const fd = fp.map((v, k) => (v - fm[k]) / (2 * h));
    expect(relError(jvp, fd)).toBeLessThan(1e-7);
    // At Theta0 the linearization is the network.
    expect(evaluate(f64, along(p, 0), data, true).predictions).toEqual(f0);
  });

  it.each(cases)('%s %s readout %s: the gradient is the derivative of the linearized loss', (rec, act, ro) => {
    const { p, data } = moved(rec, act, ro, 0.3);
    const { gW, gU } = evaluate(f64, p, data, true);
    const dW = p.W.map((_, k) => Math.cos(0.7 * k)),
      dU = p.U.map((_, k) => Math.sin(0.9 * k + 0.3));
    const shifted = (a: number) => ({
      ...p,
      W: p.W.map((w, k) => w + a * dW[k]),
      U: p.U.map((u, k) => u + a * dU[k]),
    });
    let directional = 0;
    gW.forEach((g, k) => (directional += g * dW[k]));
    gU.forEach((g, k) => (directional += g * dU[k]));
    // The linearized loss is quadratic in Theta: the central difference is exact up to rounding.
    const h = 1e-3;
    const fd = (evaluate(f64, shifted(h), data, true).loss - evaluate(f64, shifted(-h), data, true).loss) / (2 * h);
    expect(Math.abs(fd - directional)).toBeLessThan(1e-9 * Math.max(1, Math.abs(directional)));
  });

  it('refuses mini-batches', () => {
    const { p, data } = moved('diagonal', 'tanh', 'final', 0.1);
    using net = f64.network(p, { linearized: true });
    using ws = net.workspace(data.n, data.T);
    ws.setData(data);
    expect(() => ws.train(1, 0.1, { kind: 'none' }, { size: 2, indices: new Uint32Array([0, 1]) })).toThrow(
      /full-batch/,
    );
  });
});

describe('linearized network, wasm core against the reference', () => {
  it.each(cases)('%s %s readout %s: outputs, loss, gradient and 20 GD steps', async (rec, act, ro) => {
    const wasm = await wasmBackend();
    const { p, data } = moved(rec, act, ro, 0.2);
    const a = evaluate(wasm, p, data, true),
      b = evaluate(f64, p, data, true);
    expect(relError(a.predictions, b.predictions)).toBeLessThan(1e-4);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-4);
    expect(relError(a.gW, b.gW)).toBeLessThan(1e-3);
    expect(relError(a.gU, b.gU)).toBeLessThan(1e-3);
    const trained = [wasm, f64].map((backend) => {
      using net = backend.network(p, { linearized: true });
      using ws = net.workspace(data.n, data.T);
      ws.setData(data);
      const chunk = ws.train(20, 0.5, { kind: 'maxnorm', rho: 2 });
      return { chunk, W: Float64Array.from(net.read('W')), final: ws.forward().loss };
    });
    expect(trained[0].chunk.completed).toBe(20);
    expect(relError(trained[0].chunk.losses, trained[1].chunk.losses)).toBeLessThan(1e-3);
    expect(relError(trained[0].W, trained[1].W)).toBeLessThan(1e-4);
    expect(trained[1].final).toBeLessThan(trained[1].chunk.losses[0]);
  });
});
