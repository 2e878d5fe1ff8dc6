/**
 * The wasm as a separate file, loaded by URL (the `rnn-gd/wasm-file` entry): the browser compiles
 * it while it downloads (WebAssembly.instantiateStreaming, when served as application/wasm), caches
 * it, and the JavaScript stays small. Bundlers see the literal `new URL(..., import.meta.url)` below
 * and copy the .wasm files into the build.
 */
import { relaxedFileSource, type WasmFlavor, type WasmSource, type WasmSourceProvider } from './wasm-loader.js';

type FsPromises = { readFile(url: URL): Promise<Uint8Array> };

function defaultUrl(flavor: WasmFlavor): URL {
  return flavor === 'simd'
    ? new URL('../wasm-pkg/simd/rnn_wasm_bg.wasm', import.meta.url)
    : new URL('../wasm-pkg/scalar/rnn_wasm_bg.wasm', import.meta.url);
}

/**
 * A source that loads `<base>/<flavor>/rnn_wasm_bg.wasm` (base: a directory URL ending in '/'), or
 * by default the .wasm files shipped beside this module (dist/wasm-pkg). file: URLs (Node, which
 * cannot fetch them) are read with fs through process.getBuiltinModule (Node >= 20.16).
 */
export function wasmFileSource(base?: string | URL): WasmSourceProvider {
  const source = async (flavor: WasmFlavor): Promise<WasmSource> => {
    // The opt-in relaxed build (never the default) from dist/wasm-pkg/relaxed.
    if (flavor === 'relaxed' && base === undefined) return relaxedFileSource();
    const url = base === undefined ? defaultUrl(flavor) : new URL(`${flavor}/rnn_wasm_bg.wasm`, base);
    if (url.protocol !== 'file:') return url;
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const fs = proc?.getBuiltinModule?.('node:fs/promises') as FsPromises | undefined;
    if (!fs)
      throw new Error(`cannot read ${url.href}: file: URLs need Node >= 20.16 (or use the package's node entry)`);
    return fs.readFile(url);
  };
  return Object.assign(source, { sourceName: 'file' });
}
