/** The initialization schemes of docs/spec/model.md section 4: laws, BPTT at Theta(0), the model-file record. */
import { describe, expect, it } from 'vitest';
import { initialize } from '../../ts/train/init.js';
import { modelToJson, parseModelFile } from '../../ts/io/model-json.js';
import { Trainer } from '../../ts/train/trainer.js';
import { ValidationError } from '../../ts/core/errors.js';
import type { Dataset, InitScheme } from '../../ts/core/types.js';
import { BACKENDS, backend, randomData } from '../helpers.js';

/** n sequences whose only non-zero input is x_0: the U-gradient is dz_0 x_0^T, what BPTT brings back to t = 0. */
function onlyFirstInput(n: number, T: number, d: number): Dataset {
  const data = randomData(n, T, d, 'final', 'first-input');
  for (let j = 0; j < n; j++) data.X.fill(0, (j * T + 1) * d, (j + 1) * T * d);
  return data;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => Math.max(s, Math.abs(v)), 0);

describe.each(BACKENDS)('%s backend: backpropagation through time at Theta(0) (dense)', (name) => {
  const gradU = async (scheme: InitScheme) => {
    const b = await backend(name);
    const p = initialize({ recurrence: 'dense', activation: 'tanh', m: 16, d: 3, alpha: 1 }, { seed: 4, scheme });
    const data = onlyFirstInput(4, 5, 3);
    using net = b.network(p);
    using ws = net.workspace(4, 5);
    ws.setData(data);
    // R = (f - y)^2 / 2 with f - y = 1 on every sequence: grad R = sum_j grad f(X_j).
    ws.setData({ ...data, Y: Float64Array.from(ws.forward().predictions, (f) => f - 1) });
    ws.lossGrad();
    return net.read('gradU');
  };
  it.each(['halves', 'iid'] as const)('%s: the gradient reaches t = 0 (dz_0 != 0)', async (scheme) => {
    expect(maxAbs(await gradU(scheme))).toBeGreaterThan(1e-3);
  });
  it('paired (regression): W^T [v; -v] = 0, so nothing flows back past the last step', async () => {
    // Exactly 0 in float64; float32 rounding of W^T [v; -v] leaves ~1e-8 on wasm (halves: > 1e-3).
    expect(maxAbs(await gradU('paired'))).toBeLessThan(name === 'ts' ? 1e-15 : 1e-6);
  });
});

describe('the laws', () => {
  it('halves: block diagonal W, entries N(0, 2) in the blocks, half 2 a copy of half 1, c alternating in a half, opposite in the other', () => {
    const m = 128,
      h = m / 2;
    const p = initialize({ recurrence: 'dense', m, d: 2, alpha: 1 }, { seed: 3 });
    expect(p.init).toBe('halves');
    let sq = 0;
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < h; j++) {
        expect(p.W[i * m + h + j]).toBe(0);
        expect(p.W[(i + h) * m + j]).toBe(0);
        expect(p.W[(i + h) * m + h + j]).toBe(p.W[i * m + j]);
        sq += p.W[i * m + j] ** 2;
      }
      expect([p.U[2 * i], p.U[2 * i + 1]]).toEqual([p.U[2 * (i + h)], p.U[2 * (i + h) + 1]]);
      expect([p.c[i], p.c[i + h]]).toEqual(i % 2 === 0 ? [1, -1] : [-1, 1]);
    }
    // 4096 draws of variance 2: the mean square is 2 +- 0.044 (1 sd); 0.2 is > 4 sd.
    expect(Math.abs(sq / (h * h) - 2)).toBeLessThan(0.2);
  });
  it('paired is the earlier law (row i + m/2 a copy of row i, N(0, 1)); iid has no copies', () => {
    const m = 64;
    const paired = initialize({ recurrence: 'dense', m, d: 2, alpha: 1 }, { seed: 3, scheme: 'paired' });
    const iid = initialize({ recurrence: 'dense', m, d: 2, alpha: 1 }, { seed: 3, scheme: 'iid' });
    expect(Array.from(paired.W.subarray(m * (m / 2), m * (m / 2 + 1)))).toEqual(Array.from(paired.W.subarray(0, m)));
    expect(paired.W[0]).toBe(iid.W[0]); // same stream, same first draw
    expect(iid.W[m * (m / 2)]).not.toBe(iid.W[0]);
    let sq = 0;
    for (const v of iid.W) sq += v * v;
    expect(Math.abs(sq / iid.W.length - 1)).toBeLessThan(0.1);
  });
  it('diagonal keeps its law by default; halves is refused for it, naming the field', () => {
    const p = initialize({ recurrence: 'diagonal', m: 8, d: 2, alpha: 1 }, { seed: 1 });
    expect(p.init).toBe('paired');
    expect(() => initialize({ recurrence: 'diagonal', m: 8, d: 2, alpha: 1 }, { seed: 1, scheme: 'halves' })).toThrow(
      /field 'scheme'.*'paired'/,
    );
    expect(() =>
      initialize({ recurrence: 'dense', m: 8, d: 2, alpha: 1 }, { seed: 1, scheme: 'rows' as InitScheme }),
    ).toThrow(ValidationError);
  });
});

describe('the model file records the scheme', () => {
  it('written and read back; a file without the field is reported as paired; a bad value is refused', () => {
    const p = initialize({ recurrence: 'dense', m: 4, d: 2, alpha: 1 }, { seed: 1, scheme: 'iid' });
    const json = modelToJson(p);
    expect(json.init).toBe('iid');
    expect(parseModelFile(JSON.parse(JSON.stringify(json))).init).toBe('iid');
    const old: Record<string, unknown> = { ...json };
    delete old.init;
    expect(parseModelFile(old).init).toBe('paired');
    expect(() => parseModelFile({ ...json, init: 'rows' })).toThrow(/field 'init' is the string "rows"/);
    const diag = modelToJson(initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 1 }));
    expect(() => parseModelFile({ ...diag, init: 'halves' })).toThrow(/field 'init' is 'halves'/);
  });
  it("a trainer's parameters (the checkpoints) keep it", async () => {
    const data = randomData(4, 3, 2, 'final');
    const params = initialize({ recurrence: 'dense', m: 4, d: 2, alpha: 1 }, { seed: 1 });
    using trainer = new Trainer({ backend: await backend('ts'), params, data, train: { eta: 0.1, steps: 2 } });
    await trainer.run();
    expect(trainer.params().init).toBe('halves');
  });
});
