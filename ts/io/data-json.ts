/**
 * The data file `rnn-gd.data/1` (FORMATS.md) as JSON: validation (parseDataFile, checkDataset) and
 * serialization (dataToJson). Universal (browsers and Node); reading and writing files (JSON and
 * NumPy pairs) is in ./data-file.ts (Node).
 *
 *   { "format": "rnn-gd.data/1", "n", "T", "d", "X": [n*T*d], "Y": [n or n*T] }  (+ optional "meta")
 */
import type { Dataset } from '../types.js';
import { ValidationError } from '../validate.js';
import { checkFormat, checkKeys, isPlainObject, numberArray, required } from './model-json.js';

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
    throw new ValidationError(
      `${where}: field '${field}' must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}

/** Checks the shapes of a data set (X: n*T*d; Y: n or n*T), naming the field. */
export function checkDataset(ds: Dataset, where = 'data'): void {
  for (const f of ['n', 'T', 'd'] as const) positiveInteger(ds[f], f, where);
  const { n, T, d } = ds;
  if (ds.X.length !== n * T * d) {
    throw new ValidationError(
      `${where}: field 'X' has ${ds.X.length} entries, expected n*T*d = ${n}*${T}*${d} = ${n * T * d}`,
    );
  }
  if (ds.Y.length !== n && ds.Y.length !== n * T) {
    throw new ValidationError(
      `${where}: field 'Y' has ${ds.Y.length} entries, expected n = ${n} (readout final) or n*T = ${n * T} (readout all)`,
    );
  }
  for (const f of ['X', 'Y'] as const) {
    const a = ds[f];
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]))
        throw new ValidationError(`${where}: field '${f}' entry ${i} is not a finite number (got ${a[i]})`);
    }
  }
}

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
  const json: DataFileJson = {
    format: DATA_FORMAT,
    n: ds.n,
    T: ds.T,
    d: ds.d,
    X: Array.from(ds.X),
    Y: Array.from(ds.Y),
  };
  if (ds.meta !== undefined) json.meta = ds.meta;
  return json;
}
