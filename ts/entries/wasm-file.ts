/**
 * `rnn-gd/wasm-file`: the universal entry, with the wasm loaded from the separate .wasm files
 * (dist/wasm-pkg/<flavor>/rnn_wasm_bg.wasm) by URL instead of the inlined base64 copy. For pages
 * that want streaming compilation and a cacheable .wasm, or a smaller JavaScript download.
 * wasmFileSource(base) points it at another place (a CDN directory holding simd/ and scalar/).
 */
import { wasmFileSource } from '../backend/wasm-file.js';
import { setWasmSource } from '../backend/wasm-loader.js';

export * from './index.js';
export { wasmFileSource } from '../backend/wasm-file.js';

setWasmSource(wasmFileSource());
