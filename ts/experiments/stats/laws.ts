/**
 * Candidate laws y(x) and their out-of-sample comparison. A claim about a shape is a claim that one
 * law predicts levels it has not seen better than its rivals: leave-one-level-out cross-validation
 * (fit on every level of x but one, predict that level), with the comparison's own seed-cluster
 * bootstrap uncertainty. Errors are relative, ((yhat - y) / y)^2, so laws fitted on log and linear
 * axes are scored on one scale.
 */
import { linearFit } from '../fit.js';
import { clusterReplicates, seedInterval, type BootstrapOptions, type Interval } from './bootstrap.js';

export interface Obs {
  x: number;
  y: number;
}

/** Widths against n: 'log' y = a + b ln x, 'power' y = c x^p, 'saturating' y = yInf - c x^-gamma, 'flat' y = a. Growth in T: 'exponential' y = c e^(r x), 'polynomial' y = c x^k, 'saturating', 'flat'. */
export type LawName = 'flat' | 'log' | 'power' | 'saturating' | 'exponential' | 'polynomial';

export interface LawFit {
  law: LawName;
  params: Record<string, number>;
  predict: (x: number) => number;
}

const positive = (pts: readonly Obs[]) => pts.filter((p) => p.x > 0 && p.y > 0);

/** Saturation exponents tried (a profile over gamma; the rest is linear least squares). */
const GAMMAS = Array.from({ length: 60 }, (_, i) => 0.05 * (i + 1));

function fitSaturating(pts: readonly Obs[]): LawFit | null {
  const lnx = pts.map((p) => Math.log(p.x));
  const n = pts.length;
  let my = 0;
  for (const p of pts) my += p.y / n;
  let best: { sse: number; yInf: number; c: number; gamma: number } | null = null;
  // Least squares of y on u = x^-gamma in closed form, per gamma (a hot loop: the bootstrap calls it often).
  for (const gamma of GAMMAS) {
    let mu = 0;
    const u = lnx.map((l) => Math.exp(-gamma * l));
    for (const v of u) mu += v / n;
    let suu = 0,
      suy = 0,
      syy = 0;
    for (let i = 0; i < n; i++) {
      suu += (u[i] - mu) ** 2;
      suy += (u[i] - mu) * (pts[i].y - my);
      syy += (pts[i].y - my) ** 2;
    }
    if (suu === 0) continue;
    const slope = suy / suu;
    const sse = syy - slope * suy;
    if (!best || sse < best.sse) best = { sse, yInf: my - slope * mu, c: -slope, gamma };
  }
  if (!best) return null;
  const { yInf, c, gamma } = best;
  return { law: 'saturating', params: { yInf, c, gamma }, predict: (x) => yInf - c * x ** -gamma };
}

/** Least-squares fit of one law (null when the points cannot determine it). */
function fitLaw(law: LawName, points: readonly Obs[]): LawFit | null {
  const pts = positive(points);
  if (new Set(pts.map((p) => p.x)).size < (law === 'flat' ? 1 : law === 'saturating' ? 3 : 2)) return null;
  const lnx = pts.map((p) => Math.log(p.x)),
    lny = pts.map((p) => Math.log(p.y));
  switch (law) {
    case 'flat': {
      const a = pts.reduce((s, p) => s + p.y, 0) / pts.length;
      return { law, params: { a }, predict: () => a };
    }
    case 'log': {
      const f = linearFit(
        lnx,
        pts.map((p) => p.y),
      );
      return f && { law, params: { a: f.intercept, b: f.slope }, predict: (x) => f.intercept + f.slope * Math.log(x) };
    }
    case 'power':
    case 'polynomial': {
      const f = linearFit(lnx, lny);
      const c = f ? Math.exp(f.intercept) : 0;
      return f && { law, params: { c, p: f.slope }, predict: (x) => c * x ** f.slope };
    }
    case 'exponential': {
      const f = linearFit(
        pts.map((p) => p.x),
        lny,
      );
      const c = f ? Math.exp(f.intercept) : 0;
      return f && { law, params: { c, rate: f.slope }, predict: (x) => c * Math.exp(f.slope * x) };
    }
    case 'saturating':
      return fitSaturating(pts);
  }
}

/** Mean relative squared error of each level predicted by the law fitted to the other levels. */
function levelCvError(law: LawName, points: readonly Obs[]): number | null {
  const pts = positive(points);
  const levels = [...new Set(pts.map((p) => p.x))];
  let sum = 0,
    count = 0;
  for (const lv of levels) {
    const fit = fitLaw(
      law,
      pts.filter((p) => p.x !== lv),
    );
    if (!fit) return null;
    for (const p of pts.filter((q) => q.x === lv)) {
      const yhat = fit.predict(p.x);
      sum += Number.isFinite(yhat) ? ((yhat - p.y) / p.y) ** 2 : Infinity;
      count++;
    }
  }
  return count ? sum / count : null;
}

export interface LawComparison {
  laws: LawName[];
  /** Cross-validation error of each law on the data as they are. */
  cvError: Record<string, number | null>;
  /** The law with the smallest error. */
  best: LawName | null;
  /** Share of seed-cluster bootstrap replicates in which each law has the smallest error. */
  bestShare: Record<string, number>;
  replicates: number;
}

const argmin = (laws: readonly LawName[], errs: readonly (number | null)[]): LawName | null => {
  let best: LawName | null = null,
    bestErr = Infinity;
  laws.forEach((l, i) => {
    const e = errs[i];
    if (e !== null && e < bestErr) {
      best = l;
      bestErr = e;
    }
  });
  return best;
};

/** Compares laws out of sample; clusters = one list of observations per seed. */
export function compareLaws(
  laws: readonly LawName[],
  clusters: readonly (readonly Obs[])[],
  o: BootstrapOptions = {},
): LawComparison {
  const errs = laws.map((l) => levelCvError(l, clusters.flat()));
  const share: Record<string, number> = Object.fromEntries(laws.map((l) => [l, 0]));
  const winners = clusterReplicates(
    clusters,
    (sample) => {
      const w = argmin(
        laws,
        laws.map((l) => levelCvError(l, sample.flat())),
      );
      return w === null ? null : laws.indexOf(w);
    },
    { B: 200, ...o },
  );
  for (const w of winners) share[laws[w]] += 1 / winners.length;
  return {
    laws: [...laws],
    cvError: Object.fromEntries(laws.map((l, i) => [l, errs[i]])),
    best: argmin(laws, errs),
    bestShare: share,
    replicates: winners.length,
  };
}

export interface LawExtrapolation {
  laws: LawName[];
  /** Levels fitted on (below the split) and predicted (at or above it). */
  fitLevels: number[];
  predictLevels: number[];
  /** Per law: mean relative squared error of the predicted levels, with its seed-level interval. */
  error: Record<string, Interval>;
  /** The law with the smallest error on the data as they are. */
  best: LawName | null;
}

/** Mean relative squared error at the levels >= split of the law fitted on the levels < split (null: too few levels). */
function extrapolationError(law: LawName, points: readonly Obs[], split: number): number | null {
  const pts = positive(points);
  const fit = fitLaw(
    law,
    pts.filter((p) => p.x < split),
  );
  const held = pts.filter((p) => p.x >= split);
  if (!fit || !held.length) return null;
  let sum = 0;
  for (const p of held) {
    const yhat = fit.predict(p.x);
    sum += Number.isFinite(yhat) ? ((yhat - p.y) / p.y) ** 2 : Infinity;
  }
  return sum / held.length;
}

/**
 * Out-of-sample prediction of the upper levels: each law fitted on the levels below `split`
 * predicts the levels at or above it (a forecast into decades the fit has not seen, which
 * leave-one-level-out interpolation is not); errors with seed-level intervals (seedInterval:
 * delete-one-seed jackknife with a t quantile, the project's interval for few seeds).
 */
export function extrapolateLaws(
  laws: readonly LawName[],
  clusters: readonly (readonly Obs[])[],
  split: number,
  o: BootstrapOptions = {},
): LawExtrapolation {
  const levels = [...new Set(clusters.flat().map((p) => p.x))].sort((a, b) => a - b);
  const error: Record<string, Interval> = {};
  for (const law of laws) {
    const ci = seedInterval(clusters, (s) => extrapolationError(law, s.flat(), split), {
      ...o,
      stream: `${o.stream ?? 'laws'}/${law}`,
    });
    // A squared error is >= 0: the symmetric t-interval is cut there.
    error[law] = { ...ci, lo: ci.lo === null ? null : Math.max(0, ci.lo) };
  }
  return {
    laws: [...laws],
    fitLevels: levels.filter((x) => x < split),
    predictLevels: levels.filter((x) => x >= split),
    error,
    best: argmin(
      laws,
      laws.map((l) => error[l].estimate),
    ),
  };
}
