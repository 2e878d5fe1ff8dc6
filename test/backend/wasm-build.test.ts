/** The SIMD build really contains SIMD128 instructions and the scalar build none (as rapier's CI checks). */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadWasm, simdSupported } from '../../ts/backend/wasm-loader.js';

const disassemble = (flavor: string) =>
  execFileSync('node_modules/.bin/wasm-dis', [`ts/wasm-pkg/${flavor}/rnn_wasm_bg.wasm`], {
    maxBuffer: 1 << 28,
  }).toString();

describe('wasm builds', () => {
  it('the simd build uses f32x4 arithmetic; the scalar build has no v128 at all', () => {
    const simd = disassemble('simd');
    expect(simd).toMatch(/f32x4\.mul/);
    expect(simd).toMatch(/f32x4\.add/);
    expect(disassemble('scalar')).not.toMatch(/v128|f32x4/);
  });

  it('Node 20 supports SIMD128, so the loader picks the simd flavor by default', async () => {
    expect(simdSupported()).toBe(true);
    const wasm = await loadWasm();
    expect(wasm.flavor).toBe('simd');
    expect(wasm.pkg.simd_enabled()).toBe(true);
    expect((await loadWasm('scalar')).pkg.simd_enabled()).toBe(false);
  });
});
