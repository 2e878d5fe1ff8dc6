/**
 * Seed-level uncertainty. A seed fixes the teacher, the data and the init for every level of an
 * experiment, so the points of one seed are not independent: intervals come from the seeds as
 * units (seedInterval: jackknife over seeds with a t quantile), and comparisons of laws from
 * seed-cluster bootstrap replicates (whole seeds resampled with replacement; seeded stream, ts/core/rng.ts,
 * so a report built twice from the same points prints the same numbers).
 */
import { makeRng } from '../../core/rng.js';

export interface Interval {
  /** The statistic on the data as they are. */
  estimate: number | null;
  /** Interval ends (95% by default; see seedInterval). */
  lo: number | null;
  hi: number | null;
  /** Seeds behind the interval (jackknife replicates). */
  replicates: number;
}

export interface BootstrapOptions {
  /** Replicates (default 1000). */
  B?: number;
  /** Coverage (default 0.95). */
  level?: number;
  /** Stream name: different statistics of one report get different streams. */
  stream?: string;
}

/** The q-quantile of sorted values, linear between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

/**
 * Replicates of `stat` over resampled clusters (null or non-finite replicates are dropped and
 * counted). Fewer than two clusters give no replicates: one seed cannot estimate seed-to-seed spread.
 */
export function clusterReplicates<C>(
  clusters: readonly C[],
  stat: (sample: readonly C[]) => number | null,
  o: BootstrapOptions = {},
): number[] {
  const B = o.B ?? 1000;
  if (clusters.length < 2) return [];
  const rng = makeRng('rnn-gd/bootstrap', o.stream ?? '');
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const sample = Array.from({ length: clusters.length }, () => clusters[rng.int(clusters.length)]);
    const v = stat(sample);
    if (v !== null && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/**
 * Student's t CDF for integer degrees of freedom (Abramowitz & Stegun 26.7.3-4, exact series).
 */
function studentCdf(t: number, df: number): number {
  const th = Math.atan(t / Math.sqrt(df));
  const c = Math.cos(th),
    s = Math.sin(th);
  let a: number;
  if (df % 2 === 1) {
    let sum = 0,
      term = c;
    for (let k = 3; k <= df; k += 2) {
      sum += term;
      term *= ((k - 1) / k) * c * c;
    }
    a = (2 / Math.PI) * (th + (df > 1 ? s * sum : 0));
  } else {
    let sum = 0,
      term = 1;
    for (let k = 2; k <= df; k += 2) {
      sum += term;
      term *= ((k - 1) / k) * c * c;
    }
    a = s * sum;
  }
  return 0.5 + 0.5 * a;
}

/** The p-quantile of Student's t with df degrees of freedom (bisection on the exact CDF). */
export function studentQuantile(p: number, df: number): number {
  let lo = -1e3,
    hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Estimate and 95% interval of a statistic over seeds: the delete-one-seed jackknife's standard
 * error with a Student t quantile on (seeds - 1) degrees of freedom (Efron & Tibshirani, An
 * Introduction to the Bootstrap, ch. 11 and 12.5). For a statistic that is the mean of per-seed
 * estimates this is the classical t-interval, exact under normal seed-to-seed spread; a percentile
 * bootstrap over 3 seeds is the range of the 3 estimates and covers 75% at best (coverage measured
 * in test/experiments/verdicts/coverage.test.ts and docs/experiments.md).
 */
export function seedInterval<C>(
  clusters: readonly C[],
  stat: (sample: readonly C[]) => number | null,
  o: BootstrapOptions = {},
): Interval {
  const raw = stat(clusters);
  const est = raw !== null && Number.isFinite(raw) ? raw : null;
  const k = clusters.length;
  const none = { estimate: est, lo: null, hi: null, replicates: 0 };
  if (est === null || k < 2) return none;
  const loo: number[] = [];
  for (let i = 0; i < k; i++) {
    const v = stat(clusters.filter((_, j) => j !== i));
    // A statistic undefined without one seed leaves the spread unknown: no interval.
    if (v === null || !Number.isFinite(v)) return none;
    loo.push(v);
  }
  const mean = loo.reduce((a, b) => a + b, 0) / k;
  const se = Math.sqrt(((k - 1) / k) * loo.reduce((a, v) => a + (v - mean) ** 2, 0));
  const t = studentQuantile(1 - (1 - (o.level ?? 0.95)) / 2, k - 1);
  return { estimate: est, lo: est - t * se, hi: est + t * se, replicates: k };
}

/** Median of finite values (NaN for none). */
export function median(xs: readonly number[]): number {
  return quantile(
    [...xs].filter(Number.isFinite).sort((a, b) => a - b),
    0.5,
  );
}
