/**
 * Data sets on disk (FORMATS.md): the JSON file `rnn-gd.data/1` and NumPy `.npy` pairs.
 *
 *   JSON:  { "format": "rnn-gd.data/1", "n", "T", "d", "X": [n*T*d], "Y": [n or n*T] }  (+ optional "meta")
 *   NumPy: X.npy shaped (n, T, d) and Y.npy shaped (n,) (readout final) or (n, T) (readout all),
 *          float32 or float64, C order. A data set is a directory holding X.npy and Y.npy, or the
 *          path of `<prefix>X.npy` with `<prefix>Y.npy` beside it.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Dataset, FloatArray } from '../types.js';
import { ValidationError } from '../validate.js';
import {
  checkFormat, checkKeys, isPlainObject, numberArray, readJsonFile, required, stringifyTopLevel,
} from './model-file.js';
import { readNpy, writeFileAtomic, writeNpy, type NpyDtype } from './npy.js';

export const DATA_FORMAT = 'rnn-gd.data/1';
const DATA_KEYS = ['format', 'n', 'T', 'd', 'X', 'Y', 'meta'] as const;

export interface DataFileJson {
  format: typeof DATA_FORMAT;
  n: number;
  T: number;
  d: number;
  X: number[];
  Y: number[];
  meta?: Record<string, unknown>;
}

function positiveInteger(value: unknown, field: string, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`${where}: field '${field}' must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

/** Checks the shapes of a data set (X: n*T*d; Y: n or n*T), naming the field. */
export function checkDataset(ds: Dataset, where = 'data'): void {
  for (const f of ['n', 'T', 'd'] as const) positiveInteger(ds[f], f, where);
  const { n, T, d } = ds;
  if (ds.X.length !== n * T * d) {
    throw new ValidationError(`${where}: field 'X' has ${ds.X.length} entries, expected n*T*d = ${n}*${T}*${d} = ${n * T * d}`);
  }
  if (ds.Y.length !== n && ds.Y.length !== n * T) {
    throw new ValidationError(
      `${where}: field 'Y' has ${ds.Y.length} entries, expected n = ${n} (readout final) or n*T = ${n * T} (readout all)`,
    );
  }
  for (const f of ['X', 'Y'] as const) {
    const a = ds[f];
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new ValidationError(`${where}: field '${f}' entry ${i} is not a finite number (got ${a[i]})`);
    }
  }
}

/** The readout a data set's targets are for: Y of length n*T (T > 1) means 'all'. */
export const dataReadout = (ds: Dataset): 'final' | 'all' => (ds.Y.length === ds.n ? 'final' : 'all');

/** Validates a parsed data file and returns the data set (X, Y as Float64Array). */
export function parseDataFile(json: unknown, where = 'data file'): Dataset {
  if (!isPlainObject(json)) throw new ValidationError(`${where}: expected a JSON object`);
  checkFormat(json, DATA_FORMAT, where);
  checkKeys(json, DATA_KEYS, where);
  const n = positiveInteger(required(json, 'n', where), 'n', where);
  const T = positiveInteger(required(json, 'T', where), 'T', where);
  const d = positiveInteger(required(json, 'd', where), 'd', where);
  const X = numberArray(required(json, 'X', where), 'X', where, { length: n * T * d, shape: `n*T*d = ${n}*${T}*${d}` });
  const Yraw = required(json, 'Y', where);
  const Y = numberArray(Yraw, 'Y', where);
  if (Y.length !== n && Y.length !== n * T) {
    throw new ValidationError(
      `${where}: field 'Y' has ${Y.length} entries, expected n = ${n} (readout final) or n*T = ${n * T} (readout all)`,
    );
  }
  const ds: Dataset = { n, T, d, X, Y };
  if (json.meta !== undefined) {
    if (!isPlainObject(json.meta)) throw new ValidationError(`${where}: field 'meta' must be an object`);
    ds.meta = json.meta;
  }
  return ds;
}

/** The JSON data file object for `ds` (keys in FORMATS.md order, meta last when present). */
export function dataToJson(ds: Dataset): DataFileJson {
  checkDataset(ds, 'data to write');
  const json: DataFileJson = { format: DATA_FORMAT, n: ds.n, T: ds.T, d: ds.d, X: Array.from(ds.X), Y: Array.from(ds.Y) };
  if (ds.meta !== undefined) json.meta = ds.meta;
  return json;
}

/** Reads X.npy / Y.npy and checks their shapes against each other. */
export function readNpyPair(xPath: string, yPath: string): Dataset {
  const where = `data ${xPath}`;
  if (!existsSync(yPath)) throw new ValidationError(`${where}: targets file ${yPath} is missing (Y.npy must sit beside X.npy)`);
  const x = readNpy(xPath);
  const y = readNpy(yPath);
  if (x.shape.length !== 3) {
    throw new ValidationError(`${xPath}: X must have shape (n, T, d), got (${x.shape.join(', ')})`);
  }
  const [n, T, d] = x.shape;
  if (n < 1 || T < 1 || d < 1) throw new ValidationError(`${xPath}: X shape (${x.shape.join(', ')}) has an empty dimension`);
  const yOk = (y.shape.length === 1 && y.shape[0] === n) || (y.shape.length === 2 && y.shape[0] === n && y.shape[1] === T);
  if (!yOk) {
    throw new ValidationError(
      `${yPath}: Y must have shape (${n},) (readout final) or (${n}, ${T}) (readout all) to match X (${n}, ${T}, ${d}), ` +
        `got (${y.shape.join(', ')}${y.shape.length === 1 ? ',' : ''})`,
    );
  }
  const ds: Dataset = { n, T, d, X: x.data, Y: y.data };
  checkDataset(ds, where);
  return ds;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const yBeside = (xPath: string): string => join(dirname(xPath), basename(xPath).replace(/X\.npy$/, 'Y.npy'));

/**
 * Reads a data set from
 * - a `.json` file (rnn-gd.data/1);
 * - a directory holding `data.json`, or `X.npy` and `Y.npy`;
 * - the path of `<prefix>X.npy`, with `<prefix>Y.npy` beside it.
 */
export function readData(pathOrDir: string): Dataset {
  if (!existsSync(pathOrDir)) throw new ValidationError(`data ${pathOrDir}: no such file or directory`);
  if (isDir(pathOrDir)) {
    const json = join(pathOrDir, 'data.json');
    if (existsSync(json)) return parseDataFile(readJsonFile(json, 'data file'), `data file ${json}`);
    const x = join(pathOrDir, 'X.npy');
    if (existsSync(x)) return readNpyPair(x, join(pathOrDir, 'Y.npy'));
    throw new ValidationError(`data ${pathOrDir}: directory holds neither data.json nor X.npy + Y.npy`);
  }
  if (pathOrDir.endsWith('.npy')) {
    if (!/X\.npy$/.test(basename(pathOrDir))) {
      throw new ValidationError(
        `data ${pathOrDir}: give the inputs file (<prefix>X.npy, with <prefix>Y.npy beside it) or their directory`,
      );
    }
    return readNpyPair(pathOrDir, yBeside(pathOrDir));
  }
  return parseDataFile(readJsonFile(pathOrDir, 'data file'), `data file ${pathOrDir}`);
}

export interface WriteDataOptions {
  /**
   * 'json': one rnn-gd.data/1 file at `path`; 'npy': X.npy + Y.npy in the directory `path` (or at
   * `path` = `<prefix>X.npy` and `<prefix>Y.npy`); 'both': data.json + X.npy + Y.npy in the directory `path`.
   * Default: 'json' when `path` ends in .json, else 'npy'.
   */
  format?: 'json' | 'npy' | 'both';
  /** dtype of the .npy files; default: float32 for Float32Array data, float64 otherwise. */
  dtype?: NpyDtype;
}

/** Writes a data set (every file atomically). Returns the paths written. */
export function writeData(path: string, ds: Dataset, opts: WriteDataOptions = {}): string[] {
  const format = opts.format ?? (path.endsWith('.json') ? 'json' : 'npy');
  checkDataset(ds, 'data to write');
  if (format === 'json') {
    writeFileAtomic(path, stringifyTopLevel(dataToJson(ds) as unknown as Record<string, unknown>));
    return [path];
  }
  if (path.endsWith('.json')) throw new ValidationError(`data ${path}: format '${format}' writes a directory, not a .json file`);
  let xPath: string;
  let yPath: string;
  const written: string[] = [];
  if (format === 'npy' && path.endsWith('.npy')) {
    if (!/X\.npy$/.test(basename(path))) throw new ValidationError(`data ${path}: the inputs file must be named <prefix>X.npy`);
    xPath = path;
    yPath = yBeside(path);
  } else {
    xPath = join(path, 'X.npy');
    yPath = join(path, 'Y.npy');
    if (format === 'both') {
      const jsonPath = join(path, 'data.json');
      writeFileAtomic(jsonPath, stringifyTopLevel(dataToJson(ds) as unknown as Record<string, unknown>));
      written.push(jsonPath);
    }
  }
  const dtypeOf = (a: FloatArray): NpyDtype => opts.dtype ?? (a instanceof Float32Array ? '<f4' : '<f8');
  writeNpy(xPath, ds.X, [ds.n, ds.T, ds.d], dtypeOf(ds.X));
  writeNpy(yPath, ds.Y, ds.Y.length === ds.n ? [ds.n] : [ds.n, ds.T], dtypeOf(ds.Y));
  written.push(xPath, yPath);
  return written;
}
