/**
 * NumPy `.npy` files on disk (Node only): readNpy, writeNpy and atomic writes. The byte codec
 * (parseNpy, encodeNpy) is universal and lives in ./npy-codec.ts; it is re-exported here.
 */
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from '../validate.js';
import { encodeNpy, parseNpy, type NpyArray, type NpyDtype } from './npy-codec.js';

export * from './npy-codec.js';

/**
 * Writes `bytes` (or text) to `path` atomically: first `path.tmp-<pid>`, then a rename, so a reader
 * never sees a half-written file. Creates the parent directory when missing.
 */
export function writeFileAtomic(path: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
}

/** Reads a .npy file from disk. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ValidationError(`${path}: cannot read .npy file: ${(err as Error).message}`);
  }
  return parseNpy(bytes, path);
}

/** Writes a .npy file atomically (see encodeNpy for the dtype rule). */
export function writeNpy(path: string, data: ArrayLike<number>, shape: readonly number[], dtype?: NpyDtype): void {
  writeFileAtomic(path, encodeNpy(data, shape, dtype));
}
