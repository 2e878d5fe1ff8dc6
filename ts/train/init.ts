/**
 * Initialization (docs/spec/model.md section 4): Theta(0) from one seed, by one of three schemes.
 * 'halves' and 'paired' give f(X; Theta(0)) = 0 exactly for every X; 'iid' does not.
 */
import { ValidationError } from '../core/errors.js';
import { parseInitOptions, parseModelSpec, type InitOptionsInput, type ModelSpecInput } from '../core/config.js';
import { makeRng } from '../core/rng.js';
import { uLength, wLength, type InitScheme, type ModelParams, type ModelSpec } from '../core/types.js';
import { paramsArg } from '../core/api-args.js';

/** The scheme a model of this recurrence gets when none is given: 'halves' (dense), 'paired' (diagonal). */
const defaultInitScheme = (recurrence: ModelSpec['recurrence']): InitScheme =>
  recurrence === 'dense' ? 'halves' : 'paired';

/**
 * Draws Theta(0) for `spec` from one seed. c_{i+m/2} = -c_i; c_i = +1 for i < m/2 ('paired', 'iid'),
 * c_i = (-1)^i for i < m/2 ('halves').
 * - 'halves' (dense default): two independent networks of width m/2. Row i < m/2 of W has
 *   W_ij ~ N(0, 2) for j < m/2 and 0 for j >= m/2; neuron i + m/2 is neuron i shifted by m/2
 *   (W_{i+m/2, j+m/2} = W_ij, zero block elsewhere), u_{i+m/2} = u_i. The variance 2 makes each half
 *   an i.i.d. Elman network of width m/2 at the same alpha: (alpha/sqrt(m)) sqrt(2) = alpha/sqrt(m/2).
 * - 'paired' (diagonal default; the dense law of earlier versions): neuron i + m/2 is a copy of
 *   neuron i (dense: the whole row i of W, W_ij ~ N(0, 1)). For the dense model this silences
 *   backpropagation through time at Theta(0): W^T [v; -v] = 0.
 * - 'iid': every neuron drawn independently (dense W_ij ~ N(0, 1)); f(X; Theta(0)) != 0.
 * Draw order (fixed, so every runtime gives the same numbers): for each neuron drawn (i < m/2, or
 * i < m for 'iid'), first its recurrent weights (dense: its row, or its block row for 'halves', N(0,1)
 * in column order; diagonal: w_i by `init.w`), then u_i ~ N(0, I_d).
 * Both arguments are validated at run time too (JSON files, JS callers): a bad field throws a
 * ValidationError that names it.
 */
export function initialize(specInput: ModelSpecInput, initInput?: InitOptionsInput): ModelParams {
  const spec: ModelSpec = parseModelSpec(specInput);
  const init = parseInitOptions(initInput);
  const scheme = init.scheme ?? defaultInitScheme(spec.recurrence);
  if (spec.recurrence === 'diagonal' && scheme === 'halves')
    throw new ValidationError(
      "init options: field 'scheme': 'halves' is for the dense model; a diagonal model's halves are already " +
        "independent networks under 'paired' (the default): use 'paired' or 'iid'",
    );
  const { m, d } = spec;
  const half = m / 2;
  const rng = makeRng(init.seed, 'init');
  const W = new Float64Array(wLength(spec));
  const U = new Float64Array(uLength(spec));
  const c = new Float64Array(m);
  const drawW = { uniform: () => 2 * rng.uniform() - 1, rademacher: rng.rademacher, normal: rng.normal }[init.w];
  const drawn = scheme === 'iid' ? m : half;
  for (let i = 0; i < drawn; i++) {
    if (spec.recurrence === 'diagonal') W[i] = drawW();
    else if (scheme === 'halves') for (let j = 0; j < half; j++) W[i * m + j] = Math.SQRT2 * rng.normal();
    else for (let j = 0; j < m; j++) W[i * m + j] = rng.normal();
    for (let k = 0; k < d; k++) U[i * d + k] = rng.normal();
    if (scheme === 'iid') continue;
    if (spec.recurrence === 'diagonal') W[i + half] = W[i];
    else if (scheme === 'halves') W.copyWithin((i + half) * m + half, i * m, i * m + half);
    else W.copyWithin((i + half) * m, i * m, (i + 1) * m);
    U.copyWithin((i + half) * d, i * d, (i + 1) * d);
  }
  // halves: signs alternate inside each half, so a half's readout has mean zero like the i.i.d. model's
  // (with c = +1 on a whole half, gradient independence fails for relu and the NTK has another limit).
  for (let i = 0; i < half; i++) {
    c[i] = scheme === 'halves' && i % 2 === 1 ? -1 : 1;
    c[i + half] = -c[i];
  }
  return { spec, W, U, c, W0: W.slice(), U0: U.slice(), init: scheme };
}

/** A deep copy of parameters (the arrays are never shared). */
export function cloneParams(p: ModelParams): ModelParams {
  paramsArg(p, 'cloneParams');
  return {
    spec: p.spec,
    W: p.W.slice(),
    U: p.U.slice(),
    c: p.c.slice(),
    W0: p.W0.slice(),
    U0: p.U0.slice(),
    ...(p.init && { init: p.init }),
  };
}
