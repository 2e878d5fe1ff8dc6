/**
 * rnn-gd for Node (the `node` condition of the package's exports map): everything of the universal
 * entry (./index.ts), plus model, data and .npy files by path, and the wasm read from the .wasm
 * files with fs instead of the inlined base64 copy.
 */
import { setWasmSource } from '../backend/wasm-loader.js';
import { nodeFileSource } from '../backend/wasm-node.js';

export * from './index.js';
// Local exports take precedence over the universal ones of the same name: loadModel here also takes paths.
export { saveModel, loadModel } from '../io/model-file.js';
export { readData, writeData, type WriteDataOptions } from '../io/data-file.js';
export { readNpy, writeNpy } from '../io/npy.js';

setWasmSource(nodeFileSource);
