/**
 * The data file `rnn-gd.data/1` (docs/formats.md) as JSON: validation (parseDataFile; the shape rules are
 * checkDataset in ../dataset.ts) and
 * serialization (dataToJson). Universal (browsers and Node); reading and writing files (JSON and
 * NumPy pairs) is in ./data-file.ts (Node).
 *
 *   { "format": "rnn-gd.data/1", "n", "T", "d", "X": [n*T*d], "Y": [n or n*T] }  (+ optional "meta")
 */
import { ValidationError } from '../core/errors.js';
import type { Dataset } from '../core/types.js';
import { checkFormat, checkKeys, isPlainObject, metaField, numberArray, required } from './model-json.js';
import { checkDataset } from '../core/dataset.js';

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

/** Validates a parsed data file and returns the data set (X, Y as Float64Array). */
export function parseDataFile(json: unknown, where = 'data file'): Dataset {
  if (!isPlainObject(json)) throw new ValidationError(`${where}: expected a JSON object`);
  checkFormat(json, DATA_FORMAT, where);
  checkKeys(json, DATA_KEYS, where);
  const [n, T, d] = (['n', 'T', 'd'] as const).map((f) => required(json, f, where)) as number[];
  const X = numberArray(required(json, 'X', where), 'X', where);
  const Y = numberArray(required(json, 'Y', where), 'Y', where);
  const ds: Dataset = { n, T, d, X, Y };
  checkDataset(ds, where, { finite: false }); // numberArray refused non-finite entries
  const meta = metaField(json, where);
  if (meta !== undefined) ds.meta = meta;
  return ds;
}

/** The JSON data file object for `ds` (keys in docs/formats.md order, meta last when present). */
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
  if (ds.meta !== undefined) json.meta = metaField({ meta: ds.meta }, 'data to write');
  return json;
}
