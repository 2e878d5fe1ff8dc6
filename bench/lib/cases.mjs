/**
 * The benchmark cases (docs/performance.md), their effective FLOP counts, and the shared starting point every
 * backend trains from (same parameters, same data, same step), so that losses can be compared.
 */
import { initialize } from '../../dist/entries/index.js';
import { generateInputs, makeRng } from '../../dist/data/index.js';

/** @typedef {import('../../dist/entries/index.js').Projection} Projection */
/**
 * A case's shape, before its FLOP count is attached.
 * @typedef {object} CaseShape
 * @property {string} name
 * @property {'step' | 'gram'} kind
 * @property {import('../../dist/entries/index.js').Recurrence} recurrence
 * @property {number} m
 * @property {number} d
 * @property {number} T
 * @property {number} n
 * @property {number} [alpha] default ALPHA
 * @property {boolean} [perturbW] false: keep the initialized recurrent weights
 * @property {string[]} [backends] only these backends (default: all)
 */
/** A benchmark case: its shape and the effective FLOPs of one step (of one Gram matrix for kind gram). */
/** @typedef {CaseShape & { flops: number }} BenchCase */

/**
 * Effective FLOPs of one full-batch GD step (forward + BPTT, multiply-add = 2).
 * @param {CaseShape} c
 */
export const stepFlops = ({ recurrence, m, d, T, n }) =>
  recurrence === 'dense' ? 6 * n * T * (m * m + m * d) : 6 * n * T * m * (d + 1);

/**
 * FLOPs of one empirical NTK Gram matrix (diagonal, readout final): the per-sample gradients
 * (one forward + BPTT pass per sample, counted like a diagonal step) plus the n x n Gram product
 * of the n x P Jacobian, P = m (1 + d). Our convention for case ntk-512 (the issue gives none).
 * @param {CaseShape} c
 */
export const gramFlops = ({ m, d, T, n }) => 6 * n * T * m * (d + 1) + 2 * n * n * m * (d + 1);

/**
 * Every case: `kind` step = full-batch GD steps; gram = one NTK Gram matrix per "step".
 * @type {BenchCase[]}
 */
export const CASES = /** @type {CaseShape[]} */ ([
  { name: 'dense-128', kind: 'step', recurrence: 'dense', m: 128, d: 8, T: 20, n: 256 },
  { name: 'dense-256', kind: 'step', recurrence: 'dense', m: 256, d: 8, T: 50, n: 512 },
  { name: 'diag-512', kind: 'step', recurrence: 'diagonal', m: 512, d: 8, T: 50, n: 512 },
  { name: 'ntk-512', kind: 'gram', recurrence: 'diagonal', m: 1024, d: 8, T: 20, n: 512 },
  // The experiments' regime (diagonal, alpha = 0.5, w ~ U[-1, 1] as initialized, long T), where
  // BPTT adjoints decay into the subnormal range without the kernels' flush, beside the same case
  // at T = 10: the cost per n*T*m element should not grow with T. rnn-gd's wasm builds only.
  ...[10, 50].map((T) => ({
    name: `diag-regime-T${T}`,
    kind: 'step',
    recurrence: 'diagonal',
    m: 512,
    d: 8,
    T,
    n: 64,
    alpha: 0.5,
    perturbW: false,
    backends: ['wasm-simd', 'wasm-scalar'],
  })),
]).map((c) => ({ ...c, flops: c.kind === 'gram' ? gramFlops(c) : stepFlops(c) }));

/** @type {CaseShape} */
const PARALLEL_SHAPE = { name: 'dense-256-n4096', kind: 'step', recurrence: 'dense', m: 256, d: 8, T: 50, n: 4096 };
/**
 * The data-parallel case (the performance target "many cores for one run", docs/performance.md).
 * @type {BenchCase}
 */
export const PARALLEL_CASE = { ...PARALLEL_SHAPE, flops: stepFlops(PARALLEL_SHAPE) };

/** The step every backend runs: full-batch GD with the max-norm projection (docs/spec/model.md section 6). */
export const ETA = 0.2;
/** @type {Projection & { rho: number }} */
export const PROJECTION = { kind: 'maxnorm', rho: 1 };
export const ALPHA = 1;

/**
 * Parameters: the symmetric initialization, then a small seeded perturbation so that f != 0 (at the
 * symmetric init the loss is mean(y^2)/2 for any model, which would make the loss check vacuous).
 * The perturbed point is also Theta(0) for the projection. Cases with `perturbW: false` keep the
 * initialized recurrent weights (w ~ U[-1, 1]) and perturb U only. Values are rounded to float32 so every
 * backend (float32 or float64) starts from exactly the same numbers.
 * @param {BenchCase} c
 */
export function benchParams(c) {
  const p = initialize(
    { recurrence: c.recurrence, activation: 'tanh', readout: 'final', m: c.m, d: c.d, alpha: c.alpha ?? ALPHA },
    { seed: `bench-${c.name}` },
  );
  const rng = makeRng(`bench-${c.name}`, 'perturb');
  if (c.perturbW !== false) for (let i = 0; i < p.W.length; i++) p.W[i] = Math.fround(p.W[i] + 0.3 * rng.normal());
  for (let i = 0; i < p.U.length; i++) p.U[i] = Math.fround(p.U[i] + 0.3 * rng.normal());
  p.W0 = p.W.slice();
  p.U0 = p.U.slice();
  return p;
}

/**
 * Inputs x_t ~ N(0, I_d) projected onto the unit ball, targets y ~ N(0, 1/4); float32 values.
 * @param {BenchCase} c
 */
export function benchData(c, n = c.n) {
  const { T, d } = c;
  const rng = makeRng(`bench-${c.name}`, 'data');
  const X = Float32Array.from(generateInputs({ kind: 'gaussian', scale: 1 }, n, T, d, rng));
  const Y = new Float32Array(n);
  for (let j = 0; j < n; j++) Y[j] = 0.5 * rng.normal();
  return { n, T, d, X, Y };
}
