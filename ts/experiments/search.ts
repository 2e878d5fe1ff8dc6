/**
 * Width search: instead of training every width of a grid, find the smallest grid width whose run
 * reaches eps by an exponential (galloping) search from a start index followed by bisection, on
 * the predicate "the run reached eps". The predicate is assumed monotone in the width (more
 * width, no worse); where it is, the search finds the same first reaching width as the full grid,
 * and the width just below it is run too (it failed), so the interpolated m* is the grid's as well.
 *
 * A search unit is every point of one (configuration without the width, seed): its points sorted by
 * width. The start point (e.g. the width where an experiment also measures constants) is always
 * run: it is the first probe. The probe sequence is a pure function of the outcomes of the probes so far, so a resume
 * replays it from the finished points and runs exactly the points an uninterrupted sweep would.
 */
import type { IndexedPoint, PointResult } from './types.js';

/** Where a search stands: the next grid index to run, or the answer once it is known. */
export type SearchState =
  | { next: number; lo: number; hi: number }
  /** first: the smallest reaching index, or null when no width reaches. */
  | { next: null; first: number | null };

/**
 * Replays the search over `count` grid indices from `start`, asking `outcome(i)` (true: reached,
 * false: not, undefined: not run yet) for each probe in turn. Returns the first probe without an
 * outcome, or the result. Between probes `lo` is the largest index known to fail (-1: none) and
 * `hi` the smallest known to reach (count: none), which bound what is left to search.
 */
export function replaySearch(count: number, start: number, outcome: (i: number) => boolean | undefined): SearchState {
  if (count <= 0) return { next: null, first: null };
  let lo = -1,
    hi = count;
  const s = Math.min(Math.max(0, Math.floor(start)), count - 1);
  const r = outcome(s);
  if (r === undefined) return { next: s, lo, hi };
  if (r) hi = s;
  else lo = s;
  // Gallop away from the start with doubling steps: down while it reaches, up while it fails.
  for (let step = 1; r ? hi > 0 : lo < count - 1; step *= 2) {
    const at = r ? Math.max(0, s - step) : Math.min(count - 1, s + step);
    const o = outcome(at);
    if (o === undefined) return { next: at, lo, hi };
    if (o) hi = at;
    else lo = at;
    if (o !== r) break; // bracketed: lo fails, hi reaches
  }
  // Bisection between the bracket ends.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const o = outcome(mid);
    if (o === undefined) return { next: mid, lo, hi };
    if (o) hi = mid;
    else lo = mid;
  }
  return { next: null, first: hi < count ? hi : null };
}

/** The search outcome of a finished point: reached eps (an error or a divergence counts as not). */
const reachedEps = (r: PointResult): boolean => r.status === 'ok' && r.metrics?.reached === true;

/** One search unit: its points sorted by the searched parameter, and where the search starts. */
export interface SearchUnit {
  id: string;
  /** The grid, ascending in the searched parameter. */
  grid: IndexedPoint[];
  /** Index into `grid` where the search starts. */
  start: number;
}

/** Groups points with a `search` tag into units (in order of first appearance); the rest are plain. */
export function searchUnits(points: readonly IndexedPoint[]): { units: SearchUnit[]; plain: IndexedPoint[] } {
  const byUnit = new Map<string, IndexedPoint[]>();
  const plain: IndexedPoint[] = [];
  for (const p of points) {
    if (!p.search) {
      plain.push(p);
      continue;
    }
    const list = byUnit.get(p.search.unit);
    if (list) list.push(p);
    else byUnit.set(p.search.unit, [p]);
  }
  const units = [...byUnit.entries()].map(([id, list]) => {
    const param = list[0].search!.param;
    const grid = [...list].sort((a, b) => Number(a.params[param]) - Number(b.params[param]) || a.index - b.index);
    const startAt = grid.findIndex((p) => p.search!.start);
    return { id, grid, start: Math.max(0, startAt) };
  });
  return { units, plain };
}

/** The unit's search replayed over the finished results. */
export function unitState(unit: SearchUnit, results: ReadonlyMap<string, PointResult>): SearchState {
  return replaySearch(unit.grid.length, unit.start, (i) => {
    const r = results.get(unit.grid[i].id);
    return r ? reachedEps(r) : undefined;
  });
}

/** Probes a search over `candidates` indices still needs, about (for progress and the ETA). */
export const expectedProbes = (candidates: number): number =>
  candidates <= 0 ? 0 : Math.ceil(Math.log2(candidates + 1));

/** How complete a set of results is for a planned share: plain points left and units whose search is not over. */
export function completeness(
  points: readonly IndexedPoint[],
  results: readonly PointResult[],
): { complete: boolean; finished: number; unfinishedUnits: number; plainLeft: number; units: number } {
  const byId = new Map(results.map((r) => [r.id, r] as const));
  const { units, plain } = searchUnits(points);
  const plainLeft = plain.filter((p) => !byId.has(p.id)).length;
  const unfinishedUnits = units.filter((u) => unitState(u, byId).next !== null).length;
  const finished = points.filter((p) => byId.has(p.id)).length;
  return {
    complete: plainLeft === 0 && unfinishedUnits === 0,
    finished,
    unfinishedUnits,
    plainLeft,
    units: units.length,
  };
}
