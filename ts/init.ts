/** Symmetric initialization (docs/spec/model.md section 4): f(X; Theta(0)) = 0 exactly for every X. */
import { parseInitOptions, parseModelSpec, type InitOptionsInput, type ModelSpecInput } from './config.js';
import { makeRng } from './rng.js';
import { uLength, wLength, type ModelParams, type ModelSpec } from './types.js';
import { paramsArg } from './api-args.js';

/**
 * Draws Theta(0) for `spec` from one seed. For i < m/2: c_i = +1, c_{i+m/2} = -1 and
 * theta_{i+m/2}(0) = theta_i(0), so the two halves cancel in the readout.
 * Draw order (fixed, so every runtime gives the same numbers): for i = 0..m/2-1, first
 * neuron i's recurrent weights (dense: row i of W, N(0,1); diagonal: w_i by `init.w`), then u_i ~ N(0, I_d).
 * Both arguments are validated at run time too (JSON files, JS callers): a bad field throws a
 * ValidationError that names it.
 */
export function initialize(specInput: ModelSpecInput, initInput?: InitOptionsInput): ModelParams {
  const spec: ModelSpec = parseModelSpec(specInput);
  const init = parseInitOptions(initInput);
  const { m, d } = spec;
  const half = m / 2;
  const rng = makeRng(init.seed, 'init');
  const W = new Float64Array(wLength(spec));
  const U = new Float64Array(uLength(spec));
  const c = new Float64Array(m);
  const drawW = { uniform: () => 2 * rng.uniform() - 1, rademacher: rng.rademacher, normal: rng.normal }[init.w];
  for (let i = 0; i < half; i++) {
    if (spec.recurrence === 'dense') {
      for (let j = 0; j < m; j++) W[i * m + j] = rng.normal();
      W.copyWithin((i + half) * m, i * m, (i + 1) * m);
    } else {
      W[i] = drawW();
      W[i + half] = W[i];
    }
    for (let k = 0; k < d; k++) U[i * d + k] = rng.normal();
    U.copyWithin((i + half) * d, i * d, (i + 1) * d);
    c[i] = 1;
    c[i + half] = -1;
  }
  return { spec, W, U, c, W0: W.slice(), U0: U.slice() };
}

/** A deep copy of parameters (the arrays are never shared). */
export function cloneParams(p: ModelParams): ModelParams {
  paramsArg(p, 'cloneParams');
  return { spec: p.spec, W: p.W.slice(), U: p.U.slice(), c: p.c.slice(), W0: p.W0.slice(), U0: p.U0.slice() };
}
