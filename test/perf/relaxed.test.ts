/**
 * The opt-in relaxed-SIMD build (docs/performance.md): still accurate (loss and gradients within 1e-4 of the
 * float64 reference, run in a child `node --experimental-wasm-relaxed-simd` on dist/), never
 * picked by default, and a clear error when the engine lacks relaxed SIMD (this process: Node 20
 * without the flag).
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('relaxed-SIMD build (opt-in)', () => {
  it('matches the float64 reference within 1e-4 and is never the default', () => {
    const r = spawnSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', 'test/perf/relaxed-check.mjs', 'small'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.relaxedSimdSupported).toBe(true);
    expect(out.relaxedDescription).toBe('wasm relaxed-simd f32');
    expect(out.defaultFlavor).toBe('simd');
    expect(out.vsTs64.loss).toBeLessThan(1e-4);
    expect(out.vsTs64.grad).toBeLessThan(1e-4);
    expect(out.vsSimd.grad).toBeLessThan(1e-4);
  });

  it('without relaxed SIMD: the default is simd/scalar and loadWasm("relaxed") says which flag to use', async () => {
    const { loadWasm, relaxedSimdSupported } = await import('../../ts/backend/wasm-loader.js');
    expect((await loadWasm()).flavor).not.toBe('relaxed');
    if (relaxedSimdSupported()) return; // an engine with relaxed SIMD on by default
    await expect(loadWasm('relaxed')).rejects.toThrow(/--experimental-wasm-relaxed-simd/);
    const { wasmBackend } = await import('../../ts/backend/wasm-backend.js');
    await expect(wasmBackend('relaxed')).rejects.toThrow(/relaxed SIMD/);
  });

  it('the inlined default entry contains no relaxed build', async () => {
    expect(existsSync('ts/wasm-pkg/relaxed/rnn_wasm_inline.js')).toBe(false);
    const { readFileSync } = await import('node:fs');
    const inline = readFileSync('ts/wasm-pkg/simd/rnn_wasm_inline.js', 'utf8');
    const bytes = Buffer.from(inline.match(/wasmBase64 = "([^"]+)"/)![1], 'base64');
    // f32x4.relaxed_madd is 0xfd 0x85 0x02: the default SIMD build must not contain relaxed opcodes.
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});
