/** Shared pieces of the experiment presets: the standard teacher, model specs, result access. */
import type { ModelSpecInput } from '../config.js';
import type { ActivationName } from '../activations.js';
import type { DataConfigInputOf } from '../data/generate.js';
import { crossing, fmt, mean, std, summary, type Summary } from './fit.js';
import type { PointMetrics, PointResult } from './types.js';
import type { EtaChoice } from './step-size.js';

export interface TeacherOptions {
  n: number;
  nTest?: number;
  T: number;
  d: number;
  alpha: number;
  activation?: ActivationName;
  map?: 'linear' | 'input' | 'memory' | 'mix';
  kappa?: number;
  /** teacher particles */
  M?: number;
  /** particles for the Monte-Carlo error estimate (0: none) */
  seParticles?: number;
  noise?: number;
}

/**
 * A transport-map teacher of the diagonal class (docs/spec/model.md section 9), normalized to unit RMS
 * ('scale' keeps it in the class with nu divided by the scale), so R(Theta(0)) = 1/2.
 */
export function transportData(o: TeacherOptions): DataConfigInputOf<'transport'> {
  return {
    system: 'transport',
    n: o.n,
    nTest: o.nTest ?? 0,
    T: o.T,
    d: o.d,
    map: o.map ?? 'mix',
    M: o.M ?? 2048,
    activation: o.activation ?? 'tanh',
    alpha: o.alpha,
    kappa: o.kappa ?? 1,
    seParticles: o.seParticles ?? 0,
    normalize: 'scale',
    ...(o.noise ? { noise: o.noise } : {}),
  };
}

/** A template's step-size fields for a preset's eta option: none (the preset's own train.eta) or PointTemplate.eta. */
export const etaOf = (eta: EtaChoice | undefined): { eta?: EtaChoice } => (eta === undefined ? {} : { eta });

export function diagonal(m: number, alpha: number, activation: ActivationName = 'tanh'): Omit<ModelSpecInput, 'd'> {
  return { recurrence: 'diagonal', activation, readout: 'final', m, alpha };
}

export const okResults = (results: readonly PointResult[]): PointResult[] =>
  results.filter((r) => r.status !== 'error' && r.metrics);

export const metric = (r: PointResult, key: keyof PointMetrics): number | null => {
  const v = r.metrics?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

export const num = (r: PointResult, key: string): number => Number(r.params[key]);

/** Distinct values of a swept parameter, sorted (numbers ascending). */
export function distinct(results: readonly PointResult[], key: string): number[] {
  return [...new Set(results.map((r) => num(r, key)))].filter(Number.isFinite).sort((a, b) => a - b);
}

export function distinctStr(results: readonly PointResult[], key: string): string[] {
  return [...new Set(results.map((r) => String(r.params[key])))];
}

/** Summary of a metric over the results matching `where`. */
export function summarizeWhere(
  results: readonly PointResult[],
  where: (r: PointResult) => boolean,
  key: keyof PointMetrics,
): Summary {
  return summary(results.filter(where).map((r) => metric(r, key)));
}

/**
 * m*: per seed, the smallest width whose best training risk reaches eps (relative), interpolated
 * geometrically between grid widths; then mean and spread over seeds.
 * Returns null entries for seeds where no width reaches.
 */
export function widthNeeded(results: readonly PointResult[], eps: number, select: (r: PointResult) => boolean) {
  const rs = okResults(results).filter(select);
  const seeds = [...new Set(rs.map((r) => r.seed))].sort((a, b) => a - b);
  const perSeed = seeds.map((s) => {
    const pts = rs.filter((r) => r.seed === s).map((r) => ({ x: num(r, 'm'), y: metric(r, 'bestRel') ?? Number.NaN }));
    return { seed: s, cross: crossing(pts, eps) };
  });
  const interp = perSeed.map((p) => p.cross?.interpolated).filter((x): x is number => x !== undefined);
  const grid = perSeed.map((p) => p.cross?.grid).filter((x): x is number => x !== undefined);
  return {
    perSeed,
    reachedSeeds: interp.length,
    seeds: seeds.length,
    mean: interp.length ? mean(interp) : null,
    std: interp.length ? std(interp) : null,
    gridMean: grid.length ? mean(grid) : null,
    /** geometric mean of the interpolated m* (m lives on a log grid) */
    geoMean: interp.length ? Math.exp(mean(interp.map(Math.log))) : null,
  };
}

/** A pipe inside a cell (norms like ||Theta||) would end the cell: GFM reads a backslashed pipe as a literal one. */
const mdCell = (c: string | number | null): string =>
  (typeof c === 'number' ? fmt(c) : (c ?? '–')).replace(/\\?\|/g, '\\|');

export const mdTable = (columns: string[], rows: (string | number | null)[][]): string =>
  [
    `| ${columns.map(mdCell).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');

/**
 * Growth of y against T: 'flat' (max/min ratio < flatRatio), else 'exponential' when log y is
 * better explained by T (rate per step) than by log T, 'polynomial' otherwise.
 */
export function growthShape(T: number[], y: number[], flatRatio = 2) {
  const pts = T.map((t, i) => [t, y[i]] as const).filter(([t, v]) => t > 0 && v > 0 && Number.isFinite(v));
  if (pts.length < 3)
    return { shape: 'unknown' as const, ratio: null, rate: null, degree: null, r2Exp: null, r2Poly: null };
  const ys = pts.map((p) => p[1]);
  const ratio = ys[ys.length - 1] / ys[0];
  const lin = (xs: number[], vs: number[]) => {
    const mx = mean(xs),
      mv = mean(vs);
    let sxx = 0,
      sxv = 0,
      svv = 0;
    for (let i = 0; i < xs.length; i++) {
      sxx += (xs[i] - mx) ** 2;
      sxv += (xs[i] - mx) * (vs[i] - mv);
      svv += (vs[i] - mv) ** 2;
    }
    const slope = sxv / sxx;
    let sse = 0;
    for (let i = 0; i < xs.length; i++) sse += (vs[i] - mv - slope * (xs[i] - mx)) ** 2;
    return { slope, r2: svv > 0 ? 1 - sse / svv : 1 };
  };
  const logy = ys.map(Math.log);
  const e = lin(
    pts.map((p) => p[0]),
    logy,
  );
  const p = lin(
    pts.map((q) => Math.log(q[0])),
    logy,
  );
  const maxOverMin = Math.max(...ys) / Math.min(...ys);
  const shape: 'flat' | 'polynomial' | 'exponential' =
    maxOverMin < flatRatio ? 'flat' : e.r2 > p.r2 && e.slope > 0 ? 'exponential' : 'polynomial';
  return { shape, ratio, rate: Math.exp(e.slope), degree: p.slope, r2Exp: e.r2, r2Poly: p.r2 };
}
