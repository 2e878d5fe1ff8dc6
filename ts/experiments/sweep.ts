/**
 * The sweep runner: keeps every executor slot busy, hands each finished point to `onResult` at
 * once (the caller appends it to the checkpoint), records a failing point with its error and goes
 * on, and stops cleanly on abort (running points are cancelled and left for a resume; finished
 * points are kept). Runtime-agnostic: the executor decides between workers and the current thread.
 */
import { PACKAGE_VERSION } from '../version.js';
import { canonicalJson } from './plan.js';
import { WorkerCrashError, type PointExecutor } from './pool.js';
import { runtimeName, stripIndex } from './util.js';
import type { IndexedPoint, PointResult } from './types.js';

export interface SweepProgress {
  /** Points of this run (after resume and shard selection). */
  total: number;
  /** Finished in this run (ok, diverged or error). */
  done: number;
  failed: number;
  running: number;
  /** Points found finished in the checkpoint (not counted in total). */
  skipped: number;
  elapsedMs: number;
  /** Estimated time to finish (null until a point has finished). */
  etaMs: number | null;
  /** The result that caused this event, if any. */
  last?: PointResult;
}

export interface SweepRunOptions {
  points: readonly IndexedPoint[];
  executor: PointExecutor;
  /** Called once per finished point, in completion order; awaited before the next one is handed over. */
  onResult: (result: PointResult) => void | Promise<void>;
  onProgress?: (progress: SweepProgress) => void;
  signal?: AbortSignal;
  skipped?: number;
  /** After an abort, how long running points may take to stop before the workers are ended (ms). */
  graceMs?: number;
}

export interface SweepOutcome {
  status: 'completed' | 'aborted';
  done: number;
  failed: number;
  /** Points not finished (aborted runs): a resume runs them. */
  remaining: IndexedPoint[];
  elapsedMs: number;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

const dataKeys = new WeakMap<IndexedPoint, string>();
/** Points with the same data config and seed share their data set (cached per worker). */
function dataKey(point: IndexedPoint): string {
  let k = dataKeys.get(point);
  if (k === undefined) {
    k = `${JSON.stringify(point.dataSeed)}|${canonicalJson(point.data)}`;
    dataKeys.set(point, k);
  }
  return k;
}

/** The result recorded for a point that threw or whose worker died. */
export function errorResult(point: IndexedPoint, err: unknown, backend: string): PointResult {
  const e = err as { name?: string; message?: string };
  const crash = err instanceof WorkerCrashError || e?.name === 'WorkerCrashError';
  return {
    format: 'rnn-gd.point/1',
    index: point.index,
    id: point.id,
    group: point.group,
    experiment: point.experiment,
    params: point.params,
    seed: point.seed,
    status: 'error',
    error: {
      kind: crash ? 'crash' : 'throw',
      message: `${e?.name && e.name !== 'Error' ? e.name + ': ' : ''}${e?.message ?? String(err)}`,
    },
    config: stripIndex(point),
    run: { package: 'rnn-gd', version: PACKAGE_VERSION, backend, runtime: runtimeName() },
    timing: { wallMs: 0, finishedAt: new Date().toISOString() },
  };
}

/** A rough cost of a point (sequences x steps x width x time steps), for scheduling only. */
export function estimateCost(point: IndexedPoint): number {
  const n = Number(point.data.n) || 1,
    T = Number(point.data.T) || 1,
    m = Number(point.model.m) || 1;
  const steps = point.measure?.train === false ? 1 : Number(point.train.steps) || 1;
  return n * T * (m + 8) * steps + n * T * 2048; // + data generation (teacher particles)
}

/**
 * The order points are handed out: data groups (points sharing data) by decreasing total cost,
 * points inside a group by index. Big groups first keeps workers busy to the end.
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

export async function runSweep(opts: SweepRunOptions): Promise<SweepOutcome> {
  const { executor, signal } = opts;
  const queue = scheduleOrder(opts.points);
  const total = queue.length;
  const remaining: IndexedPoint[] = [];
  const started = now();
  let done = 0,
    failed = 0,
    running = 0;
  let aborted = signal?.aborted ?? false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let resultChain: Promise<void> = Promise.resolve();

  const progress = (last?: PointResult) => {
    const elapsedMs = now() - started;
    const left = total - done;
    opts.onProgress?.({
      total,
      done,
      failed,
      running,
      skipped: opts.skipped ?? 0,
      elapsedMs,
      etaMs: done > 0 ? (elapsedMs / done) * left : null,
      ...(last ? { last } : {}),
    });
  };

  const onAbort = () => {
    if (aborted && graceTimer) return;
    aborted = true;
    executor.cancel();
    graceTimer = setTimeout(() => {
      void executor.close();
    }, opts.graceMs ?? 5000);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (aborted) onAbort();

  const finish = (result: PointResult) => {
    done++;
    if (result.status === 'error') failed++;
    resultChain = resultChain.then(() => opts.onResult(result));
    return resultChain.then(() => progress(result));
  };

  const runOne = async (point: IndexedPoint, lane: number): Promise<void> => {
    running++;
    let result: PointResult | null = null;
    let error: unknown = null;
    try {
      result = await executor.runOn(lane, point);
    } catch (err) {
      error = err;
    }
    running--;
    if (result) return finish(result);
    if (error !== null && !aborted) return finish(errorResult(point, error, executor.backendDescription));
    remaining.push(point); // cancelled (or lost to the abort): left for a resume
  };

  try {
    progress();
    // One lane per executor slot. A free lane takes the first queued point that shares its last
    // data set (the worker has it cached), else the first point whose data no other lane is
    // working on, else the first point: every data set is generated about once per sweep.
    const lastKey: (string | null)[] = Array.from({ length: executor.size }, () => null);
    const take = (lane: number): IndexedPoint | undefined => {
      if (queue.length === 0) return undefined;
      let at = lastKey[lane] === null ? -1 : queue.findIndex((p) => dataKey(p) === lastKey[lane]);
      if (at < 0) {
        const busy = new Set(lastKey.filter((k, l) => l !== lane && k !== null));
        at = queue.findIndex((p) => !busy.has(dataKey(p)));
      }
      if (at < 0) at = 0;
      const [point] = queue.splice(at, 1);
      lastKey[lane] = dataKey(point);
      return point;
    };
    const lane = async (l: number) => {
      for (let point = aborted ? undefined : take(l); point; point = aborted ? undefined : take(l)) {
        await runOne(point, l);
      }
    };
    await Promise.all(Array.from({ length: Math.min(executor.size, Math.max(1, queue.length)) }, (_, l) => lane(l)));
    await resultChain;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (graceTimer) clearTimeout(graceTimer);
  }
  remaining.push(...queue);
  remaining.sort((a, b) => a.index - b.index);
  return {
    status: aborted && remaining.length > 0 ? 'aborted' : 'completed',
    done,
    failed,
    remaining,
    elapsedMs: now() - started,
  };
}
