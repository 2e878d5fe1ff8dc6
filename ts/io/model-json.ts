/**
 * The model file `rnn-gd.model/1` (docs/formats.md) as JSON: validation of every field (parseModelFile)
 * and serialization (modelToJson). Universal (browsers and Node); the file functions
 * (saveModel, loadModel, readModelFile, readJsonFile) are in ./model-file.ts (Node); loadModel from a
 * Blob, Response or URL and modelBlob are in ./model-source.ts (universal).
 *
 *   { "format": "rnn-gd.model/1", "recurrence", "activation", "readout", "m", "d", "alpha",
 *     "init", "W", "U", "c", "W0", "U0" }        (+ an optional free-form "meta" object)
 * "init" (the initialization scheme) is optional: files of earlier versions have none and were
 * drawn by 'paired', so that is what a missing field reads as.
 */
import { ValidationError } from '../core/errors.js';
import { parseModelSpec } from '../core/config.js';
import { INIT_SCHEMES, uLength, wLength, type InitScheme, type ModelParams, type ModelSpec } from '../core/types.js';
import { checkJsonDepth, checkKeys, stringifyTopLevel } from './json.js';
import { paramsArg } from '../core/api-args.js';

export { checkKeys, parseJsonText, stringifyTopLevel } from './json.js';

export const MODEL_FORMAT = 'rnn-gd.model/1';

/** ModelParams as read from a file, with its optional free-form `meta` object. */
export type ModelFile = ModelParams & { meta?: Record<string, unknown> };

/** The JSON object of a model file, keys in the order of docs/formats.md. */
export interface ModelFileJson {
  format: typeof MODEL_FORMAT;
  recurrence: ModelSpec['recurrence'];
  activation: ModelSpec['activation'];
  readout: ModelSpec['readout'];
  m: number;
  d: number;
  alpha: number;
  init?: InitScheme;
  W: number[];
  U: number[];
  c: number[];
  W0: number[];
  U0: number[];
  meta?: Record<string, unknown>;
}

const MODEL_KEYS = [
  'format',
  'recurrence',
  'activation',
  'readout',
  'm',
  'd',
  'alpha',
  'init',
  'W',
  'U',
  'c',
  'W0',
  'U0',
  'meta',
] as const;

// ---------------------------------------------------------------------------------------------
// Helpers shared with the data file reader.

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'number') return String(v);
  return `a ${typeof v}`;
};

/** A field of the object itself (never one inherited through its prototype), or undefined. */
export const own = (obj: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(obj, key) ? obj[key] : undefined;

/** A required field, or an error naming it. */
export function required(obj: Record<string, unknown>, key: string, where: string): unknown {
  const value = own(obj, key);
  if (value === undefined) throw new ValidationError(`${where}: field '${key}' is missing`);
  return value;
}

/** The optional free-form `meta` field of a model or data file: a plain object within the nesting limit. */
export function metaField(obj: Record<string, unknown>, where: string): Record<string, unknown> | undefined {
  const meta = own(obj, 'meta');
  if (meta === undefined) return undefined;
  if (!isPlainObject(meta))
    throw new ValidationError(`${where}: field 'meta' must be an object, got ${describe(meta)}`);
  checkJsonDepth(meta, `${where}: field 'meta'`, 1);
  return meta;
}

/** Checks the `format` field: exactly `expected`, with helpful messages for other rnn-gd formats. */
export function checkFormat(obj: Record<string, unknown>, expected: string, where: string): void {
  const format = own(obj, 'format');
  if (format === undefined) throw new ValidationError(`${where}: field 'format' is missing; expected '${expected}'`);
  if (format === expected) return;
  const kind = expected.split('/')[0];
  let hint = '';
  if (typeof format === 'string' && format.startsWith(kind + '/')) hint = ' (unsupported version of this format)';
  else if (format === 'rnn-gd.model/1') hint = ' (this is a model file, not a data file)';
  else if (format === 'rnn-gd.data/1') hint = ' (this is a data file, not a model file)';
  throw new ValidationError(`${where}: field 'format' is ${describe(format)}, expected '${expected}'${hint}`);
}

/**
 * Copies a JSON array (or typed array) of numbers into a Float64Array, checking its length and
 * that every entry is a finite number: `<where>: field 'U' entry 7 is not a finite number (got NaN)`.
 */
export function numberArray(
  value: unknown,
  field: string,
  where: string,
  expected?: { length: number; shape: string },
): Float64Array {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    throw new ValidationError(`${where}: field '${field}' must be an array of numbers, got ${describe(value)}`);
  }
  const arr = value as ArrayLike<unknown>;
  if (expected && arr.length !== expected.length) {
    throw new ValidationError(
      `${where}: field '${field}' has ${arr.length} entries, expected ${expected.length} (${expected.shape})`,
    );
  }
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number' && typeof v !== 'bigint') {
      throw new ValidationError(`${where}: field '${field}' entry ${i} is not a finite number (got ${describe(v)})`);
    }
    const x = Number(v);
    if (!Number.isFinite(x)) {
      throw new ValidationError(`${where}: field '${field}' entry ${i} is not a finite number (got ${describe(x)})`);
    }
    out[i] = x;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Validates a parsed model file and returns its parameters (float64 copies). */
export function parseModelFile(json: unknown, where = 'model file'): ModelFile {
  if (!isPlainObject(json)) throw new ValidationError(`${where}: expected a JSON object, got ${describe(json)}`);
  checkFormat(json, MODEL_FORMAT, where);
  checkKeys(json, MODEL_KEYS, where);
  const specInput: Record<string, unknown> = {};
  for (const key of ['recurrence', 'activation', 'readout', 'm', 'd', 'alpha'] as const) {
    specInput[key] = required(json, key, where);
  }
  const spec = parseModelSpec(specInput, where);
  const { m, d } = spec;
  const wShape = spec.recurrence === 'dense' ? `dense: m*m = ${m}*${m}` : `diagonal: m = ${m}`;
  const wSpec = { length: wLength(spec), shape: wShape };
  const uSpec = { length: uLength(spec), shape: `m*d = ${m}*${d}` };
  const W = numberArray(required(json, 'W', where), 'W', where, wSpec);
  const U = numberArray(required(json, 'U', where), 'U', where, uSpec);
  const c = numberArray(required(json, 'c', where), 'c', where, { length: m, shape: `m = ${m}` });
  for (let i = 0; i < m; i++) {
    if (c[i] !== 1 && c[i] !== -1) {
      throw new ValidationError(`${where}: field 'c' entry ${i} is ${c[i]}; output signs must be +1 or -1`);
    }
  }
  const W0raw = own(json, 'W0'),
    U0raw = own(json, 'U0');
  const W0 = W0raw === undefined ? W.slice() : numberArray(W0raw, 'W0', where, wSpec);
  const U0 = U0raw === undefined ? U.slice() : numberArray(U0raw, 'U0', where, uSpec);
  const out: ModelFile = { spec, W, U, c, W0, U0, init: parseInitScheme(own(json, 'init'), spec, where) };
  const meta = metaField(json, where);
  if (meta !== undefined) out.meta = meta;
  return out;
}

/** The file's "init" field: absent means 'paired' (every file written before the field existed). */
function parseInitScheme(value: unknown, spec: ModelSpec, where: string): InitScheme {
  if (value === undefined) return 'paired';
  if (!INIT_SCHEMES.includes(value as InitScheme))
    throw new ValidationError(
      `${where}: field 'init' is ${describe(value)}; expected one of ${INIT_SCHEMES.map((s) => `'${s}'`).join(', ')}`,
    );
  if (value === 'halves' && spec.recurrence === 'diagonal')
    throw new ValidationError(
      `${where}: field 'init' is 'halves', a dense-model scheme; a diagonal model's is 'paired' or 'iid'`,
    );
  return value as InitScheme;
}

/** The model file object for `params` (keys in docs/formats.md order; W0/U0 always written; meta last if any). */
export function modelToJson(params: ModelParams & { meta?: Record<string, unknown> }): ModelFileJson {
  paramsArg(params, 'model to write');
  const { spec } = params;
  const json: ModelFileJson = {
    format: MODEL_FORMAT,
    recurrence: spec.recurrence,
    activation: spec.activation,
    readout: spec.readout,
    m: spec.m,
    d: spec.d,
    alpha: spec.alpha,
    ...(params.init && { init: params.init }),
    W: Array.from(params.W),
    U: Array.from(params.U),
    c: Array.from(params.c),
    W0: Array.from(params.W0),
    U0: Array.from(params.U0),
  };
  if (params.meta !== undefined) json.meta = params.meta;
  // Validate what we write, so a bad model never reaches disk (and the file always reads back).
  parseModelFile(json, 'model to write');
  return json;
}

/** The text of a model file exactly as `saveModel` (and `rnn-gd train`) writes it. */
export const modelFileText = (params: ModelParams & { meta?: Record<string, unknown> }): string =>
  stringifyTopLevel(modelToJson(params) as unknown as Record<string, unknown>);
