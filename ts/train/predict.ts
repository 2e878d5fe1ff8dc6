/**
 * Predictions in one call: places the model on a backend, runs the forward pass over the inputs in
 * row blocks that fit the memory budget, and frees everything it allocated (universal).
 */
import { ChunkedData, DEFAULT_MEMORY_BUDGET, rowsForBudget } from './chunked.js';
import { getBackend, type Backend, type BackendName } from '../backend/index.js';
import { checkDataset, checkFits } from '../core/dataset.js';
import { ValidationError } from '../core/errors.js';
import { backendArg, numbersArg, optionalObjectArg, paramsArg } from '../core/api-args.js';
import { targetsPerSequence, type Dataset, type FloatArray, type ModelParams } from '../core/types.js';

/** Inputs to predict for: n sequences of length T in R^d, X[(j*T + t)*d + k] (d is the model's). */
export interface PredictInputs {
  X: FloatArray | readonly number[];
  /** Sequence length. */
  T: number;
  /** Number of sequences (default X.length / (T*d)). */
  n?: number;
  /** Input dimension; when given it must be the model's d. */
  d?: number;
}

export interface PredictOptions {
  /** A backend, or its name (default 'auto': native in Node when its addon loads, else wasm). */
  backend?: Backend | BackendName;
  /**
   * Bytes the evaluation workspace may take (default 256 MiB): larger inputs are run in row blocks,
   * so n does not raise the memory needed (nor hit the wasm memory cap).
   */
  memoryBudget?: number;
}

/**
 * The model's outputs f(X_j; Theta) for every input sequence: n values (readout 'final'), or n*T
 * values with index j*T + t (readout 'all'). A `Dataset` works as it is (its Y is ignored).
 * Throws a ValidationError naming the field when the inputs do not fit the model, and naming the
 * entry when an output is not finite (the model overflows on these inputs; NaN is never returned).
 *
 * ```ts
 * import { initialize, predict } from 'rnn-gd';
 * const params = initialize({ recurrence: 'diagonal', m: 8, d: 2, alpha: 0.5 }, { seed: 1 });
 * const y = await predict(params, { X: new Float64Array(3 * 5 * 2), T: 5 }); // 3 sequences, T = 5
 * console.log(y.length); // 3
 * ```
 */
export async function predict(
  params: ModelParams,
  inputs: PredictInputs | Dataset,
  opts: PredictOptions = {},
): Promise<Float64Array> {
  paramsArg(params, 'predict');
  optionalObjectArg(opts, 'predict', 'options');
  if (typeof opts.backend === 'object' || typeof opts.backend === 'function') backendArg(opts.backend, 'predict');
  const { spec } = params;
  const data = predictionData(params, inputs);
  const budget = opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  if (!(budget > 0))
    throw new ValidationError(`predict: memoryBudget must be a positive number of bytes, got ${budget}`);
  const backend =
    typeof opts.backend === 'object' && opts.backend !== null ? opts.backend : await getBackend(opts.backend);
  // try/finally, not `using`: engines without Symbol.dispose (Safari) must work too.
  const net = backend.network(params);
  try {
    const chunked = new ChunkedData(net, data, rowsForBudget(spec, data.n, data.T, budget));
    try {
      return checkFiniteOutputs(
        chunked.forward({ predictions: true }).predictions!,
        'prediction',
        backend.description,
        'predict',
      );
    } finally {
      chunked.free();
    }
  } finally {
    net.free();
  }
}

/**
 * Refuses a non-finite model output (NaN or Infinity: the outputs overflowed), naming the entry and
 * the likely cause; `eval` and `predict` share it, so neither returns or prints a NaN.
 */
export function checkFiniteOutputs<A extends ArrayLike<number>>(
  values: A,
  what: string,
  backend: string,
  where: string,
): A {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    throw new ValidationError(
      `${where}: the ${what}${values.length > 1 ? ` (entry ${i})` : ''} is not finite (${values[i]}) on backend '${backend}': ` +
        `the model's outputs overflow on this data (parameters or inputs too large${backend.includes('f32') ? ' for float32; try the ts backend (float64)' : ''})`,
    );
  }
  return values;
}

/** The inputs as a data set the workspace takes (Y zeros: the loss is not used), checked against the model. */
function predictionData(params: ModelParams, inputs: PredictInputs | Dataset): Dataset {
  const { spec } = params;
  if (typeof inputs !== 'object' || inputs === null || inputs.X === undefined)
    throw new ValidationError(`predict: inputs must be an object with fields 'X' and 'T'`);
  numbersArg(inputs.X, 'predict inputs', 'X');
  const X: FloatArray = ArrayBuffer.isView(inputs.X) ? inputs.X : Float64Array.from(inputs.X);
  const d = inputs.d ?? spec.d;
  const T = inputs.T;
  if (!Number.isSafeInteger(T) || T < 1)
    throw new ValidationError(`predict inputs: field 'T' must be a positive integer, got ${JSON.stringify(T) ?? T}`);
  const n = inputs.n ?? X.length / (T * d);
  if (!Number.isInteger(n))
    throw new ValidationError(`predict inputs: field 'X' has ${X.length} entries, not a multiple of T*d = ${T}*${d}`);
  checkFits(spec, { n, T, d, X }, { data: 'predict inputs' });
  const data = { n, T, d, X, Y: new Float64Array(n * targetsPerSequence(spec.readout, T)) };
  checkDataset(data, 'predict inputs');
  return data;
}
