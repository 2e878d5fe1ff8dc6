/**
 * Grid quantities as the intervals they are. m* is "the smallest grid width that reaches eps": a
 * run that reaches stops at eps, so nothing between two grid widths is measured, and m* is known
 * only as (last failing width, first reaching width]. Interpolating inside that interval invents
 * precision (the "7.987 ± 0.007" that was the grid value 8 for every seed).
 */
export interface GridRun {
  /** The grid value (a width). */
  value: number;
  reached: boolean;
  /**
   * Stopped by the plateau rule: a forecast that the run would not reach within its budget, not a
   * run that failed to. It does not bound m* from below.
   */
  forecast?: boolean;
}

export interface GridInterval {
  /** Largest failing grid value below `hi` (null: `hi` is the first value tried, the grid floor, or every width below was only forecast to fail). */
  lo: number | null;
  /** First reaching grid value (null: none reached, right-censored at `lo`). */
  hi: number | null;
}

/** The interval holding the threshold of one search unit (one seed and configuration). */
export function gridInterval(runs: readonly GridRun[]): GridInterval {
  const sorted = [...runs].sort((a, b) => a.value - b.value);
  const first = sorted.find((r) => r.reached);
  const failed = sorted.filter((r) => !r.reached && !r.forecast && (!first || r.value < first.value));
  if (!first) return { lo: failed.length ? failed[failed.length - 1].value : null, hi: null };
  const below = failed;
  return { lo: below.length ? below[below.length - 1].value : null, hi: first.value };
}

/** "(6, 8]", "<= 4 (no failing width below: the grid floor, or plateau-stopped widths)", "> 128 (none reached)". */
export function formatInterval(g: GridInterval): string {
  if (g.hi === null) return g.lo === null ? 'unknown (none reached, none failed)' : `> ${g.lo} (none reached)`;
  if (g.lo === null) return `<= ${g.hi} (no failing width below)`;
  return `(${g.lo}, ${g.hi}]`;
}

/** The intervals of several seeds in one cell: "(6, 8] x3, (4, 6] x2". */
export function formatIntervals(gs: readonly GridInterval[]): string {
  const counts = new Map<string, number>();
  for (const g of gs) counts.set(formatInterval(g), (counts.get(formatInterval(g)) ?? 0) + 1);
  return [...counts].map(([k, c]) => (c > 1 ? `${k} x${c}` : k)).join(', ') || '–';
}
