/**
 * The work of a sweep, in the order it is handed out: plain points, and search units whose next
 * probe becomes ready when the previous one finishes (search.ts). Costliest work first keeps the
 * workers busy to the end; a lane prefers work on the data set it already holds.
 */
import { canonicalJson } from './plan.js';
import type { EtaChain } from './eta.js';
import { expectedProbes, searchUnits, unitState, type SearchUnit } from './search.js';
import type { IndexedPoint, PointResult } from './types.js';

const dataKeys = new WeakMap<IndexedPoint, string>();
/** Points with the same data config and seed share their data set (cached per worker). */
export function dataKey(point: IndexedPoint): string {
  let k = dataKeys.get(point);
  if (k === undefined) {
    k = `${JSON.stringify(point.dataSeed)}|${canonicalJson(point.data)}`;
    dataKeys.set(point, k);
  }
  return k;
}

/** A rough cost of a point (sequences x steps x width x time steps), for scheduling and the ETA. */
export function estimateCost(point: IndexedPoint): number {
  const n = Number(point.data.n) || 1,
    T = Number(point.data.T) || 1,
    m = Number(point.model.m) || 1;
  const steps = point.measure?.train === false ? 1 : Number(point.train.steps) || 1;
  // A grid of step sizes trains once per step size.
  const runs = typeof point.eta === 'object' && 'grid' in point.eta ? point.eta.grid.length : 1;
  return n * T * (m + 8) * steps * runs + n * T * 2048; // + data generation (teacher particles)
}

/**
 * The order plain points are handed out: data groups (points sharing data) by decreasing total
 * cost, points inside a group by index.
 */
export function scheduleOrder(points: readonly IndexedPoint[]): IndexedPoint[] {
  const groupCost = new Map<string, number>();
  const first = new Map<string, number>();
  for (const p of points) {
    const k = dataKey(p);
    groupCost.set(k, (groupCost.get(k) ?? 0) + estimateCost(p));
    if (!first.has(k)) first.set(k, p.index);
  }
  return [...points].sort((a, b) => {
    const ka = dataKey(a),
      kb = dataKey(b);
    if (ka !== kb) return groupCost.get(kb)! - groupCost.get(ka)! || first.get(ka)! - first.get(kb)!;
    return a.index - b.index;
  });
}

interface UnitSlot {
  unit: SearchUnit;
  key: string;
  cost: number;
  first: number;
  running: IndexedPoint | null;
  over: boolean;
}

type Item = { kind: 'point'; point: IndexedPoint; started: boolean } | { kind: 'unit'; slot: UnitSlot };

export class WorkQueue {
  private readonly items: Item[];
  private readonly units: UnitSlot[];
  private readonly results: Map<string, PointResult>;
  private readonly runningSince = new Map<IndexedPoint, number>();
  private waiters: (() => void)[] = [];

  /**
   * `points`: the points to run; `finished`: results already there (a resume), which the searches
   * replay. A search unit's points may be in either.
   */
  constructor(points: readonly IndexedPoint[], finished: readonly PointResult[] = []) {
    this.results = new Map(finished.map((r) => [r.id, r] as const));
    const fromResults = finished.map((r) => ({ ...r.config, index: r.index }) as IndexedPoint);
    const todoIds = new Set(points.map((p) => p.id));
    const { units, plain } = searchUnits([...points, ...fromResults.filter((p) => !todoIds.has(p.id))]);
    const plainTodo = scheduleOrder(plain.filter((p) => todoIds.has(p.id)));
    const groupCost = new Map<string, number>();
    for (const p of plainTodo) groupCost.set(dataKey(p), (groupCost.get(dataKey(p)) ?? 0) + estimateCost(p));
    this.units = units
      .filter((u) => u.grid.some((p) => todoIds.has(p.id)))
      .map((unit) => ({
        unit,
        key: dataKey(unit.grid[0]),
        cost: unit.grid.reduce((s, p) => s + estimateCost(p), 0),
        first: Math.min(...unit.grid.map((p) => p.index)),
        running: null,
        over: false,
      }));
    const items: (Item & { cost: number; first: number })[] = [
      ...plainTodo.map((point) => ({
        kind: 'point' as const,
        point,
        started: false,
        cost: groupCost.get(dataKey(point))!,
        first: point.index,
      })),
      ...this.units.map((slot) => ({ kind: 'unit' as const, slot, cost: slot.cost, first: slot.first })),
    ];
    // Stable sort: plain points keep their group order; units slot in by their total cost.
    this.items = items.sort((a, b) => b.cost - a.cost || (a.kind === b.kind ? 0 : a.first - b.first));
    for (const slot of this.units) this.advance(slot);
  }

  private advance(slot: UnitSlot): IndexedPoint | null {
    const s = unitState(slot.unit, this.results);
    if (s.next === null) {
      slot.over = true;
      return null;
    }
    return slot.unit.grid[s.next];
  }

  /** The next ready point, preferring `preferKey`'s data, then data no other lane holds (`busyKeys`). */
  take(preferKey: string | null, busyKeys: ReadonlySet<string>, now: number): IndexedPoint | undefined {
    const ready: IndexedPoint[] = [];
    for (const it of this.items) {
      if (it.kind === 'point') {
        if (!it.started) ready.push(it.point);
      } else if (!it.slot.over && !it.slot.running) {
        const next = this.advance(it.slot);
        if (next && !this.runningSince.has(next)) ready.push(next);
      }
    }
    if (ready.length === 0) return undefined;
    let pick = preferKey === null ? undefined : ready.find((p) => dataKey(p) === preferKey);
    pick ??= ready.find((p) => !busyKeys.has(dataKey(p))) ?? ready[0];
    for (const it of this.items) {
      if (it.kind === 'point' && it.point === pick) it.started = true;
      if (it.kind === 'unit' && it.slot.unit.grid.includes(pick)) it.slot.running = pick;
    }
    this.runningSince.set(pick, now);
    return pick;
  }

  /** A point ended: with its result, or null when it was cancelled (it becomes ready again). */
  complete(point: IndexedPoint, result: PointResult | null): void {
    this.runningSince.delete(point);
    if (result) this.results.set(point.id, result);
    for (const it of this.items) {
      if (it.kind === 'point' && it.point === point && !result) it.started = false;
      if (it.kind === 'unit' && it.slot.running === point) {
        it.slot.running = null;
        if (result) this.advance(it.slot);
      }
    }
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves at the next `complete`. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get running(): number {
    return this.runningSince.size;
  }

  /** Nothing left to run (every plain point started, every search over) and nothing running. */
  get idle(): boolean {
    return this.running === 0 && this.items.every((it) => (it.kind === 'point' ? it.started : it.slot.over));
  }

  /** Points not finished that a resume may run: plain points not started, unfinished searches' open candidates. */
  leftover(): IndexedPoint[] {
    const out: IndexedPoint[] = [];
    for (const it of this.items) {
      if (it.kind === 'point') {
        if (!it.started) out.push(it.point);
      } else if (!it.slot.over) {
        const s = unitState(it.slot.unit, this.results);
        if (s.next === null) continue;
        for (let i = s.lo + 1; i < s.hi; i++) {
          const p = it.slot.unit.grid[i];
          if (!this.results.has(p.id) && p !== it.slot.running) out.push(p);
        }
      }
    }
    return out;
  }

  /** The remaining work as ETA chains (estimated costs), and about how many points it is. */
  outlook(now: number): { chains: EtaChain[]; points: number } {
    const chains: EtaChain[] = [];
    let points = 0;
    const runningOf = (p: IndexedPoint | null) =>
      p && this.runningSince.has(p)
        ? { estimate: estimateCost(p), elapsedMs: now - this.runningSince.get(p)! }
        : undefined;
    for (const it of this.items) {
      if (it.kind === 'point') {
        const running = runningOf(this.runningSince.has(it.point) ? it.point : null);
        if (!it.started) {
          chains.push({ pending: estimateCost(it.point) });
          points++;
        } else if (running) chains.push({ pending: 0, running });
        continue;
      }
      const slot = it.slot;
      if (slot.over) continue;
      const s = unitState(slot.unit, this.results);
      if (s.next === null) continue;
      const open = slot.unit.grid.slice(s.lo + 1, s.hi);
      const meanCost = open.reduce((a, p) => a + estimateCost(p), 0) / Math.max(1, open.length);
      const probes = Math.max(1, expectedProbes(open.length));
      const running = runningOf(slot.running);
      const pendingProbes = running ? probes - 1 : probes;
      chains.push({ pending: pendingProbes * meanCost, ...(running ? { running } : {}) });
      points += pendingProbes;
    }
    return { chains, points };
  }
}
