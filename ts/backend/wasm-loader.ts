/**
 * Loads the Rust core: the SIMD128 build when the engine supports it, the scalar build otherwise.
 * Explicit async init (once per realm); Node reads the .wasm bytes with fs (Node 20 cannot fetch file: URLs).
 */
import initSimd, * as simdPkg from '../wasm-pkg/simd/rnn_wasm.js';
import initScalar, * as scalarPkg from '../wasm-pkg/scalar/rnn_wasm.js';

export type WasmPkg = typeof simdPkg;
export type WasmFlavor = 'simd' | 'scalar';

export interface LoadedWasm {
  readonly pkg: WasmPkg;
  readonly memory: WebAssembly.Memory;
  readonly flavor: WasmFlavor;
}

/** (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)), as in wasm-feature-detect. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
export const simdSupported = (): boolean => WebAssembly.validate(SIMD_PROBE);

const loaded = new Map<WasmFlavor, Promise<LoadedWasm>>();

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function wasmSource(flavor: WasmFlavor): Promise<BufferSource | URL> {
  const url = new URL(`../wasm-pkg/${flavor}/rnn_wasm_bg.wasm`, import.meta.url);
  if (!isNode) return url;
  const { readFile } = await import('node:fs/promises');
  return readFile(url);
}

/** Loads (once) and returns the wasm module; `flavor` defaults to SIMD when supported. */
export function loadWasm(flavor: WasmFlavor = simdSupported() ? 'simd' : 'scalar'): Promise<LoadedWasm> {
  let promise = loaded.get(flavor);
  if (!promise) {
    promise = (async () => {
      const init = flavor === 'simd' ? initSimd : initScalar;
      const pkg = (flavor === 'simd' ? simdPkg : scalarPkg) as WasmPkg;
      const output = await init({ module_or_path: await wasmSource(flavor) });
      return { pkg, memory: output.memory, flavor };
    })();
    loaded.set(flavor, promise);
    promise.catch(() => loaded.delete(flavor));
  }
  return promise;
}
