/** Summaries of a data set for people: shape, statistics and small text plots (`rnn-gd data show`). */
import { readoutOf, type Dataset, type Readout } from '../core/types.js';

export interface Moments {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface DatasetStats {
  n: number;
  T: number;
  d: number;
  readout: Readout;
  /** over all n*T*d input entries */
  X: Moments & { meanNorm: number; maxNorm: number };
  /** over all targets */
  Y: Moments;
}

export function moments(a: ArrayLike<number>): Moments {
  let s = 0,
    s2 = 0,
    min = Infinity,
    max = -Infinity;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    s += v;
    s2 += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(Math.max(0, s2 / a.length - mean * mean)), min, max };
}

export function datasetStats(ds: Dataset): DatasetStats {
  const { n, T, d } = ds;
  let sumNorm = 0,
    maxNorm = 0;
  for (let p = 0; p < n * T; p++) {
    let s = 0;
    for (let q = 0; q < d; q++) s += ds.X[p * d + q] ** 2;
    const norm = Math.sqrt(s);
    sumNorm += norm;
    maxNorm = Math.max(maxNorm, norm);
  }
  return {
    n,
    T,
    d,
    readout: readoutOf(ds),
    X: { ...moments(ds.X), meanNorm: sumNorm / (n * T), maxNorm },
    Y: moments(ds.Y),
  };
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to [lo, hi] (default: the values' own range). */
export function sparkline(values: ArrayLike<number>, lo?: number, hi?: number): string {
  const a = Array.from(values);
  const min = lo ?? Math.min(...a);
  const max = hi ?? Math.max(...a);
  const span = max - min;
  return a
    .map((v) => {
      const level = span > 0 ? Math.round(((v - min) / span) * (BARS.length - 1)) : 3;
      return BARS[Math.min(BARS.length - 1, Math.max(0, level))];
    })
    .join('');
}

/** Histogram counts of values in `bins` equal bins over [min, max], drawn as a sparkline. */
export function histogramLine(values: ArrayLike<number>, bins = 24): string {
  const { min, max } = moments(values);
  const counts = new Array<number>(bins).fill(0);
  const span = max - min;
  for (let k = 0; k < values.length; k++) {
    const b = span > 0 ? Math.min(bins - 1, Math.floor(((values[k] - min) / span) * bins)) : 0;
    counts[b]++;
  }
  return sparkline(counts, 0);
}

const fmt = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4));

/** A text report of one split: stats and sparklines of the first `k` sequences. */
export function describeDataset(name: string, ds: Dataset, k = 4): string[] {
  const s = datasetStats(ds);
  const lines = [
    `${name}: n = ${s.n}, T = ${s.T}, d = ${s.d}, readout ${s.readout} (X ${s.n}x${s.T}x${s.d}, Y ${s.readout === 'all' ? `${s.n}x${s.T}` : s.n})`,
    `  X: mean ${fmt(s.X.mean)}  std ${fmt(s.X.std)}  min ${fmt(s.X.min)}  max ${fmt(s.X.max)}  mean ||x_t|| ${fmt(s.X.meanNorm)}  max ||x_t|| ${fmt(s.X.maxNorm)}`,
    `  Y: mean ${fmt(s.Y.mean)}  std ${fmt(s.Y.std)}  min ${fmt(s.Y.min)}  max ${fmt(s.Y.max)}`,
    `  Y histogram [${fmt(s.Y.min)}, ${fmt(s.Y.max)}]: ${histogramLine(ds.Y)}`,
  ];
  const count = Math.min(k, ds.n);
  if (s.readout === 'all') {
    lines.push(`  targets y_t of the first ${count} sequences (common scale [${fmt(s.Y.min)}, ${fmt(s.Y.max)}]):`);
    for (let j = 0; j < count; j++)
      lines.push(`    #${j}  ${sparkline(ds.Y.subarray(j * ds.T, (j + 1) * ds.T), s.Y.min, s.Y.max)}`);
  } else {
    lines.push(`  inputs x_t[0] of the first ${count} sequences (scale [-1, 1]) and their target:`);
    for (let j = 0; j < count; j++) {
      const x0 = Array.from({ length: ds.T }, (_, t) => ds.X[(j * ds.T + t) * ds.d]);
      lines.push(`    #${j}  ${sparkline(x0, -1, 1)}  y = ${fmt(ds.Y[j])}`);
    }
  }
  return lines;
}
