/**
 * Censored regression (Tobit, right-censored): ln tau = a + b x + sigma z, z ~ N(0, 1). A run that
 * reached eps gives ln tau exactly; a run that stopped first (the budget, the plateau rule,
 * divergence) only says tau > the steps it ran, and enters through the normal tail probability,
 * never as a value imputed at the budget. Maximum likelihood by Nelder-Mead over (a, b, ln sigma).
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

function logLik(obs: readonly CensoredObs[], a: number, b: number, lnSigma: number): number {
  const s = Math.exp(lnSigma);
  let ll = 0;
  for (const o of obs) {
    const z = (Math.log(o.value) - a - b * o.x) / s;
    ll += o.censored ? logNormalTail(z) : -0.5 * z * z - LOG_SQRT_2PI - lnSigma;
  }
  return ll;
}

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
 * The censored fit of ln tau against x. Null without two distinct x among the uncensored
 * observations (nothing then pins down a slope).
 */
export function tobitFit(obs: readonly CensoredObs[]): TobitFit | null {
  const pts = obs.filter((o) => o.value > 0 && Number.isFinite(o.value) && Number.isFinite(o.x));
  const exact = pts.filter((o) => !o.censored);
  if (new Set(exact.map((o) => o.x)).size < 2) return null;
  const xs = pts.map((o) => o.x);
  const span = Math.max(...xs) - Math.min(...xs);
  const mx = exact.reduce((s, o) => s + o.x, 0) / exact.length;
  const my = exact.reduce((s, o) => s + Math.log(o.value), 0) / exact.length;
  let sxx = 0,
    sxy = 0;
  for (const o of exact) {
    sxx += (o.x - mx) ** 2;
    sxy += (o.x - mx) * (Math.log(o.value) - my);
  }
  const b0 = sxy / sxx;
  const resid = exact.map((o) => Math.log(o.value) - my - b0 * (o.x - mx));
  const s0 = Math.max(0.05, Math.sqrt(resid.reduce((s, r) => s + r * r, 0) / exact.length));
  // A slope that multiplies tau by more than e^40 over the x range is not a measurement.
  const bMax = 40 / Math.max(span, 1e-12);
  const nll = (p: number[]) =>
    Math.abs(p[1]) > bMax || p[2] < Math.log(1e-3) || p[2] > Math.log(100) ? Infinity : -logLik(pts, p[0], p[1], p[2]);
  let p = [my - b0 * mx, b0, Math.log(s0)];
  for (let restart = 0; restart < 2; restart++) p = nelderMead(nll, p, [0.5, 0.5 / Math.max(span, 1e-12), 0.3]);
  const ll = -nll(p);
  return {
    a: p[0],
    b: p[1],
    sigma: Math.exp(p[2]),
    logLik: ll,
    n: pts.length,
    censored: pts.length - exact.length,
    identified: Number.isFinite(ll) && Math.abs(p[1]) < 0.95 * bMax,
  };
}
