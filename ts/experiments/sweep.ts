/**
 * The sweep runner: keeps every executor slot busy, hands each finished point to `onResult` at
 * once (the caller appends it to the checkpoint), records a failing point with its error and goes
 * on, and stops cleanly on abort (running points are cancelled and left for a resume; finished
 * points are kept). Runtime-agnostic: the executor decides between workers and the current thread.
 */
import { PACKAGE_VERSION } from '../core/version.js';
import { estimateRemainingMs } from './eta.js';
import { type PointExecutor } from './pool.js';
import { dataKey, estimateCost, WorkQueue } from './queue.js';
import { runtimeName } from '../core/runtime.js';
import { stripIndex } from './util.js';
import type { IndexedPoint, PointResult } from './types.js';
import { WorkerCrashError } from '../core/errors.js';

export { estimateCost, scheduleOrder } from './queue.js';

export interface SweepProgress {
  /**
   * Points of this run (after resume and shard selection): those finished and running, plus the
   * points still expected (exact for a grid; for a search, the probes it is expected to need).
   */
  total: number;
  /** Finished in this run (ok, diverged or error). */
  done: number;
  failed: number;
  /** Points running now (after a finish: the lane's next point counts, it has been handed over). */
  running: number;
  /**
   * True while width searches are unfinished: `total` counts the probes they are expected to need,
   * an estimate that moves as their answers come in (a grid's total is exact).
   */
  estimated: boolean;
  /** Points found finished in the checkpoint (not counted in total). */
  skipped: number;
  elapsedMs: number;
  /** Estimated time to finish (null until a point has finished): see eta.ts. */
  etaMs: number | null;
  /** The result that caused this event, if any. */
  last?: PointResult;
}

export interface SweepRunOptions {
  points: readonly IndexedPoint[];
  /** Results already finished (a resume): the width searches among `points` replay them. */
  finished?: readonly PointResult[];
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
  /** Points not finished (aborted runs): a resume runs them (of a search, at most these). */
  remaining: IndexedPoint[];
  elapsedMs: number;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

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

export async function runSweep(opts: SweepRunOptions): Promise<SweepOutcome> {
  const { executor, signal } = opts;
  const queue = new WorkQueue(opts.points, opts.finished);
  const cancelled: IndexedPoint[] = [];
  const calibration: { estimate: number; wallMs: number }[] = [];
  const started = now();
  let done = 0,
    failed = 0;
  let aborted = signal?.aborted ?? false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let resultChain: Promise<void> = Promise.resolve();

  const progress = (last?: PointResult) => {
    const t = now();
    const outlook = queue.outlook(t);
    opts.onProgress?.({
      total: done + queue.running + outlook.points,
      done,
      failed,
      running: queue.running,
      estimated: outlook.searching,
      skipped: opts.skipped ?? 0,
      elapsedMs: t - started,
      etaMs: estimateRemainingMs({ chains: outlook.chains, finished: calibration, lanes: executor.size }),
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

  const finish = (point: IndexedPoint, result: PointResult) => {
    done++;
    if (result.status === 'error') failed++;
    else calibration.push({ estimate: estimateCost(point), wallMs: result.timing.wallMs });
    queue.complete(point, result);
    resultChain = resultChain.then(() => opts.onResult(result));
    return resultChain.then(() => result);
  };

  /** Runs a point on a lane: its result once recorded, or null when it was cancelled. */
  const runOne = async (point: IndexedPoint, lane: number): Promise<PointResult | null> => {
    let result: PointResult | null = null;
    let error: unknown = null;
    try {
      result = await executor.runOn(lane, point);
    } catch (err) {
      error = err;
    }
    if (result) return finish(point, result);
    if (error !== null && !aborted) return finish(point, errorResult(point, error, executor.backendDescription));
    queue.complete(point, null);
    cancelled.push(point); // cancelled (or lost to the abort): left for a resume
    return null;
  };

  try {
    progress();
    // One lane per executor slot. A free lane takes the first ready point that shares its last
    // data set (the worker has it cached), else the first point whose data no other lane is
    // working on, else the first point: every data set is generated about once per sweep. With
    // nothing ready while searches wait for a running probe, the lane waits for the next result.
    const lastKey: (string | null)[] = Array.from({ length: executor.size }, () => null);
    const take = (lane: number): IndexedPoint | undefined => {
      const busy = new Set(lastKey.filter((k, l) => l !== lane && k !== null) as string[]);
      const point = queue.take(lastKey[lane], busy, now());
      if (point) lastKey[lane] = dataKey(point);
      return point;
    };
    // A finished point is reported after its lane has taken the next one, so the running count
    // of the event is that of the workers (not one short while the lane is between points).
    const lane = async (l: number) => {
      let finished: PointResult | null = null;
      while (!aborted) {
        const point = take(l);
        if (finished) progress(finished);
        finished = null;
        if (point) finished = await runOne(point, l);
        else if (queue.running > 0) await queue.changed();
        else break;
      }
      if (finished) progress(finished);
    };
    await Promise.all(Array.from({ length: Math.max(1, executor.size) }, (_, l) => lane(l)));
    await resultChain;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (graceTimer) clearTimeout(graceTimer);
  }
  const remaining = [...new Set([...cancelled, ...queue.leftover()])].sort((a, b) => a.index - b.index);
  return {
    status: aborted && remaining.length > 0 ? 'aborted' : 'completed',
    done,
    failed,
    remaining,
    elapsedMs: now() - started,
  };
}
