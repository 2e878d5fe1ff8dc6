/** Shared pieces of the experiment presets: the standard teacher, model specs, result access. */
import type { ModelSpecInput } from '../core/config.js';
import type { ActivationName } from '../core/activations.js';
import type { DataConfigInputOf } from '../data/generate.js';
import { fmt, summary, type Summary } from './fit.js';
import { reachedEps, stopReason } from './runs.js';
import { gridInterval } from './stats/grid.js';
import type { PointMetrics, PointResult } from './types.js';
import type { EtaChoice } from './step-size.js';
import type { WidthUnit } from './verdicts/width.js';

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
 * m* per seed as the grid interval it is (stats/grid.ts): (largest failing width below the first
 * reaching one, first reaching width], with the run at the grid width just below m* (to say how it
 * ended: budget, plateau rule, divergence), and the seed's runs.
 */
export function widthUnits(results: readonly PointResult[], eps: number, select: (r: PointResult) => boolean) {
  const rs = okResults(results).filter(select);
  const seeds = [...new Set(rs.map((r) => r.seed))].sort((a, b) => a - b);
  return seeds.map((seed) => {
    const runs = rs.filter((r) => r.seed === seed);
    // A plateau-stopped width was forecast, not seen, to fail: it does not bound m* from below.
    const interval = gridInterval(
      runs.map((r) => ({ value: num(r, 'm'), reached: reachedEps(r, eps), forecast: stopReason(r) === 'plateau' })),
    );
    const widthBelow = Math.max(...runs.map((r) => num(r, 'm')).filter((m) => interval.hi === null || m < interval.hi));
    const below = runs.find((r) => num(r, 'm') === widthBelow) ?? null;
    const at = runs.find((r) => interval.hi !== null && num(r, 'm') === interval.hi) ?? null;
    return { seed, interval, below, at, runs };
  });
}

/**
 * widthUnits at each level of a swept parameter (E1: n, E7: d), and all of them as the width rules
 * read them (verdicts/width.ts).
 */
export function widthLevels(results: readonly PointResult[], eps: number, key: string) {
  const ok = okResults(results);
  const levels = distinct(ok, key).map((level) => ({
    level,
    units: widthUnits(ok, eps, (r) => num(r, key) === level),
  }));
  const units: WidthUnit[] = levels.flatMap((b) =>
    b.units.map((u) => ({ level: b.level, seed: u.seed, interval: u.interval })),
  );
  return { levels, units };
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
