/**
 * The argument contract of the Network and Workspace interface (backend/types.ts), checked at the
 * doors of both backends so that the ts backend refuses exactly what the wasm backend refuses:
 * parameters of the spec's lengths, finite, output signs c of +1 or -1, and train arguments
 * (steps, eta, rho, batch indices) in range. A float32 store (wasm, ts float32) also needs every
 * value within float32 range: a larger one would silently become Infinity.
 */
import { ValidationError } from '../core/errors.js';
import { parseModelSpec } from '../core/config.js';
import { FLOAT32_MAX } from '../core/validate.js';
import { uLength, wLength, type ModelParams, type ModelSpec, type Projection } from '../core/types.js';
import { projectionRadius, type ParamName } from './types.js';

/** Finite values (and within float32 range when `float32`), naming the field and the first bad entry. */
export function checkFinite(values: ArrayLike<number>, field: string, float32: boolean): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (float32 ? !(Math.abs(v) <= FLOAT32_MAX) : !Number.isFinite(v)) {
      throw new ValidationError(
        float32
          ? `${field}: entry ${i} is ${v}; float32 storage needs finite values with |x| <= ${FLOAT32_MAX.toPrecision(5)} ` +
              `(rescale them, or use the ts backend, which computes in float64)`
          : `${field}: entry ${i} is ${v}; values must be finite numbers`,
      );
    }
  }
}

/** The length of each parameter array of a network with this spec. */
export function paramLengths(spec: ModelSpec): Record<ParamName, number> {
  const nw = wLength(spec),
    nu = uLength(spec);
  return { W: nw, W0: nw, gradW: nw, U: nu, U0: nu, gradU: nu, c: spec.m };
}

/** One parameter array: present, of its length, finite; c also of signs +1 or -1. */
export function checkParam(
  name: ParamName,
  values: ArrayLike<number> | undefined,
  length: number,
  float32: boolean,
  where = 'network',
): void {
  if (!values || typeof values.length !== 'number')
    throw new ValidationError(`${where}: parameter '${name}' is missing`);
  if (values.length !== length)
    throw new ValidationError(`${where}: parameter '${name}' has ${values.length} values, expected ${length}`);
  checkFinite(values, `${where}: parameter '${name}'`, float32);
  if (name === 'c') {
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== 1 && values[i] !== -1)
        throw new ValidationError(`${where}: parameter 'c' entry ${i} is ${values[i]}; output signs must be +1 or -1`);
    }
  }
}

/** A network's spec and parameters, before anything is allocated; returns the parsed spec. */
export function checkNetworkParams(params: ModelParams, float32: boolean): ModelSpec {
  const spec = parseModelSpec(params?.spec, 'network spec');
  const lengths = paramLengths(spec);
  for (const name of ['W', 'U', 'W0', 'U0', 'c'] as const) checkParam(name, params[name], lengths[name], float32);
  return spec;
}

/** The arguments of Workspace.train, for a workspace holding n sequences. */
export function checkTrainArgs(
  n: number,
  steps: number,
  eta: number,
  projection: Projection,
  batch: { size: number; indices: Uint32Array } | undefined,
  linearized: boolean,
): void {
  if (n === 0) throw new ValidationError('workspace: no data loaded; call setData() first');
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new ValidationError(`train: steps must be an integer >= 0, got ${steps}`);
  if (!(Math.abs(eta) <= FLOAT32_MAX))
    throw new ValidationError(`train: eta must be a finite float32 number, got ${eta}`);
  const rho = projectionRadius(projection);
  if (!(rho >= 0 && rho <= FLOAT32_MAX))
    throw new ValidationError(`train: projection radius rho must be a finite number >= 0, got ${rho}`);
  if (!batch) return;
  if (linearized)
    throw new ValidationError('train: the linearized network trains by full-batch gradient descent only (no batch)');
  const size = batch.size;
  if (!Number.isSafeInteger(size) || size < 1 || size > n)
    throw new ValidationError(`train: batch size must be an integer in [1, n = ${n}], got ${size}`);
  if (batch.indices.length < steps * size)
    throw new ValidationError(`train: need ${steps * size} batch indices, got ${batch.indices.length}`);
  for (let k = 0; k < steps * size; k++) {
    if (batch.indices[k] >= n)
      throw new ValidationError(`train: batch index ${batch.indices[k]} (entry ${k}) is out of range (n = ${n})`);
  }
}

/** An n x n matrix (n >= 1) for the tridiagonalization kernel, the same check on both backends. */
export function checkSquareMatrix(K: ArrayLike<number>, n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1 || K.length !== n * n)
    throw new ValidationError(`${what}: expected an n x n matrix with n >= 1, got ${K.length} values for n = ${n}`);
}
