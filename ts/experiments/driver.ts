/**
 * The sweep driver that `rnn-gd experiment run` (run-node.ts, a sweep directory) and the lab page
 * (IndexedDB) share: the plan and its manifest, the share and its points still to run, the width
 * searches replayed from the points already finished, one executor for the rest, each finished
 * point handed to the store before it counts. So a page and the CLI train exactly the same points
 * of a sweep, uninterrupted or resumed, and agree on when it is done. Runtime-agnostic.
 */
import type { BackendName } from '../core/types.js';
import { planSweep, selectShard, sweepFingerprint, type Shard } from './plan.js';
import type { PointExecutor } from './pool.js';
import type { EtaChoice } from './step-size.js';
import { getExperiment } from './registry.js';
import { completeness } from './search.js';
import { newManifest, type SweepManifest } from './sweep-format.js';
import { runSweep, type SweepOutcome, type SweepProgress } from './sweep.js';
import type { ExperimentId, IndexedPoint, PointResult, Size } from './types.js';

/** Where a sweep's finished points live: a sweep directory (checkpoint.ts) or the page's IndexedDB. */
export interface SweepStore {
  /** The points finished before this run (a resume), by id. */
  readonly done: ReadonlyMap<string, PointResult>;
  /** Records one finished point durably; the sweep counts it once this has returned (or resolved). */
  append(result: PointResult): void | Promise<void>;
}

export interface SweepPlanOptions {
  experiment: ExperimentId | Lowercase<ExperimentId>;
  size: Size;
  /** Replicates per configuration (default: the experiment's default for the size). */
  seeds?: number;
  backend: BackendName;
  /** Every width of the grid, where the experiment searches the width needed. Implied by `limit`. */
  grid?: boolean;
  /** Only the first `limit` points of the share, as a grid (smoke tests). */
  limit?: number;
  shard?: Shard | null;
  /** The step size of an experiment that takes one (PresetOptions.eta); part of the fingerprint. */
  eta?: EtaChoice;
  /** Transform the planned points (tests: inject faults). */
  mapPoints?: (points: IndexedPoint[]) => IndexedPoint[];
}

export interface SweepPlan {
  /** Every point of the sweep (all shards). */
  points: IndexedPoint[];
  /** The points this run is responsible for (its shard, its limit). */
  share: IndexedPoint[];
  /** What sweep.json holds. */
  manifest: SweepManifest;
}

/** The sweep of an experiment and its manifest, as `rnn-gd experiment run` writes it. */
export function planExperiment(o: SweepPlanOptions): SweepPlan {
  const exp = getExperiment(o.experiment);
  const grid = o.grid === true || o.limit !== undefined;
  let points = planSweep(exp, o.size, { seeds: o.seeds, grid, eta: o.eta });
  if (o.mapPoints) points = o.mapPoints(points);
  let share = selectShard(points, o.shard);
  if (o.limit !== undefined) share = share.slice(0, o.limit);
  const manifest = newManifest({
    experiment: exp.id,
    title: exp.title,
    size: o.size,
    seeds: o.seeds ?? exp.defaultSeeds[o.size],
    totalPoints: points.length,
    fingerprint: sweepFingerprint(points),
    shard: o.shard ?? null,
    backend: o.backend,
    search: points.some((p) => p.search),
    ...(o.eta !== undefined ? { eta: o.eta } : {}),
  });
  return { points, share, manifest };
}

/** Counts of a share: trained (finished) points, and grid points a finished width search did not need. */
export interface ShareStatus {
  /** Every plain point finished and every width search answered. */
  complete: boolean;
  planned: number;
  finished: number;
  /** Grid points the searches skipped (only meaningful once complete). */
  notNeeded: number;
}

export function shareStatus(share: readonly IndexedPoint[], finished: readonly PointResult[]): ShareStatus {
  const c = completeness(share, finished);
  return {
    complete: c.complete,
    planned: share.length,
    finished: c.finished,
    notNeeded: c.complete ? share.length - c.finished : 0,
  };
}

export interface DriveOptions {
  plan: SweepPlan;
  store: SweepStore;
  /** The executor for `todo` points still to run (made only when there is work). */
  executor: (todo: number) => PointExecutor;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** Once the plan is known and the executor started, before any point runs. */
  onStart?: (info: {
    total: number;
    todo: number;
    skipped: number;
    executor: PointExecutor | null;
  }) => void | Promise<void>;
  graceMs?: number;
}

export interface DriveResult extends SweepOutcome {
  /** Points of the share found finished in the store. */
  skipped: number;
  /** The share's counts after this run. */
  share: ShareStatus;
}

/**
 * Runs what the share still needs. A share that is already complete (a finished width-searched
 * sweep: its skipped grid points are not needed) starts no executor and runs nothing.
 */
export async function driveSweep(o: DriveOptions): Promise<DriveResult> {
  const { share } = o.plan;
  const ids = new Set(share.map((p) => p.id));
  const before = [...o.store.done.values()].filter((r) => ids.has(r.id));
  const todo = share.filter((p) => !o.store.done.has(p.id));
  const skipped = share.length - todo.length;
  const finished = [...before];
  const already = shareStatus(share, before).complete;
  const executor = already ? null : o.executor(todo.length);
  let outcome: SweepOutcome;
  try {
    if (executor) await executor.start();
    await o.onStart?.({ total: share.length, todo: already ? 0 : todo.length, skipped, executor });
    outcome = executor
      ? await runSweep({
          points: todo,
          finished: before,
          executor,
          skipped,
          signal: o.signal,
          onProgress: o.onProgress,
          graceMs: o.graceMs,
          onResult: async (r) => {
            await o.store.append(r);
            finished.push(r);
          },
        })
      : { status: 'completed', done: 0, failed: 0, remaining: [], elapsedMs: 0 };
  } finally {
    await executor?.close();
  }
  return { ...outcome, skipped, share: shareStatus(share, finished) };
}
