/** rnn-wasm's boundary enums: one definition (Rust), the same in every build, checked at both doors. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../ts/core/errors.js';
import { loadWasm } from '../../ts/backend/wasm-loader.js';
import { rawEnums } from '../../ts/backend/wasm-enums.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import * as scalarGlue from '../../ts/wasm-pkg/scalar/rnn_wasm.js';
import * as relaxedGlue from '../../ts/wasm-pkg/relaxed/rnn_wasm.js';
import type { RawActivation, RawProjection, RawRecurrence } from '../../ts/wasm-pkg/simd/rnn_wasm.js';
import { initialize } from '../../ts/train/init.js';
import { randomData } from '../helpers.js';

const ENUMS = ['RawRecurrence', 'RawActivation', 'RawReadout', 'RawProjection'] as const;

describe('wasm boundary enums', () => {
  it('every build declares the same enum objects (so the loaded module and any glue agree)', async () => {
    const { pkg } = await loadWasm('simd');
    for (const name of ENUMS) {
      expect(Object.keys(pkg[name]).length).toBeGreaterThan(0);
      expect({ ...scalarGlue[name] }).toEqual({ ...pkg[name] });
      expect({ ...relaxedGlue[name] }).toEqual({ ...pkg[name] });
    }
  });

  it("maps the package's names onto distinct members", async () => {
    const enums = rawEnums((await loadWasm()).pkg);
    const { pkg } = await loadWasm();
    expect([enums.recurrence('dense'), enums.recurrence('diagonal')]).toEqual([
      pkg.RawRecurrence.Dense,
      pkg.RawRecurrence.Diagonal,
    ]);
    const activations = (['tanh', 'sigmoid', 'sin', 'relu'] as const).map((a) => enums.activation(a));
    expect(activations).toEqual([
      pkg.RawActivation.Tanh,
      pkg.RawActivation.Sigmoid,
      pkg.RawActivation.Sin,
      pkg.RawActivation.Relu,
    ]);
    expect([enums.readout('final'), enums.readout('all')]).toEqual([pkg.RawReadout.Final, pkg.RawReadout.All]);
    expect((['none', 'maxnorm', 'l2'] as const).map((k) => enums.projection(k))).toEqual([
      pkg.RawProjection.None,
      pkg.RawProjection.MaxNorm,
      pkg.RawProjection.L2,
    ]);
  });

  it('an unknown name is a ValidationError naming the field and the valid names', async () => {
    const enums = rawEnums((await loadWasm()).pkg);
    expect(() => enums.activation('gelu' as never)).toThrow(ValidationError);
    expect(() => enums.activation('gelu' as never)).toThrow(
      "activation must be one of 'tanh', 'sigmoid', 'sin', 'relu' (got 'gelu')",
    );
    expect(() => enums.recurrence('Dense' as never)).toThrow(/recurrence must be one of 'dense', 'diagonal'/);
    expect(() => enums.projection('l1' as never)).toThrow(/projection kind must be one of 'none', 'maxnorm', 'l2'/);
  });

  it('the raw binding refuses a value that is no member, naming the field, and stays usable afterwards', async () => {
    const { pkg } = await loadWasm();
    const tanh = pkg.RawActivation.Tanh,
      final = pkg.RawReadout.Final;
    for (const bad of [2, -1, 1.5, Number.NaN, 'dense', undefined] as unknown as RawRecurrence[]) {
      expect(() => new pkg.RawModel(bad, tanh, final, 4, 2, 1)).toThrow(
        /^recurrence must be a member of RawRecurrence/,
      );
    }
    expect(() => new pkg.RawModel(0, tanh, final, 4, 2, 1)).not.toThrow();
    expect(() => new pkg.RawTeacher(9 as RawActivation, 2, 1, 4, 3, 5)).toThrow(
      'activation must be a member of RawActivation (got 9)',
    );
    const model = new pkg.RawModel(pkg.RawRecurrence.Diagonal, tanh, final, 4, 2, 1);
    expect(() => model.project(3 as RawProjection, 1)).toThrow(/^projection kind must be a member of RawProjection/);
    expect(() => model.project(pkg.RawProjection.L2, -1)).toThrow(/^projection radius rho must be finite and >= 0/);
    expect(() => model.project(pkg.RawProjection.None, Number.NaN)).not.toThrow(); // no radius to check
    model.free();
    const spec = { recurrence: 'dense', activation: 'tanh', readout: 'final', m: 8, d: 2, alpha: 0.5 } as const;
    const params = initialize(spec, { seed: 3 });
    const data = randomData(6, 4, 2, 'final', 5);
    const train = async () => {
      using net = (await wasmBackend()).network(params);
      using ws = net.workspace(data.n, data.T);
      ws.setData(data);
      return ws.train(5, 0.1, { kind: 'maxnorm', rho: 1 }).losses;
    };
    const before = await train();
    // Refused calls must not leak wasm stack or memory (wasm-bindgen's own enum check, a throw from
    // inside the call, crashed the module after some thousands): the module then trains as before.
    for (let i = 0; i < 25000; i++) expect(() => new pkg.RawModel(7 as RawRecurrence, tanh, final, 4, 2, 1)).toThrow();
    expect(await train()).toEqual(before);
  });
});
