/**
 * NumPy `.npy` files on disk (Node only): readNpy, writeNpy and atomic writes. The byte codec
 * (parseNpy, encodeNpy) is universal and lives in ./npy-codec.ts; it is re-exported here.
 */
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from '../validate.js';
import { encodeNpy, parseNpy, type NpyArray, type NpyDtype } from './npy-codec.js';

export * from './npy-codec.js';

/**
 * Creates a directory and its missing parents, one level at a time. (Node's
 * mkdirSync(..., { recursive: true }) loops forever when mkdir fails with ENOENT under an existing
 * parent, e.g. below /proc.) Errors name the directory.
 */
export function ensureDir(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    st = null;
  }
  if (st) {
    if (!st.isDirectory()) throw new ValidationError(`cannot create directory ${dir}: a file of that name exists`);
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw new ValidationError(`cannot create directory ${dir}: ${(err as Error).message}`);
  }
}

/**
 * Writes `bytes` (or text) to `path` atomically: first `path.tmp-<pid>`, then a rename, so a reader
 * never sees a half-written file (a killed process leaves the old file or the new one, never a mix).
 * Creates the parent directory when missing. Errors name the file.
 */
export function writeFileAtomic(path: string, contents: Uint8Array | string): void {
  ensureDir(dirname(path));
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw new ValidationError(`cannot write ${path}: ${(err as Error).message}`);
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
