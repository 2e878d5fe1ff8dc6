/** capacity.ts's byte formulas (for checks made before any wasm module is loaded) equal the core's own sizes. */
import { describe, expect, it } from 'vitest';
import { formulaSizes } from '../../ts/backend/capacity.js';
import { loadWasm } from '../../ts/backend/wasm-loader.js';
import { rawEnums } from '../../ts/backend/wasm-enums.js';
import { wasmSizes } from '../../ts/backend/wasm-sizes.js';
import type { ModelSpec } from '../../ts/core/types.js';

describe('core sizes', () => {
  it('the TypeScript formulas equal the loaded core’s sizes for every object and shape', async () => {
    const { pkg } = await loadWasm();
    const core = wasmSizes(pkg, rawEnums(pkg));
    let checked = 0;
    for (const recurrence of ['dense', 'diagonal'] as const) {
      for (const readout of ['final', 'all'] as const) {
        for (const [m, d] of [
          [2, 1],
          [6, 3],
          [64, 5],
          [1024, 17],
        ]) {
          const spec: ModelSpec = { recurrence, activation: 'sin', readout, m, d, alpha: 0.5 };
          expect(core.model(spec)).toBe(formulaSizes.model(spec));
          for (const [n, T] of [
            [1, 1],
            [7, 13],
            [20000, 20],
            [300000, 500],
          ]) {
            for (const reserve of [undefined, { steps: 4096 }, { steps: 4096, indices: 65536 }]) {
              expect(core.workspace(spec, n, T, reserve)).toBe(formulaSizes.workspace(spec, n, T, reserve));
              expect(core.linearization(spec, n, T, reserve)).toBe(formulaSizes.linearization(spec, n, T, reserve));
            }
            expect(core.features(spec, n, T)).toBe(formulaSizes.features(spec, n, T));
            expect(core.teacher(d, m - 1, n, T)).toBe(formulaSizes.teacher(d, m - 1, n, T));
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(64);
  });
});
