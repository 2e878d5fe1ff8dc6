/**
 * Executors run points: a pool of workers talking comlink (Node worker_threads or browser Web
 * Workers, through a factory), or the current thread (in-process, size 1).
 *
 * Crashes: a worker that dies (uncaught error, exit, out of memory) fails the point it was running
 * with a `WorkerCrashError`, and a fresh worker takes its slot for the next point. A point that
 * throws rejects with the error it threw (comlink carries name and message across).
 */
import type { BackendName } from '../core/types.js';
import { getBackend } from '../backend/index.js';
import type { Backend } from '../backend/types.js';
import { runPoint } from './point.js';
import type { IndexedPoint, PointResult } from './types.js';
import type { RemoteWorkerApi } from './worker-api.js';
import { ValidationError, WorkerCrashError } from '../core/errors.js';
import { workerCount } from '../core/workers.js';

/** Runs points; at most `size` at a time. */
export interface PointExecutor {
  readonly size: number;
  /** Description of the backend the points run on (after `start`). */
  readonly backendDescription: string;
  start(): Promise<void>;
  /** The point's result, null when cancelled. Rejects when the point throws or its worker dies. */
  run(point: IndexedPoint): Promise<PointResult | null>;
  /** The same on slot `slot` (0..size-1), which the caller uses for one point at a time. */
  runOn(slot: number, point: IndexedPoint): Promise<PointResult | null>;
  /** Asks every running point to stop at its next chunk boundary. */
  cancel(): void;
  /** Ends all workers (running points are lost). */
  close(): Promise<void>;
}

/** A started worker as a pool sees it: its proxy, a crash notification and a way to end it (proxy released, worker ended). */
export interface WorkerHandle {
  api: RemoteWorkerApi;
  /** Settles (never resolves normally) with the reason when the worker dies. */
  crashed: Promise<never>;
  terminate(): Promise<void>;
}

export type WorkerFactory = (slot: number) => WorkerHandle;

interface Slot {
  handle: WorkerHandle | null;
  ready: Promise<string> | null;
  busy: boolean;
}

export interface PoolOptions {
  size: number;
  backend: BackendName;
  factory: WorkerFactory;
}

export class WorkerPool implements PointExecutor {
  readonly size: number;
  backendDescription = '';
  private readonly slots: Slot[];
  private readonly waiting: ((slot: number) => void)[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new RangeError(`worker pool: size must be a positive integer, got ${options.size}`);
    this.size = options.size;
    this.slots = Array.from({ length: this.size }, () => ({ handle: null, ready: null, busy: false }));
  }

  /** Starts every worker and waits until each has loaded its backend. */
  async start(): Promise<void> {
    const descriptions = await Promise.all(this.slots.map((_, i) => this.ensure(i)));
    this.backendDescription = descriptions[0];
  }

  private ensure(i: number): Promise<string> {
    const slot = this.slots[i];
    if (!slot.handle) {
      const handle = this.options.factory(i);
      handle.crashed.catch(() => {
        /* observed per call */
      });
      slot.handle = handle;
      slot.ready = Promise.race([handle.api.init({ backend: this.options.backend, workerId: i }), handle.crashed]);
    }
    return slot.ready!;
  }

  private acquire(): Promise<number> {
    const free = this.slots.findIndex((s) => !s.busy);
    if (free >= 0) {
      this.slots[free].busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(i: number): void {
    const next = this.waiting.shift();
    if (next) next(i);
    else this.slots[i].busy = false;
  }

  private async discard(i: number): Promise<void> {
    const slot = this.slots[i];
    const handle = slot.handle;
    slot.handle = null;
    slot.ready = null;
    if (handle) {
      await handle.terminate().catch(() => {});
    }
  }

  async run(point: IndexedPoint): Promise<PointResult | null> {
    if (this.closed) throw new Error('worker pool: closed');
    const i = await this.acquire();
    try {
      return await this.runIn(i, point);
    } finally {
      this.release(i);
    }
  }

  /** Runs on a given slot; the caller makes sure no other point uses that slot meanwhile (lanes). */
  async runOn(slot: number, point: IndexedPoint): Promise<PointResult | null> {
    if (this.closed) throw new Error('worker pool: closed');
    if (!(slot >= 0 && slot < this.size)) throw new RangeError(`worker pool: no slot ${slot}`);
    this.slots[slot].busy = true;
    try {
      return await this.runIn(slot, point);
    } finally {
      this.slots[slot].busy = false;
    }
  }

  private async runIn(i: number, point: IndexedPoint): Promise<PointResult | null> {
    try {
      await this.ensure(i);
      const handle = this.slots[i].handle!;
      return await Promise.race([handle.api.run(point), handle.crashed]);
    } catch (err) {
      if (err instanceof WorkerCrashError) await this.discard(i); // a fresh worker takes the slot next time
      throw err;
    }
  }

  cancel(): void {
    for (const slot of this.slots) if (slot.handle && slot.busy) void slot.handle.api.cancel().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((_, i) => this.discard(i)));
  }
}

/** Runs points one at a time on the current thread (no workers): for debugging and tiny sweeps. */
export class InProcessExecutor implements PointExecutor {
  readonly size = 1;
  backendDescription = '';
  private backend: Backend | null = null;
  private controller: AbortController | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly backendName: BackendName) {}

  async start(): Promise<void> {
    this.backend = await getBackend(this.backendName);
    this.backendDescription = this.backend.description;
  }

  run(point: IndexedPoint): Promise<PointResult | null> {
    const task = this.queue.then(async () => {
      if (!this.backend) await this.start();
      if (point.fault?.kind === 'exit') {
        // There is no worker to lose here: fail the point as a crash would.
        throw new WorkerCrashError(`worker exited with code 70 (in-process: simulated) while running ${point.id}`);
      }
      this.controller = new AbortController();
      try {
        return await runPoint(point, { backend: this.backend!, signal: this.controller.signal, worker: 0 });
      } finally {
        this.controller = null;
      }
    });
    this.queue = task.catch(() => {});
    return task;
  }

  runOn(_slot: number, point: IndexedPoint): Promise<PointResult | null> {
    return this.run(point);
  }
  cancel(): void {
    this.controller?.abort();
  }
  async close(): Promise<void> {
    this.cancel();
  }
}

/** A pool's size from a request (default: the cores): a positive integer, capped by the one worker rule (ts/core/workers.ts). */
export function poolSize(requested: number | undefined, cores: number): number {
  if (requested !== undefined && (!Number.isSafeInteger(requested) || requested < 1))
    throw new ValidationError(`worker pool: size must be a positive integer, got ${requested}`);
  return workerCount(requested, Infinity, cores);
}

/** Number of workers to use by default: the available cores (at least 1). */
export function defaultWorkerCount(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number } };
  const cores = g.navigator?.hardwareConcurrency;
  return Math.max(1, typeof cores === 'number' && cores > 0 ? cores : 1);
}
