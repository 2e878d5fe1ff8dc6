/**
 * Infinite-width kernels of the diagonal model (docs/spec/model.md sections 9-10), estimated by Monte Carlo
 * over neurons theta = (w, u) ~ P_0, with standard errors:
 *
 *   NTK   K(X, X')    = E_theta < phi_T(X; theta), phi_T(X'; theta) >     (phi_T = d h_{T-1} / d theta)
 *   NNGP  K_GP(X, X') = E_theta [ h_{T-1}(X; theta) h_{T-1}(X'; theta) ]
 *
 * Standard errors come from R independent replicate groups of M/R particles each:
 * K = mean_r K_r, stderr = sd_r(K_r) / sqrt(R). The same estimator covers i.i.d. draws and
 * randomized quasi-Monte Carlo (a Halton sequence with an independent random shift per group,
 * Cranley-Patterson rotation), so the two can be compared on equal terms (docs/theory.md).
 * Antithetic pairs are not offered: for odd activations h_{T-1}(X; w, -u) = -h_{T-1}(X; w, u), so
 * the pair (u, -u) gives the same products and no variance reduction.
 */
import { ValidationError } from '../core/errors.js';
import { activations } from '../core/activations.js';
import type { Backend, Particles, TangentSpec } from '../backend/types.js';
import { makeRng, type Seed } from '../core/rng.js';
import type { Dataset, ModelParams, WInit } from '../core/types.js';
import { crossOfRows } from '../core/linalg.js';
import { monteCarloKernel, relativeDrift, sampleParticles } from './ntk.js';
import { checkFits } from '../core/dataset.js';
import { checkFloat64Arrays } from '../backend/capacity.js';
import { objectArg } from '../core/api-args.js';

export type KernelKind = 'ntk' | 'nngp';
export type Sampling = 'iid' | 'halton';

export interface KernelEstimate {
  kind: KernelKind;
  sampling: Sampling;
  /** Particles in all (groups x per group). */
  M: number;
  groups: number;
  /** nA x nB row-major mean over the groups. */
  K: Float64Array;
  /** Standard error of each entry. */
  stderr: Float64Array;
  /**
   * sqrt(mean stderr^2) / sqrt(mean K^2): the relative size of the Monte-Carlo error; 0 when every
   * group gives the same kernel (e.g. identically 0 on all-zero inputs), never NaN.
   */
  relativeError: number;
}

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

/** Radical inverse of k in base b (the k-th Halton coordinate). */
function radicalInverse(k: number, b: number): number {
  let f = 1,
    r = 0;
  while (k > 0) {
    f /= b;
    r += f * (k % b);
    k = Math.floor(k / b);
  }
  return r;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const dd = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5,
    r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * `count` particles of P_0 (w by `law`, u ~ N(0, I_d)) from a Halton sequence (points 1..count)
 * shifted modulo 1 by a uniform vector drawn from `seed`: every point is marginally P_0-distributed,
 * the set is low-discrepancy. d + 1 <= 25 dimensions.
 */
export function haltonParticles(count: number, d: number, seed: Seed, law: WInit = 'uniform'): Particles {
  if (d + 1 > PRIMES.length)
    throw new ValidationError(`haltonParticles: d = ${d} is too large (at most ${PRIMES.length - 1})`);
  checkFloat64Arrays(`haltonParticles: ${count} particles of dimension 1 + d = ${1 + d}`, count * (1 + d));
  const rng = makeRng(seed, 'theory/halton-shift');
  const shift = Array.from({ length: d + 1 }, () => rng.uniform());
  const w = new Float64Array(count),
    u = new Float64Array(count * d);
  // Strictly inside (0, 1): the quantile is finite.
  const point = (k: number, q: number) =>
    Math.min(1 - 1e-16, Math.max(1e-16, (radicalInverse(k + 1, PRIMES[q]) + shift[q]) % 1));
  for (let k = 0; k < count; k++) {
    const p = point(k, 0);
    w[k] = law === 'uniform' ? 2 * p - 1 : law === 'rademacher' ? (p < 0.5 ? -1 : 1) : normalQuantile(p);
    for (let q = 0; q < d; q++) u[k * d + q] = normalQuantile(point(k, q + 1));
  }
  return { w, u };
}

/** h_{T-1}(X_j; theta_k) of every diagonal neuron on every sequence (float64): n x M, row-major. */
export function finalStates(spec: TangentSpec, particles: Particles, data: Dataset): Float64Array {
  const M = particles.w.length,
    { d, alpha } = spec,
    { n, T, X } = data;
  checkFits({ d }, data, { data: 'finalStates: data', model: 'spec' });
  const act = activations[spec.activation];
  const out = new Float64Array(n * M);
  for (let k = 0; k < M; k++) {
    const aw = alpha * particles.w[k];
    for (let j = 0; j < n; j++) {
      let h = 0;
      for (let t = 0; t < T; t++) {
        let z = aw * h;
        const x0 = (j * T + t) * d;
        for (let q = 0; q < d; q++) z += particles.u[k * d + q] * X[x0 + q];
        h = act.f(z);
      }
      out[j * M + k] = h;
    }
  }
  return out;
}

/** The NNGP Monte-Carlo kernel (1/M) sum_k h(A_j; theta_k) h(B_l; theta_k) (nA x nB). */
export function monteCarloNngp(spec: TangentSpec, particles: Particles, A: Dataset, B?: Dataset): Float64Array {
  const M = particles.w.length;
  if (M < 1) throw new ValidationError('monteCarloNngp: no particles');
  checkFloat64Arrays(
    `monteCarloNngp on ${A.n} x ${B?.n ?? A.n} sequences with ${M} particles`,
    (A.n + (B?.n ?? 0)) * M + A.n * (B?.n ?? A.n),
  );
  const HA = finalStates(spec, particles, A);
  const HB = B ? finalStates(spec, particles, B) : HA;
  const K = crossOfRows(HA, A.n, HB, B ? B.n : A.n, M);
  for (let k = 0; k < K.length; k++) K[k] /= M;
  return K;
}

export interface InfiniteWidthOptions {
  kind: KernelKind;
  /** Particles in all (rounded down to a multiple of `groups`). */
  M: number;
  /** Replicate groups for the standard errors (default 16). */
  groups?: number;
  sampling?: Sampling;
  seed?: Seed;
  law?: WInit;
}

/** The infinite-width NTK or NNGP of the diagonal model on A (x B), with standard errors. */
export function infiniteWidthKernel(
  backend: Backend,
  spec: TangentSpec,
  A: Dataset,
  opts: InfiniteWidthOptions,
  B?: Dataset,
): KernelEstimate {
  objectArg(spec, 'infiniteWidthKernel', 'spec');
  objectArg(opts, 'infiniteWidthKernel', 'options');
  const groups = opts.groups ?? 16;
  if (!Number.isSafeInteger(groups) || groups < 2)
    throw new ValidationError(`infiniteWidthKernel: groups must be an integer >= 2, got ${groups}`);
  const per = Math.floor(opts.M / groups);
  if (!Number.isSafeInteger(opts.M) || per < 1)
    throw new ValidationError(`infiniteWidthKernel: M must be an integer >= groups = ${groups}, got ${opts.M}`);
  if (opts.kind !== 'ntk' && opts.kind !== 'nngp')
    throw new ValidationError(`infiniteWidthKernel: kind must be 'ntk' or 'nngp', got '${opts.kind}'`);
  const sampling = opts.sampling ?? 'iid';
  if (sampling !== 'iid' && sampling !== 'halton')
    throw new ValidationError(`infiniteWidthKernel: sampling must be 'iid' or 'halton', got '${sampling}'`);
  const seed = opts.seed ?? 0;
  const size = A.n * (B ? B.n : A.n);
  checkKernelEstimate(opts.kind, A.n, B?.n, per, spec.d);
  const sum = new Float64Array(size),
    sq = new Float64Array(size);
  for (let g = 0; g < groups; g++) {
    const groupSeed = `${seed}/group-${g}`;
    const particles =
      sampling === 'halton'
        ? haltonParticles(per, spec.d, groupSeed, opts.law)
        : sampleParticles(per, spec.d, groupSeed, opts.law);
    const Kg =
      opts.kind === 'ntk' ? monteCarloKernel(backend, spec, particles, A, B) : monteCarloNngp(spec, particles, A, B);
    for (let k = 0; k < size; k++) {
      sum[k] += Kg[k];
      sq[k] += Kg[k] * Kg[k];
    }
  }
  const K = sum.map((s) => s / groups);
  const stderr = sq.map((s, k) => Math.sqrt(Math.max(0, s / groups - K[k] * K[k]) / (groups - 1)));
  let e2 = 0,
    k2 = 0;
  for (let k = 0; k < size; k++) {
    e2 += stderr[k] ** 2;
    k2 += K[k] ** 2;
  }
  return {
    kind: opts.kind,
    sampling,
    M: per * groups,
    groups,
    K,
    stderr,
    relativeError: e2 === 0 ? 0 : Math.sqrt(e2 / k2),
  };
}

/**
 * Refuses an estimate whose arrays would not fit, before any is allocated: five nA x nB matrices
 * (sums, squares, mean, standard errors, a group's kernel), one group's particles and, for the
 * NNGP, their final states on every sequence (the NTK's features go in bounded chunks).
 */
function checkKernelEstimate(kind: KernelKind, nA: number, nB: number | undefined, per: number, d: number): void {
  const states = kind === 'nngp' ? (nA + (nB ?? 0)) * per : 0;
  checkFloat64Arrays(
    `infinite-width ${kind} on ${nA} x ${nB ?? nA} sequences with ${per} particles per group`,
    5 * nA * (nB ?? nA) + per * (1 + d) + states,
  );
}

export interface WidthConvergence {
  m: number;
  /** ||K_m - K_inf||_F / ||K_inf||_F with K_m the empirical NTK at a symmetric initialization of width m. */
  relativeDistance: number;
}

/**
 * How the empirical NTK at initialization approaches the infinite-width one: for each width m,
 * the relative Frobenius distance of the NTK of `initialize(spec with m)` (seeded) to K_inf.
 */
export function widthConvergence(
  backend: Backend,
  init: (m: number) => ModelParams,
  widths: readonly number[],
  data: Dataset,
  Kinf: ArrayLike<number>,
): WidthConvergence[] {
  return widths.map((m) => ({ m, relativeDistance: relativeDrift(Kinf, backend.kernels.ntkGram(init(m), data)) }));
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(x: readonly number[], y: readonly number[]): number {
  const lx = x.map(Math.log),
    ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length,
    my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}
