/**
 * Fitted exponents and rates with seed-level t-intervals (jackknife over seeds): the slope of ln y on ln x (a
 * power law) or of ln y on x (an exponential rate), pooled over the seeds of a resample. An optional
 * group (e.g. the width m when the slope is in n) removes each group's own level first, so the slope
 * is the within-group one.
 */
import { linearFit } from '../fit.js';
import { seedInterval, type Interval } from './bootstrap.js';

export interface GroupedObs {
  x: number;
  y: number;
  group?: number | string;
}

export type Axis = 'log' | 'linear';

/** Slope of ln y on (ln x | x) over the pooled points, within groups when they carry one. */
function pooledSlope(points: readonly GroupedObs[], xAxis: Axis = 'log'): number | null {
  const pts = points.filter((p) => p.y > 0 && Number.isFinite(p.y) && (xAxis === 'linear' || p.x > 0));
  const tx = (x: number) => (xAxis === 'log' ? Math.log(x) : x);
  const groups = new Map<string, GroupedObs[]>();
  for (const p of pts) groups.set(String(p.group ?? ''), [...(groups.get(String(p.group ?? '')) ?? []), p]);
  const xs: number[] = [],
    ys: number[] = [];
  for (const g of groups.values()) {
    const mx = g.reduce((s, p) => s + tx(p.x), 0) / g.length;
    const my = g.reduce((s, p) => s + Math.log(p.y), 0) / g.length;
    for (const p of g) {
      xs.push(tx(p.x) - mx);
      ys.push(Math.log(p.y) - my);
    }
  }
  return linearFit(xs, ys)?.slope ?? null;
}

/** The slope and its 95% seed-level interval; clusters = one list of points per seed. */
export function slopeCI(clusters: readonly (readonly GroupedObs[])[], stream: string, xAxis: Axis = 'log'): Interval {
  return seedInterval(clusters, (sample) => pooledSlope(sample.flat(), xAxis), { stream });
}

/** Geometric mean of y with its interval (ratios: paired risk ratios, bound ratios). */
export function geoMeanCI(clusters: readonly (readonly number[])[], stream: string): Interval {
  const gm = (sample: readonly (readonly number[])[]) => {
    const v = sample.flat().filter((x) => x > 0 && Number.isFinite(x));
    return v.length ? Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length) : null;
  };
  return seedInterval(clusters, gm, { stream });
}
