/**
 * Bound calculator for projected gradient descent on the diagonal RNN (docs/spec/model.md section 8).
 *
 * What is the paper's (Cayci & Eryilmaz, arXiv 2402.12241) and what is ours:
 *
 * - The paper's claims: there are three regimes of the memory factor a (short a < 1,
 *   critical a = 1, long a > 1); the cutoff sits at alpha = 1/sigma_1 (for w_bar = 1); the
 *   width needed grows like log n (m ~ log n); the number of iterations tau does not depend
 *   on n; and in the sequence length T the requirements are flat for a < 1, polynomial at
 *   a = 1 and exponential for a > 1.
 * - Ours: every constant and every formula below (S_T, L_w, L_u, L_T, beta_T, G, the three
 *   terms, m and tau required) is a derivation made for this project, not the paper's
 *   statement. The output carries `derived: true` so that nobody quotes it as the paper's.
 *
 * Hypotheses of the bound (not checked here; the formulas are evaluated for what is given):
 * a realizable target in the class of docs/spec/model.md section 9, rho >= nu, eta <= etaMax,
 * ||x_t|| <= 1, and the statement holds with probability >= 1 - delta over the init.
 */
import { ACTIVATIONS, activations, type ActivationName } from '../core/activations.js';
import { BoundsInputError, BoundsRangeError } from '../core/errors.js';
import { memoryFactor } from '../core/types.js';
import { objectArg } from '../core/api-args.js';

/** |a - 1| at or below this counts as the critical regime. */
export const CRITICAL_TOLERANCE = 1e-9;

export type Regime = 'short' | 'critical' | 'long';

export interface BoundsInput {
  /** Activation name; default 'tanh'. relu is refused (outside the theory). */
  activation?: string;
  /** Recurrence scale alpha >= 0. */
  alpha: number;
  /** Sequence length (positive integer). */
  T: number;
  /** Width (positive integer). */
  m: number;
  /** Number of training sequences (positive integer). */
  n: number;
  /** Input dimension (positive integer, default 1). Echoed only: with ||x_t|| <= 1 no constant depends on d. */
  d?: number;
  /** Failure probability, 0 < delta < 1; default 0.05. */
  delta?: number;
  /** Max-norm projection radius rho >= 0; default nu. */
  rho?: number;
  /** Transport-map bounds nu_w, nu_u >= 0; default 1 each. */
  nuW?: number;
  nuU?: number;
  /** Step size eta > 0; default etaMax. */
  eta?: number;
  /** Number of iterations tau > 0; the optimization term is present only when given. */
  tau?: number;
  /** Target accuracy eps > 0; mRequired and tauRequired are present only when given. */
  eps?: number;
  /** max_i |w_i(0)| > 0; default 1. */
  wBar0?: number;
}

export interface BoundsTerms {
  optimization?: number;
  approximation: number;
  linearization: number;
  total: number;
}

export interface BoundsResult {
  activation: ActivationName;
  sigma0: number;
  sigma1: number;
  sigma2: number;
  a0: number;
  a: number;
  regime: Regime;
  alphaCritical: number;
  S_T: number;
  L_w: number;
  L_u: number;
  L_T: number;
  beta_T: number;
  G: number;
  etaMax: number;
  terms: BoundsTerms;
  mRequired?: number;
  tauRequired?: number;
  inputs: {
    alpha: number;
    T: number;
    m: number;
    n: number;
    d: number;
    delta: number;
    rho: number;
    nuW: number;
    nuU: number;
    eta: number;
    tau?: number;
    eps?: number;
    wBar0: number;
  };
  derived: true;
}

/** Regime of a memory factor (critical within CRITICAL_TOLERANCE of 1). */
export function regimeOf(a: number): Regime {
  if (Math.abs(a - 1) <= CRITICAL_TOLERANCE) return 'critical';
  return a < 1 ? 'short' : 'long';
}

/**
 * S_T(a) = sum_{k=0}^{T-1} a^k, for an integer T >= 0 (S_0 = 0).
 * For a >= 0 it uses expm1(T log1p(a-1)) / (a-1), which stays accurate as a -> 1 where
 * (1 - a^T)/(1 - a) would cancel catastrophically; exactly T at a = 1. Overflow gives Infinity.
 */
export function seriesS(a: number, T: number): number {
  if (!Number.isInteger(T) || T < 0) throw new RangeError(`seriesS: T must be an integer >= 0, got ${T}`);
  if (!Number.isFinite(a)) throw new RangeError(`seriesS: a must be finite, got ${a}`);
  if (T === 0) return 0;
  if (a === 1) return T;
  const x = a - 1;
  if (a >= 0) return Math.expm1(T * Math.log1p(x)) / x; // a = 0: log1p(-1) = -inf gives 1, as it should
  return (1 - Math.pow(a, T)) / (1 - a); // a < 0 never arises here (alpha, sigma_1, w_bar >= 0)
}

// ---- validation: every message names the field ----

/** A value as text for messages, safe for any input (objects without a usable toString included). */
function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null)
    return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
  try {
    return JSON.stringify(v)?.slice(0, 60) ?? typeof v;
  } catch {
    return typeof v;
  }
}

function requirePositiveInteger(field: string, v: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new BoundsInputError(field, `expected a positive integer, got ${show(v)}`);
  }
  return v;
}

function requireNonNegative(field: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new BoundsInputError(field, `expected a finite number >= 0, got ${show(v)}`);
  }
  return v;
}

function requirePositive(field: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new BoundsInputError(field, `expected a finite number > 0, got ${show(v)}`);
  }
  return v;
}

function requireActivation(name: unknown): ActivationName {
  if (typeof name !== 'string' || !(ACTIVATIONS as readonly string[]).includes(name)) {
    const shown = typeof name === 'string' ? `'${name}'` : `of type ${name === null ? 'null' : typeof name}`;
    throw new BoundsInputError('activation', `unknown activation ${shown} (known: ${ACTIVATIONS.join(', ')})`);
  }
  const act = activations[name as ActivationName];
  if (!act.smooth) {
    throw new BoundsInputError(
      'activation',
      `'${name}' is outside the theory: the bounds need a C^2 activation with bounded sigma_0, sigma_1, ` +
        `sigma_2 (relu has sigma_0 unbounded and no second derivative)`,
    );
  }
  return act.name;
}

/** Throws when a computed quantity is not finite (or etaMax underflowed), saying why and what to change. */
function requireFinite(name: string, v: number, a: number, T: number): void {
  if (Number.isFinite(v) && !(name === 'etaMax' && v === 0)) return;
  let why: string;
  if (regimeOf(a) === 'long' && !Number.isFinite(seriesS(a, T))) {
    why = `the long regime (a = ${a} > 1) grows like a^T and T = ${T} exceeds the float64 range; use a smaller T or alpha`;
  } else if (name === 'mRequired' || name === 'tauRequired') {
    why = 'the target accuracy eps is too small for float64 (or the constants are huge); use a larger eps';
  } else if (name === 'optimization') {
    why = 'eta * tau underflows; use a larger eta or tau';
  } else if (regimeOf(a) === 'long') {
    why = `the long regime (a = ${a} > 1) grows like a^T with T = ${T}; use a smaller T or alpha`;
  } else {
    why = 'a quantity exceeded the float64 range; use smaller alpha, rho, nu-w, nu-u or T';
  }
  throw new BoundsRangeError(`bounds: ${name} is ${v === 0 ? 'zero (underflow)' : String(v)}: ${why}`);
}

/** What the bound terms need besides the constants (the inputs of bounds() of the same names). */
export interface TermInputs {
  m: number;
  n: number;
  delta: number;
  rho: number;
  nuW: number;
  nuU: number;
  eta?: number;
  tau?: number;
  eps?: number;
}

/** The bound terms with their G, etaMax and (given eps) the required m and tau. */
export interface TermsSet extends BoundsTerms {
  G: number;
  etaMax: number;
  mRequired?: number;
  tauRequired?: number;
}

/**
 * The bound terms of docs/spec/model.md section 8 from G, L_T and beta_T: the one place the formulas
 * live, used by bounds() (analytic constants) and theory/constants.ts (measured ones).
 */
export function boundTerms(G: number, L_T: number, beta_T: number, inp: TermInputs): TermsSet {
  const nu2 = inp.nuW * inp.nuW + inp.nuU * inp.nuU; // nu^2 = nu_w^2 + nu_u^2
  const nu = Math.sqrt(nu2);
  const etaMax = 1 / (4 * L_T * L_T);
  const eta = inp.eta ?? etaMax;
  const approxNum = 16 * G * G * Math.log((2 * inp.n) / inp.delta); // random features: the log n term
  const linNum = beta_T * beta_T * (nu2 * nu2 + (inp.rho + nu) ** 4); // linearization error
  const out: TermsSet = {
    G,
    etaMax,
    ...(inp.tau !== undefined ? { optimization: (2 * nu2) / (eta * inp.tau) } : {}),
    approximation: approxNum / inp.m,
    linearization: linNum / inp.m,
    total: 0,
  };
  out.total = (out.optimization ?? 0) + out.approximation + out.linearization;
  // Each of (optimization) and (approximation + linearization) at most eps/2.
  if (inp.eps !== undefined) {
    out.mRequired = (2 * (approxNum + linNum)) / inp.eps;
    out.tauRequired = (4 * nu2) / (eta * inp.eps);
  }
  return out;
}

/** The bound calculator of docs/spec/model.md section 8 (derived constants; see the module comment). */
export function bounds(input: BoundsInput): BoundsResult {
  objectArg(input, 'bounds', 'input');
  const activation = requireActivation(input.activation ?? 'tanh');
  const { sigma0, sigma1, sigma2 } = activations[activation];
  const alpha = requireNonNegative('alpha', input.alpha);
  const T = requirePositiveInteger('T', input.T);
  const m = requirePositiveInteger('m', input.m);
  const n = requirePositiveInteger('n', input.n);
  const d = requirePositiveInteger('d', input.d ?? 1);
  const delta = input.delta ?? 0.05;
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1)) {
    throw new BoundsInputError('delta', `expected 0 < delta < 1, got ${show(delta)}`);
  }
  const nuW = requireNonNegative('nuW', input.nuW ?? 1);
  const nuU = requireNonNegative('nuU', input.nuU ?? 1);
  const nu2 = nuW * nuW + nuU * nuU; // nu^2 = nu_w^2 + nu_u^2
  const nu = Math.sqrt(nu2);
  const rho = requireNonNegative('rho', input.rho ?? nu);
  const wBar0 = requirePositive('wBar0', input.wBar0 ?? 1);
  const tau = input.tau === undefined ? undefined : requirePositive('tau', input.tau);
  const eps = input.eps === undefined ? undefined : requirePositive('eps', input.eps);
  const etaIn = input.eta === undefined ? undefined : requirePositive('eta', input.eta);

  // a0 uses the init only (the random-features term G lives at Theta(0));
  // a uses the whole projection ball, |w_i| <= w_bar0 + rho/sqrt(m).
  const wBar = wBar0 + rho / Math.sqrt(m);
  const a0 = memoryFactor(alpha, sigma1, wBar0);
  const a = memoryFactor(alpha, sigma1, wBar);
  const alphaCritical = 1 / (sigma1 * wBar);
  if (!Number.isFinite(wBar) || !Number.isFinite(a0) || !Number.isFinite(a)) {
    throw new BoundsInputError(
      !Number.isFinite(wBar) ? 'wBar0' : 'alpha',
      `the memory factor a = alpha * sigma1 * (wBar0 + rho/sqrt(m)) overflows (alpha = ${show(alpha)}, wBar0 = ${show(wBar0)}, rho = ${show(rho)}): use smaller values`,
    );
  }

  const S_T = seriesS(a, T);
  const ao = 1 + alpha * sigma0; // (1 + alpha sigma_0): input plus recurrent contribution
  const L_w = alpha * sigma0 * sigma1 * seriesS(a, T - 1);
  const L_u = sigma1 * S_T;
  const L_T = sigma1 * ao * S_T;
  const beta_T = ao * S_T * S_T * (sigma2 * ao * S_T + 2 * alpha * sigma1 * sigma1);
  const G = nuW * alpha * sigma0 * sigma1 * seriesS(a0, T - 1) + nuU * sigma1 * seriesS(a0, T);
  const {
    etaMax,
    mRequired,
    tauRequired,
    G: _,
    ...terms
  } = boundTerms(G, L_T, beta_T, {
    m,
    n,
    delta,
    rho,
    nuW,
    nuU,
    eta: etaIn,
    tau,
    eps,
  });
  const eta = etaIn ?? etaMax;
  const required = eps !== undefined ? { mRequired, tauRequired } : {};

  const checks: Record<string, number | undefined> = {
    a0,
    a,
    alphaCritical,
    S_T,
    L_w,
    L_u,
    L_T,
    beta_T,
    G,
    etaMax,
    ...terms,
    ...required,
  };
  for (const [k, v] of Object.entries(checks)) if (v !== undefined) requireFinite(k, v, a, T);

  return {
    activation,
    sigma0,
    sigma1,
    sigma2,
    a0,
    a,
    regime: regimeOf(a),
    alphaCritical,
    S_T,
    L_w,
    L_u,
    L_T,
    beta_T,
    G,
    etaMax,
    terms,
    ...required,
    inputs: {
      alpha,
      T,
      m,
      n,
      d,
      delta,
      rho,
      nuW,
      nuU,
      eta,
      ...(tau !== undefined ? { tau } : {}),
      ...(eps !== undefined ? { eps } : {}),
      wBar0,
    },
    derived: true,
  };
}
