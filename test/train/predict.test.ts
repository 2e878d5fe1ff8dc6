/**
 * predict(): one call from parameters and inputs to outputs, on both backends: the same values as
 * the network's own forward pass, row blocks when the inputs exceed the memory budget, everything
 * freed, and bad inputs refused with the field named.
 */
import { describe, expect, it } from 'vitest';
import { liveWasmBytes, workspaceBytes } from '../../ts/backend/capacity.js';
import { loadWasm } from '../../ts/backend/wasm-loader.js';
import { ValidationError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { predict } from '../../ts/train/predict.js';
import type { ModelParams, Readout, Recurrence } from '../../ts/core/types.js';
import { backend, BACKENDS, randomData, relError } from '../helpers.js';

function model(recurrence: Recurrence, readout: Readout, m = 12, d = 3): ModelParams {
  const p = initialize({ recurrence, activation: 'tanh', readout, m, d, alpha: 0.8 }, { seed: 'predict' });
  // Move away from Theta(0), where f = 0 exactly (symmetric initialization).
  for (let i = 0; i < p.W.length; i++) p.W[i] += 0.1 * Math.sin(2.3 * i + 1);
  for (let i = 0; i < p.U.length; i++) p.U[i] += 0.2 * Math.cos(1.3 * i + 2);
  return p;
}

describe.each(BACKENDS)('predict on %s', (name) => {
  it.each([
    ['dense', 'final'],
    ['diagonal', 'all'],
  ] as const)('%s, readout %s: the forward pass of the network, layout n or n*T', async (recurrence, readout) => {
    const p = model(recurrence, readout);
    const data = randomData(9, 6, 3, readout, 'predict');
    const b = await backend(name);
    using net = b.network(p);
    using ws = net.workspace(data.n, data.T);
    ws.setData(data);
    const expected = ws.forward().predictions;
    const y = await predict(p, data, { backend: b });
    expect(y.length).toBe(readout === 'all' ? 9 * 6 : 9);
    expect(Array.from(y)).toEqual(Array.from(expected));
    // Inputs alone (no Y, n from X's length), a plain array, and the backend by name.
    const byName = await predict(p, { X: Array.from(data.X), T: 6 }, { backend: name });
    expect(Array.from(byName)).toEqual(Array.from(expected));
  });

  it('large inputs run in row blocks within the memory budget, with the same outputs', async () => {
    const p = model('dense', 'final', 16, 2);
    const data = randomData(300, 8, 2, 'final', 'blocks');
    const whole = await predict(p, data, { backend: name });
    const budget = workspaceBytes(p.spec, 40, 8); // about 40 rows per block: 8 blocks
    const blocks = await predict(p, data, { backend: name, memoryBudget: budget });
    expect(relError(blocks, whole)).toBeLessThanOrEqual(1e-6);
  });

  it('frees what it allocates', async () => {
    const p = model('diagonal', 'final');
    const data = randomData(20, 5, 3, 'final', 'free');
    if (name !== 'wasm') {
      await expect(predict(p, data, { backend: name })).resolves.toHaveLength(20);
      return;
    }
    const { memory } = await loadWasm();
    const before = liveWasmBytes(memory);
    await predict(p, data, { backend: name });
    expect(liveWasmBytes(memory)).toBe(before);
  });
});

describe('predict: bad inputs name the field', () => {
  const p = model('diagonal', 'final', 8, 2);
  const cases: [string, unknown, RegExp][] = [
    ['d of another model', { X: new Float64Array(2 * 4 * 3), T: 4, d: 3 }, /inputs have d = 3 but the model has d = 2/],
    [
      'X not a multiple of T*d',
      { X: new Float64Array(7), T: 2 },
      /field 'X' has 7 entries, not a multiple of T\*d = 2\*2/,
    ],
    ['X of the wrong length for n', { X: new Float64Array(8), T: 2, n: 3 }, /field 'X' has 8 entries, expected 12/],
    ['T missing', { X: new Float64Array(8) }, /field 'T' must be a positive integer/],
    ['T fractional', { X: new Float64Array(8), T: 1.5 }, /field 'T' must be a positive integer, got 1.5/],
    ['no sequences', { X: new Float64Array(0), T: 2 }, /field 'n' must be a positive integer, got 0/],
    ['a non-finite input', { X: Float64Array.of(0, 1, NaN, 0), T: 2 }, /field 'X' entry 2 is not a finite number/],
    ['no X', { T: 2 }, /inputs must be an object with fields 'X' and 'T'/],
  ];
  it.each(cases)('%s', async (_, inputs, message) => {
    const err = await predict(p, inputs as never, { backend: 'ts' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(message);
  });

  it('an unknown backend name and a bad memory budget', async () => {
    const X = new Float64Array(4);
    await expect(predict(p, { X, T: 2 }, { backend: 'gpu' as never })).rejects.toThrow(/unknown backend 'gpu'/);
    await expect(predict(p, { X, T: 2 }, { backend: 'ts', memoryBudget: 0 })).rejects.toThrow(
      /memoryBudget must be a positive number of bytes, got 0/,
    );
  });
});
