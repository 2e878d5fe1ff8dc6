/**
 * The public entry points' argument shapes, checked at the call for callers in plain JavaScript
 * (where TypeScript's types do not hold): a wrong type is a ValidationError naming the field
 * ("Trainer: field 'backend' must be a Backend object (from getBackend('wasm')), got the string
 * 'wasm'"), never a TypeError from deep inside, nor a value silently ignored.
 */
import { ValidationError } from './errors.js';

/** 'the string "wasm"', 'the number 42', 'null', 'an array', 'a function'. */
function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing (undefined)';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `the ${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const fail = (where: string, field: string, expected: string, v: unknown): never => {
  throw new ValidationError(`${where}: field '${field}' must be ${expected}, got ${describeValue(v)}`);
};

/** An object (not null, not an array); `field` '(arguments)' for the whole argument. */
export function objectArg(v: unknown, where: string, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, field, 'an object', v);
  return v as Record<string, unknown>;
}

/** An optional object argument (undefined allowed). */
export function optionalObjectArg(v: unknown, where: string, field: string): Record<string, unknown> {
  return v === undefined ? {} : objectArg(v, where, field);
}

/** A Backend object (what getBackend resolves to), not its name. */
export function backendArg(v: unknown, where: string, field = 'backend'): void {
  const b = v as { network?: unknown; kernels?: unknown } | null;
  if (typeof b !== 'object' || b === null || typeof b.network !== 'function' || typeof b.kernels !== 'object')
    fail(
      where,
      field,
      `a Backend object (from await getBackend('wasm' | 'ts'))${typeof v === 'string' ? '; pass the object, not its name' : ''}`,
      v,
    );
}

/** A model's parameters: an object with a `spec` object and W, U, c, W0, U0 arrays (their lengths are checked later). */
export function paramsArg(v: unknown, where: string, field = 'params'): void {
  const p = objectArg(v, where, field);
  objectArg(p.spec, where, `${field}.spec`);
  for (const name of ['W', 'U', 'c', 'W0', 'U0']) numbersArg(p[name], where, `${field}.${name}`);
}

/** An array or typed array of numbers (the entries are checked where they are used). */
export function numbersArg(v: unknown, where: string, field: string): void {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView)))
    fail(where, field, 'an array (or typed array) of numbers', v);
}

/** An array (of objects, say: each entry is checked by the caller). */
export function arrayArg(v: unknown, where: string, field: string): void {
  if (!Array.isArray(v)) fail(where, field, 'an array', v);
}

/** A data set: an object with n, T, d and the arrays X and Y (values checked by checkDataset). */
export function datasetArg(v: unknown, where: string, field: string): void {
  const ds = objectArg(v, where, field);
  numbersArg(ds.X, where, `${field}.X`);
  numbersArg(ds.Y, where, `${field}.Y`);
}

/** An optional callback. */
function callbackArg(v: unknown, where: string, field: string): void {
  if (v !== undefined && typeof v !== 'function') fail(where, field, 'a function', v);
}

/** An optional AbortSignal (an AbortController's `signal`). */
function signalArg(v: unknown, where: string, field = 'signal'): void {
  if (v === undefined) return;
  const s = v as { aborted?: unknown; addEventListener?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function')
    fail(where, field, 'an AbortSignal (new AbortController().signal)', v);
}

/** The shapes of a TrainerInit (values are checked where they are used). */
export function trainerInitArg(init: unknown): void {
  const where = 'Trainer';
  const o = objectArg(init, where, 'init');
  backendArg(o.backend, where);
  paramsArg(o.params, where);
  datasetArg(o.data, where, 'data');
  if (o.test !== undefined) datasetArg(o.test, where, 'test');
  objectArg(o.train, where, 'train');
  if (o.resume !== undefined) objectArg(o.resume, where, 'resume');
  callbackArg(o.divergenceHint, where, 'divergenceHint');
}

/** Trainer.run's options: an object (or nothing), a function for onProgress, an AbortSignal. */
export function runOptionsArg(opts: unknown): void {
  const o = optionalObjectArg(opts, 'Trainer.run', 'options');
  callbackArg(o.onProgress, 'Trainer.run', 'onProgress');
  signalArg(o.signal, 'Trainer.run');
}
