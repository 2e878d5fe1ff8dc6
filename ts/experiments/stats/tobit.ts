/**
 * Censored regression (Tobit; interval-censored generalization): ln value = mean(x) + sigma z,
 * z ~ N(0, 1). A run that reached eps gives ln tau exactly; a run that stopped first (the budget,
 * the plateau rule, divergence) only says tau > the steps it ran, and enters through the normal tail
 * probability, never as a value imputed at the budget. A grid threshold m* known as (lo, hi] enters
 * through P(lo < m* <= hi), right-censored above the grid and left-censored at its floor. Maximum
 * likelihood by Nelder-Mead; the mean is linear (tobitFit) or any model (censoredMle).
 */
export interface CensoredObs {
  x: number;
  /** Steps to eps when reached; the steps run when censored (tau is larger). */
  value: number;
  censored: boolean;
}

export interface TobitFit {
  a: number;
  b: number;
  sigma: number;
  logLik: number;
  n: number;
  censored: number;
  /** False when the slope ran to the search bound (the censoring leaves it undetermined). */
  identified: boolean;
}

/** ln(erfc(x)) for x >= 0, stable far into the tail (Numerical Recipes' erfcc, rel. error < 1.2e-7). */
function logErfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) + poly;
}

/** ln P(Z > z) for a standard normal Z. */
export function logNormalTail(z: number): number {
  if (z >= 0) return Math.log(0.5) + logErfc(z / Math.SQRT2);
  return Math.log1p(-0.5 * Math.exp(logErfc(-z / Math.SQRT2)));
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * An observation known to lie in (lo, hi] on the value scale: lo = hi is exact, hi null is
 * right-censored (only "> lo" is known), lo null is left-censored ("<= hi").
 */
export interface IntervalObs {
  x: number;
  lo: number | null;
  hi: number | null;
}

/** ln P(zlo < Z <= zhi) for a standard normal Z, stable in both tails. */
function logNormalBetween(zlo: number, zhi: number): number {
  if (zlo >= 0) return logNormalTail(zlo) + Math.log1p(-Math.exp(logNormalTail(zhi) - logNormalTail(zlo)));
  if (zhi <= 0) return logNormalTail(-zhi) + Math.log1p(-Math.exp(logNormalTail(-zlo) - logNormalTail(-zhi)));
  return Math.log(1 - Math.exp(logNormalTail(zhi)) - Math.exp(logNormalTail(-zlo)));
}

/** Log-likelihood of ln value = mu(x) + sigma z over interval-, left-, right-censored and exact observations. */
function logLik(obs: readonly IntervalObs[], mu: (x: number) => number, lnSigma: number): number {
  const s = Math.exp(lnSigma);
  let ll = 0;
  for (const o of obs) {
    const m = mu(o.x);
    const zlo = o.lo === null ? -Infinity : (Math.log(o.lo) - m) / s;
    const zhi = o.hi === null ? Infinity : (Math.log(o.hi) - m) / s;
    if (o.lo !== null && o.hi !== null && o.lo === o.hi) ll += -0.5 * zlo * zlo - LOG_SQRT_2PI - lnSigma;
    else if (o.hi === null) ll += logNormalTail(zlo);
    else if (o.lo === null) ll += logNormalTail(-zhi);
    else ll += logNormalBetween(zlo, zhi);
  }
  return ll;
}

export interface CensoredModel {
  /** Mean of ln value at x under parameters p (sigma excluded). */
  mean: (x: number, p: readonly number[]) => number;
  start: number[];
  step: number[];
  /** False outside the parameter region searched. */
  valid?: (p: readonly number[]) => boolean;
}

/**
 * Maximum likelihood of a censored log-normal regression: ln value = mean(x; p) + sigma z.
 * Nelder-Mead over (p, ln sigma) with sigma in [1e-3, 100], restarted twice.
 */
export function censoredMle(
  obs: readonly IntervalObs[],
  model: CensoredModel,
  lnSigma0: number,
): { params: number[]; sigma: number; logLik: number } {
  const k = model.start.length;
  const nll = (p: number[]) =>
    p[k] < Math.log(1e-3) || p[k] > Math.log(100) || (model.valid && !model.valid(p.slice(0, k)))
      ? Infinity
      : -logLik(obs, (x) => model.mean(x, p), p[k]);
  let p = [...model.start, lnSigma0];
  for (let restart = 0; restart < 2; restart++) p = nelderMead(nll, p, [...model.step, 0.3]);
  const ll = -nll(p);
  return { params: p.slice(0, k), sigma: Math.exp(p[k]), logLik: Number.isFinite(ll) ? ll : -Infinity };
}

/** Right-censored observations (steps to eps, or the steps a stopped run made) as intervals. */
export const asIntervals = (obs: readonly CensoredObs[]): IntervalObs[] =>
  obs.map((o) => ({ x: o.x, lo: o.value, hi: o.censored ? null : o.value }));

/** Nelder-Mead minimization (small problems only). */
function nelderMead(f: (p: number[]) => number, start: number[], step: number[], iters = 600): number[] {
  const n = start.length;
  let simplex = [start, ...step.map((s, i) => start.map((v, j) => (j === i ? v + s : v)))];
  let values = simplex.map(f);
  for (let it = 0; it < iters; it++) {
    const order = values.map((v, i) => i).sort((i, j) => values[i] - values[j]);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    if (Math.abs(values[n] - values[0]) < 1e-10 * (1 + Math.abs(values[0]))) break;
    const centroid = start.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p[j], 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[n][j] - c));
    const r = along(-1),
      fr = f(r);
    if (fr < values[0]) {
      const e = along(-2),
        fe = f(e);
      [simplex[n], values[n]] = fe < fr ? [e, fe] : [r, fr];
    } else if (fr < values[n - 1]) {
      [simplex[n], values[n]] = [r, fr];
    } else {
      const c = along(0.5),
        fc = f(c);
      if (fc < values[n]) [simplex[n], values[n]] = [c, fc];
      else {
        simplex = simplex.map((p) => p.map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j])));
        values = simplex.map(f);
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  return simplex[best];
}

/**
 * The censored linear fit of ln value against x, over exact, right-, left- or interval-censored
 * observations. Null unless two distinct x carry finite bounds on both sides between them (nothing
 * then pins down a slope).
 */
export function tobitFit(input: readonly CensoredObs[] | readonly IntervalObs[]): TobitFit | null {
  const all: IntervalObs[] =
    input.length && 'value' in input[0] ? asIntervals(input as CensoredObs[]) : [...(input as IntervalObs[])];
  const pts = all.filter(
    (o) =>
      Number.isFinite(o.x) &&
      (o.lo === null || o.lo > 0) &&
      (o.hi === null || o.hi > 0) &&
      (o.lo !== null || o.hi !== null),
  );
  // A point value for the start: exact values, interval midpoints (geometric), one-sided bounds.
  const mid = (o: IntervalObs) => Math.log(o.lo !== null && o.hi !== null ? Math.sqrt(o.lo * o.hi) : (o.lo ?? o.hi)!);
  const bounded = pts.filter((o) => o.hi !== null);
  if (new Set(bounded.map((o) => o.x)).size < 2) return null;
  const xs = pts.map((o) => o.x);
  const span = Math.max(...xs) - Math.min(...xs);
  const mx = bounded.reduce((s, o) => s + o.x, 0) / bounded.length;
  const my = bounded.reduce((s, o) => s + mid(o), 0) / bounded.length;
  let sxx = 0,
    sxy = 0;
  for (const o of bounded) {
    sxx += (o.x - mx) ** 2;
    sxy += (o.x - mx) * (mid(o) - my);
  }
  const b0 = sxy / sxx;
  const resid = bounded.map((o) => mid(o) - my - b0 * (o.x - mx));
  const s0 = Math.max(0.05, Math.sqrt(resid.reduce((s, r) => s + r * r, 0) / bounded.length));
  // A slope that multiplies the value by more than e^40 over the x range is not a measurement.
  const bMax = 40 / Math.max(span, 1e-12);
  const fit = censoredMle(
    pts,
    {
      mean: (x, p) => p[0] + p[1] * x,
      start: [my - b0 * mx, b0],
      step: [0.5, 0.5 / Math.max(span, 1e-12)],
      valid: (p) => Math.abs(p[1]) <= bMax,
    },
    Math.log(s0),
  );
  const [a, b] = fit.params;
  return {
    a,
    b,
    sigma: fit.sigma,
    logLik: fit.logLik,
    n: pts.length,
    censored: pts.filter((o) => o.lo !== o.hi).length,
    identified: Number.isFinite(fit.logLik) && Math.abs(b) < 0.95 * bMax,
  };
}
