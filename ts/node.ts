/**
 * rnn-gd for Node (the `node` condition of the package's exports map): everything of the universal
 * entry (./index.ts), plus reading and writing model, data and .npy files, and the wasm read from
 * the .wasm files with fs instead of the inlined base64 copy.
 */
import { setWasmSource } from './backend/wasm-loader.js';
import { nodeFileSource } from './backend/wasm-node.js';

export * from './index.js';
export { readModelFile, writeModelFile, readJsonFile } from './io/model-file.js';
export { readData, writeData, readNpyPair, type WriteDataOptions } from './io/data-file.js';
export { readNpy, writeNpy, writeFileAtomic } from './io/npy.js';
export { readGenerated, writeGenerated, META_FILE, type LoadedData } from './data/files.js';
export { wasmFileSource } from './backend/wasm-file.js';

setWasmSource(nodeFileSource);
