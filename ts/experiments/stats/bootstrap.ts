/**
 * Seed-cluster bootstrap. A seed fixes the teacher, the data and the init for every level of an
 * experiment, so the points of one seed are not independent: the bootstrap resamples whole seeds
 * (clusters) with replacement and recomputes the statistic. The stream is seeded (ts/rng.ts), so a
 * report built twice from the same points prints the same intervals.
 */
import { makeRng } from '../../rng.js';

export interface Interval {
  /** The statistic on the data as they are. */
  estimate: number | null;
  /** Percentile interval of the bootstrap replicates (95% by default). */
  lo: number | null;
  hi: number | null;
  /** Replicates where the statistic was defined. */
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

/** Estimate and percentile interval of a statistic under the seed-cluster bootstrap. */
export function clusterBootstrap<C>(
  clusters: readonly C[],
  stat: (sample: readonly C[]) => number | null,
  o: BootstrapOptions = {},
): Interval {
  const est = stat(clusters);
  const reps = clusterReplicates(clusters, stat, o).sort((a, b) => a - b);
  const B = o.B ?? 1000;
  const alpha = (1 - (o.level ?? 0.95)) / 2;
  // Too few defined replicates (a statistic that fails on most resamples) give no interval.
  if (reps.length < Math.max(20, B / 2))
    return { estimate: est !== null && Number.isFinite(est) ? est : null, lo: null, hi: null, replicates: reps.length };
  return {
    estimate: est !== null && Number.isFinite(est) ? est : null,
    lo: quantile(reps, alpha),
    hi: quantile(reps, 1 - alpha),
    replicates: reps.length,
  };
}

/** Median of finite values (NaN for none). */
export function median(xs: readonly number[]): number {
  return quantile(
    [...xs].filter(Number.isFinite).sort((a, b) => a - b),
    0.5,
  );
}
