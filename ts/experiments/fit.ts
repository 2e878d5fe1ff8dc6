/** Small statistics for the analyses: group summaries, least squares with R^2, power and log fits. (Grid thresholds such as m* are intervals: stats/grid.ts.) */
import type { PointResult } from './types.js';

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const mu = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (xs.length - 1));
}

const finiteOnly = (xs: readonly (number | null | undefined)[]): number[] =>
  xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));

export interface Summary {
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  /** values that entered (finite) */
  count: number;
}

export function summary(values: readonly (number | null | undefined)[]): Summary {
  const xs = finiteOnly(values);
  if (!xs.length) return { mean: null, std: null, min: null, max: null, count: 0 };
  return { mean: mean(xs), std: std(xs), min: Math.min(...xs), max: Math.max(...xs), count: xs.length };
}

export interface Group {
  key: string;
  params: PointResult['params'];
  results: PointResult[];
  ok: PointResult[];
}

/** Results grouped by configuration (replicates together), in first-seen (index) order. */
export function groupResults(results: readonly PointResult[]): Group[] {
  const map = new Map<string, Group>();
  for (const r of [...results].sort((a, b) => a.index - b.index)) {
    let g = map.get(r.group);
    if (!g) {
      g = { key: r.group, params: r.params, results: [], ok: [] };
      map.set(r.group, g);
    }
    g.results.push(r);
    if (r.status !== 'error' && r.metrics) g.ok.push(r);
  }
  return [...map.values()];
}

export interface LinearFit {
  slope: number;
  intercept: number;
  r2: number | null;
  /** standard error of the slope (null with fewer than 3 points) */
  slopeSE: number | null;
  n: number;
}

/** Ordinary least squares y = intercept + slope x. */
export function linearFit(x: readonly number[], y: readonly number[]): LinearFit | null {
  const pts = x.map((xi, i) => [xi, y[i]] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const n = pts.length;
  if (n < 2) return null;
  const mx = mean(pts.map((p) => p[0])),
    my = mean(pts.map((p) => p[1]));
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (const [a, b] of pts) {
    sxx += (a - mx) ** 2;
    sxy += (a - mx) * (b - my);
    syy += (b - my) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (const [a, b] of pts) sse += (b - intercept - slope * a) ** 2;
  const r2 = syy > 0 ? 1 - sse / syy : null;
  const slopeSE = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : null;
  return { slope, intercept, r2, slopeSE, n };
}

/** R^2 of predictions against observations (1 - SSE/SST), in the observations' own space. */
function rSquared(y: readonly number[], yhat: readonly number[]): number | null {
  const my = mean(y);
  let sse = 0,
    sst = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (y[i] - yhat[i]) ** 2;
    sst += (y[i] - my) ** 2;
  }
  return sst > 0 ? 1 - sse / sst : null;
}

export interface PowerFit {
  /** y = c x^p */
  p: number;
  c: number;
  /** R^2 of log y on log x */
  r2Log: number | null;
  /** R^2 of c x^p against y in linear space */
  r2: number | null;
  pSE: number | null;
  n: number;
}

/** Power law y = c x^p by least squares on log-log axes (positive values only). */
export function powerFit(x: readonly number[], y: readonly number[]): PowerFit | null {
  const keep = x
    .map((xi, i) => [xi, y[i]] as const)
    .filter(([a, b]) => a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b));
  const f = linearFit(
    keep.map((p) => Math.log(p[0])),
    keep.map((p) => Math.log(p[1])),
  );
  if (!f) return null;
  const c = Math.exp(f.intercept);
  return {
    p: f.slope,
    c,
    r2Log: f.r2,
    pSE: f.slopeSE,
    n: f.n,
    r2: rSquared(
      keep.map((p) => p[1]),
      keep.map((p) => c * p[0] ** f.slope),
    ),
  };
}

export interface LogFit {
  /** y = a + b log x */
  a: number;
  b: number;
  r2: number | null;
  bSE: number | null;
  n: number;
}

export function logFit(x: readonly number[], y: readonly number[]): LogFit | null {
  const keep = x.map((xi, i) => [xi, y[i]] as const).filter(([a, b]) => a > 0 && Number.isFinite(b));
  const f = linearFit(
    keep.map((p) => Math.log(p[0])),
    keep.map((p) => p[1]),
  );
  return f ? { a: f.intercept, b: f.slope, r2: f.r2, bSE: f.slopeSE, n: f.n } : null;
}

/** Formats a number for reports: integers exact, others to 4 significant digits, '–' for missing. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  // Integers are exact (n = 16384, not 16380): rounding them invents a different measurement.
  if (Number.isInteger(x) && a < 1e7) return String(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** mean ± std */
export const pm = (s: Summary, digits = 3): string =>
  s.mean === null ? '–' : s.count > 1 ? `${fmt(s.mean, digits)} ± ${fmt(s.std, 2)}` : fmt(s.mean, digits);
