/**
 * Synthetic measurements for the verdict rules: a known law plus seed-level noise, quantized and
 * censored the way the experiments quantize and censor. The falsification tests feed the rules
 * laws where the claim holds, where it is false and where the design cannot tell; the power
 * tables of docs/experiments.md come from the same generators.
 */
import { makeRng } from '../../core/rng.js';
import { gridInterval } from '../stats/grid.js';
import type { TauObs } from './cutoff.js';
import type { WidthUnit } from './width.js';

/** Multiplicative noise: each (level, seed) value times exp(sigma z), plus a per-seed factor exp(seedSigma z). */
export interface NoiseOptions {
  seeds: number;
  sigma: number;
  seedSigma?: number;
  stream: string;
}

function noisy<T>(
  levels: readonly number[],
  o: NoiseOptions,
  make: (level: number, seed: number, factor: number) => T,
): T[] {
  const rng = makeRng('rnn-gd/synthetic', o.stream);
  const out: T[] = [];
  for (let s = 0; s < o.seeds; s++) {
    const seedFactor = Math.exp((o.seedSigma ?? 0) * rng.normal());
    for (const lv of levels) out.push(make(lv, s, seedFactor * Math.exp(o.sigma * rng.normal())));
  }
  return out;
}

/** Width units: the true threshold law(level) x noise, seen through the grid (first grid value >= it). */
export function syntheticWidths(
  law: (level: number) => number,
  levels: readonly number[],
  grid: readonly number[],
  o: NoiseOptions,
): WidthUnit[] {
  return noisy(levels, o, (level, seed, f) => {
    const m = law(level) * f;
    return { level, seed, interval: gridInterval(grid.map((g) => ({ value: g, reached: g >= m }))) };
  });
}

/** Steps to eps: law(T) x noise, recorded every `record` steps, censored at `budget` (or at stopAt when the run was stopped early). */
export function syntheticTaus(
  law: (T: number) => number,
  Ts: readonly number[],
  budget: number,
  o: NoiseOptions & { record?: number; stopAt?: number },
): TauObs[] {
  const rec = o.record ?? 10;
  const stop = Math.min(budget, o.stopAt ?? budget);
  return noisy(Ts, o, (T, seed, f) => {
    const tau = Math.max(rec, Math.ceil((law(T) * f) / rec) * rec);
    return tau <= stop ? { T, seed, steps: tau, censored: false } : { T, seed, steps: stop, censored: true };
  });
}

/** Generic positive values law(x) x noise, e.g. drifts, gaps, floors. */
export function syntheticValues(law: (x: number) => number, xs: readonly number[], o: NoiseOptions) {
  return noisy(xs, o, (x, seed, f) => ({ x, seed, y: law(x) * f }));
}
