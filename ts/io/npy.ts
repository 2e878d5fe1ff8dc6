/**
 * NumPy `.npy` files on disk (Node only): readNpy and writeNpy (written by ./fs.ts's output policy). The byte codec
 * (parseNpy, encodeNpy) is universal and lives in ./npy-codec.ts; it is re-exported here.
 */
import { getMemoryCap } from '../backend/capacity.js';
import { readFileBounded, writeFileAtomic } from './fs.js';
import { encodeNpy, parseNpy, type NpyArray, type NpyDtype } from './npy-codec.js';

export * from './npy-codec.js';
export { ensureDir, writeFileAtomic } from './fs.js';

/** Reads a .npy file from disk. */
export function readNpy(path: string): NpyArray {
  // A .npy file is read whole: more than the memory cap could never be trained on anyway.
  const cap = getMemoryCap();
  const bytes = readFileBounded(
    path,
    '.npy file',
    cap,
    'of the memory cap (raise it with RNN_GD_MEMORY_CAP, or use less data)',
  );
  return parseNpy(bytes, path);
}

/** Writes a .npy file atomically (see encodeNpy for the dtype rule). */
export function writeNpy(path: string, data: ArrayLike<number>, shape: readonly number[], dtype?: NpyDtype): void {
  writeFileAtomic(path, encodeNpy(data, shape, dtype));
}
