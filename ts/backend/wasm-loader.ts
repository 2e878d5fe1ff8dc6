/**
 * Loads the Rust core: the SIMD128 build when the engine supports it, the scalar build otherwise.
 * Explicit async init (once per realm and flavor).
 *
 * A third flavor, 'relaxed' (relaxed SIMD: the GEMM microkernel uses f32x4.relaxed_madd), is opt-in
 * only: it is never chosen by default, never inlined, and is loaded only by an explicit
 * loadWasm('relaxed') / wasmBackend('relaxed'). Its results depend on the CPU (fused or unfused
 * multiply-add), so they are not bit-reproducible across machines. Node 20 needs
 * --experimental-wasm-relaxed-simd.
 *
 * Where the bytes come from is a pluggable *source* (no `node:*` import here, so this file runs in
 * browsers as it is):
 * - default: the build inlined as base64 (scripts/inline-wasm.mjs), imported on demand with a
 *   dynamic import() of the one flavor needed: no fetch, no bundler plugin, no server set-up;
 * - the package's Node entry (ts/entries/node.ts) reads the .wasm file with fs (Node 20 cannot fetch file: URLs);
 * - the `rnn-gd/wasm-file` entry (ts/entries/wasm-file.ts) passes the URL of the separate .wasm file
 *   (streaming compilation, cacheable, smaller JavaScript);
 * - setWasmSource(provider) lets an application supply its own (its CDN, a precompiled Module).
 */
import initSimd, * as simdPkg from '../wasm-pkg/simd/rnn_wasm.js';
import initScalar, * as scalarPkg from '../wasm-pkg/scalar/rnn_wasm.js';
import type { InitInput } from '../wasm-pkg/simd/rnn_wasm.js';

export type WasmPkg = typeof simdPkg;
export type WasmFlavor = 'simd' | 'scalar' | 'relaxed';

/*
 * The WebAssembly types of the public declarations are written structurally, so the package's .d.ts
 * files compile without the DOM lib (a Node project); scripts/neutral-dts.mjs does the same to
 * wasm-bindgen's generated declarations in dist/.
 */
/** A compiled `WebAssembly.Module` (opaque). */
export type CompiledWasm = object;
/** A `WebAssembly.Memory` as the package reads it (wasm32 memory grows, never shrinks). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
/** Anything wasm-bindgen's init accepts: bytes, a compiled Module, a URL (fetched), or a Response. */
export type WasmSource = ArrayBuffer | ArrayBufferView | CompiledWasm | URL | Response | Promise<Response>;
/** Gives the wasm for a flavor; `name` describes it in LoadedWasm.source (e.g. 'inline', 'file'). */
export interface WasmSourceProvider {
  (flavor: WasmFlavor): WasmSource | Promise<WasmSource>;
  readonly sourceName?: string;
}

export interface LoadedWasm {
  readonly pkg: WasmPkg;
  readonly memory: WasmMemory;
  readonly flavor: WasmFlavor;
  /** Where the bytes came from: 'inline', 'file', 'url' or the provider's own name. */
  readonly source: string;
}

/** (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)), as in wasm-feature-detect. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);
/** Whether this engine validates wasm SIMD128 (evaluated on every call, so tests can fake an engine without it). */
export const simdSupported = (): boolean => WebAssembly.validate(SIMD_PROBE);

/**
 * (module (func (result v128) (f32x4.relaxed_madd (f32x4.splat (f32.const 0)) x3))), as emitted by
 * binaryen's wasm-as --enable-relaxed-simd (f32x4.relaxed_madd = 0xfd 0x85 0x02).
 */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 28, 1, 26, 0, 67, 0, 0, 0, 0, 253, 19, 67, 0, 0,
  0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 253, 133, 2, 11,
]);
/** Whether this engine validates relaxed SIMD (Node 20: only with --experimental-wasm-relaxed-simd). */
export const relaxedSimdSupported = (): boolean => WebAssembly.validate(RELAXED_SIMD_PROBE);

type FsPromises = { readFile(url: URL): Promise<Uint8Array> };
const RELAXED_FILE = ['..', 'wasm-pkg', 'relaxed', 'rnn_wasm_bg.wasm'].join('/');

/**
 * The opt-in relaxed build is never inlined: its .wasm file beside the package (dist/wasm-pkg/relaxed),
 * read with fs in Node (process.getBuiltinModule, Node >= 20.16), fetched by URL elsewhere.
 */
export async function relaxedFileSource(): Promise<WasmSource> {
  // Not a literal `new URL('...', import.meta.url)`: bundlers would copy this opt-in file into every app.
  const file = RELAXED_FILE;
  const url = new URL(file, import.meta.url);
  if (url.protocol !== 'file:') return url;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs/promises') as FsPromises | undefined;
  if (!fs) throw new Error(`cannot read ${url.href}: file: URLs need Node >= 20.16`);
  return fs.readFile(url);
}

function decodeBase64(text: string): Uint8Array {
  const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (fromBase64) return fromBase64(text);
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The default source: the base64 build of the flavor, loaded with a dynamic import (one flavor per page). */
export const inlineWasmSource: WasmSourceProvider = Object.assign(
  async (flavor: WasmFlavor): Promise<WasmSource> => {
    if (flavor === 'relaxed') return relaxedFileSource();
    // Literal specifiers, so that bundlers see both chunks.
    const mod =
      flavor === 'simd'
        ? await import('../wasm-pkg/simd/rnn_wasm_inline.js')
        : await import('../wasm-pkg/scalar/rnn_wasm_inline.js');
    return decodeBase64(mod.wasmBase64);
  },
  { sourceName: 'inline' },
);

let provider: WasmSourceProvider = inlineWasmSource;
const loaded = new Map<WasmFlavor, Promise<LoadedWasm>>();

/**
 * Chooses where later loads get the wasm from (null: back to the inlined default). A flavor that
 * is already loaded stays as it is: call this before the first getBackend('wasm').
 */
export function setWasmSource(source: WasmSourceProvider | null): void {
  provider = source ?? inlineWasmSource;
}

/** The current source's name ('inline', 'file', ...). */
export const wasmSourceName = (): string => provider.sourceName ?? 'custom';

/** The relaxed build's wasm-bindgen glue, imported only when that flavor is asked for. */
const relaxedGlue = () => import('../wasm-pkg/relaxed/rnn_wasm.js');

/**
 * Loads (once) and returns the wasm module; `flavor` defaults to SIMD when supported, scalar
 * otherwise ('relaxed' is never the default: pass it explicitly).
 */
export function loadWasm(flavor: WasmFlavor = simdSupported() ? 'simd' : 'scalar'): Promise<LoadedWasm> {
  if (flavor !== 'simd' && flavor !== 'scalar' && flavor !== 'relaxed') {
    return Promise.reject(new Error(`rnn-gd: unknown wasm flavor '${String(flavor)}' (simd, scalar or relaxed)`));
  }
  if (flavor === 'relaxed' && !relaxedSimdSupported()) {
    return Promise.reject(
      new Error(
        "rnn-gd: the 'relaxed' wasm build needs relaxed SIMD, which this engine does not support: " +
          'run Node 20 with --experimental-wasm-relaxed-simd (Chrome has it on by default), or use the default build',
      ),
    );
  }
  let promise = loaded.get(flavor);
  if (!promise) {
    const source = provider;
    promise = (async () => {
      const glue = flavor === 'relaxed' ? await relaxedGlue() : null;
      const init = glue ? glue.default : flavor === 'simd' ? initSimd : initScalar;
      const pkg = (glue ?? (flavor === 'simd' ? simdPkg : scalarPkg)) as WasmPkg;
      let module_or_path: WasmSource;
      try {
        module_or_path = await source(flavor);
      } catch (err) {
        throw new Error(
          `rnn-gd: cannot get the ${flavor} wasm (source '${source.sourceName ?? 'custom'}'): ${(err as Error).message}`,
          { cause: err },
        );
      }
      const output = await init({ module_or_path: module_or_path as InitInput | Promise<InitInput> });
      const name = flavor === 'relaxed' && source === inlineWasmSource ? 'file' : (source.sourceName ?? 'custom');
      return { pkg, memory: output.memory, flavor, source: name };
    })();
    loaded.set(flavor, promise);
    promise.catch(() => loaded.delete(flavor));
  }
  return promise;
}
