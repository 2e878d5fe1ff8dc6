/**
 * `rnn-gd/data` for Node (the `node` condition): everything of ./index.ts, plus generated data sets
 * as directories (train/ and test/ with X.npy, Y.npy and meta.json) and .npy pairs read directly.
 */
export * from './index.js';
export { readGenerated, writeGenerated, META_FILE, type LoadedData } from './files.js';
export { readNpyPair } from '../io/data-file.js';
