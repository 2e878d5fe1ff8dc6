/**
 * What a valid data set is, and when a data set fits a model (docs/formats.md, the data file;
 * docs/spec/model.md section 1). Every room checks data through these functions: the backends,
 * the kernels, theory/, data/, io/ and the CLI.
 */
import { ValidationError } from './errors.js';
import { readoutOf, targetsPerSequence, type Dataset, type FloatArray, type ModelSpec } from './types.js';
import { numbersArg, objectArg } from './api-args.js';

/** Where the two sides of a fit check come from, for the messages ("model m.json", "test data t.json"). */
export interface FitSources {
  model?: string;
  data?: string;
}

function positiveInteger(value: unknown, field: string, where: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(
      `${where}: field '${field}' must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
}

/** The inputs alone: n, T, d positive integers and X with n*T*d values. */
export function checkInputs(data: Pick<Dataset, 'n' | 'T' | 'd' | 'X'>, where = 'data'): void {
  // The shape first, for callers in plain JavaScript (null, a number for X): ts/core/api-args.ts.
  objectArg(data, where, 'data');
  numbersArg(data.X, where, 'X');
  for (const f of ['n', 'T', 'd'] as const) positiveInteger(data[f], f, where);
  const { n, T, d } = data;
  if (data.X.length !== n * T * d) {
    throw new ValidationError(
      `${where}: field 'X' has ${data.X.length} entries, expected ${n * T * d} (n*T*d = ${n}*${T}*${d})`,
    );
  }
}

/**
 * A data set on its own: the inputs (checkInputs), Y with n (readout final) or n*T (readout all)
 * values, and (unless `finite: false`) every value finite. Names the field that is wrong.
 */
export function checkDataset(ds: Dataset, where = 'data', opts: { finite?: boolean } = {}): void {
  checkInputs(ds, where);
  const { n, T } = ds;
  if (ds.Y.length !== n && ds.Y.length !== n * T) {
    throw new ValidationError(
      `${where}: field 'Y' has ${ds.Y.length} entries, expected n = ${n} (readout final) or n*T = ${n * T} (readout all)`,
    );
  }
  if (opts.finite === false) return;
  for (const f of ['X', 'Y'] as const) {
    const a = ds[f];
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]))
        throw new ValidationError(`${where}: field '${f}' entry ${i} is not a finite number (got ${a[i]})`);
    }
  }
}

/**
 * Does the data fit the model: the inputs are well formed with the model's d, and (when `spec`
 * has a readout) Y has the targets that readout needs. Both sides are named in the message.
 */
export function checkFits(
  spec: Pick<ModelSpec, 'd'> & Partial<Pick<ModelSpec, 'readout'>>,
  data: Pick<Dataset, 'n' | 'T' | 'd' | 'X'> & Partial<Pick<Dataset, 'Y'>>,
  sources: FitSources = {},
): void {
  const model = sources.model ?? 'the model';
  const where = sources.data ?? 'data';
  checkInputs(data, where);
  if (data.d !== spec.d)
    throw new ValidationError(`${where}: inputs have d = ${data.d} but ${model} has d = ${spec.d}`);
  if (spec.readout === undefined || data.Y === undefined) return;
  const expected = data.n * targetsPerSequence(spec.readout, data.T);
  if (data.Y.length !== expected) {
    const need = spec.readout === 'all' ? `n*T = ${data.n}*${data.T}` : `n = ${data.n}`;
    throw new ValidationError(
      `${where}: Y has ${data.Y.length} values (targets for readout '${readoutOf({ n: data.n, Y: data.Y })}') but ` +
        `${model} has readout '${spec.readout}', which needs ${expected} (${need})`,
    );
  }
}

/** checkFits, plus the workspace's shape: the same T, and n in [1, nMax]. */
export function checkFitsWorkspace(spec: ModelSpec, data: Dataset, nMax: number, T: number): void {
  if (data.T !== T) throw new ValidationError(`data: T = ${data.T} but the workspace was made for T = ${T}`);
  if (!Number.isInteger(data.n) || data.n < 1 || data.n > nMax) {
    throw new ValidationError(`data: n = ${data.n} must be an integer in [1, ${nMax}] (the workspace size)`);
  }
  checkFits(spec, data);
}

/** Sequences [from, from + count) of a data set, as views (no copy). */
export function sliceRows(data: Dataset, from: number, count: number): Dataset {
  const { T, d } = data;
  const per = targetsPerSequence(readoutOf(data), T);
  return {
    n: count,
    T,
    d,
    X: data.X.subarray(from * T * d, (from + count) * T * d),
    Y: data.Y.subarray(from * per, (from + count) * per),
  };
}

/** Copies rows `indices` (each `width` values) of `src` consecutively into a new array of the same type. */
export function gatherRows(src: FloatArray, indices: ArrayLike<number>, width: number): FloatArray {
  const out =
    src instanceof Float32Array ? new Float32Array(indices.length * width) : new Float64Array(indices.length * width);
  for (let k = 0; k < indices.length; k++) {
    const j = indices[k];
    out.set(src.subarray(j * width, (j + 1) * width), k * width);
  }
  return out;
}

/** The sequences `indices` of a data set, in that order (copies). */
export function selectRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const { T, d } = data;
  const per = targetsPerSequence(readoutOf(data), T);
  return { n: indices.length, T, d, X: gatherRows(data.X, indices, T * d), Y: gatherRows(data.Y, indices, per) };
}
