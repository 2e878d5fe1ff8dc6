/** Node: the .wasm files beside the compiled loader, read with fs (Node 20 cannot fetch file: URLs). */
import { readFile } from 'node:fs/promises';
import type { WasmFlavor, WasmSourceProvider } from './wasm-loader.js';

export const nodeFileSource: WasmSourceProvider = Object.assign(
  (flavor: WasmFlavor) => readFile(new URL(`../wasm-pkg/${flavor}/rnn_wasm_bg.wasm`, import.meta.url)),
  { sourceName: 'file' },
);
