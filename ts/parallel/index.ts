/**
 * Data-parallel full-batch gradient descent on several cores for ONE run (the performance target "many cores for one run").
 *
 * The samples are cut into fixed contiguous chunks (by default about 16, see `chunkSize`). K
 * workers each hold a wasm instance with the model and a one-chunk workspace; parameters, the
 * data, one gradient slot per chunk, a chunk counter and a barrier live in SharedArrayBuffers.
 * Each step every worker claims chunks one at a time (a free worker takes the next, so a worker
 * slowed down by other load simply does fewer) and writes each chunk's loss and mean gradient
 * (Workspace.lossGrad) into that chunk's slot. Worker 0 then combines the slots as
 * sum_c (n_c/n) grad_c in float64 in the fixed order c = 0..C-1, rounds once to float32, takes
 * the step and projects; a second barrier releases the next step.
 *
 * No result depends on timing or on the number of workers: runs with 1, 2 or 8 workers are
 * bit-identical. They equal the single-instance wasm gradient up to float32 summation order
 * (chunkSize = n reproduces it bit for bit). Full batch only (mini-batch SGD stays
 * single-threaded).
 *
 * Node: worker_threads, no flags. Browsers: module Workers; SharedArrayBuffer needs a
 * cross-origin-isolated page (COOP: same-origin, COEP: require-corp).
 */
import { ValidationError } from '../core/errors.js';
import {
  targetsPerSequence,
  uLength,
  wLength,
  type Dataset,
  type ModelParams,
  type ModelSpec,
  type Projection,
} from '../core/types.js';
import type { TrainSteps } from '../backend/types.js';
import { resolveBackendName } from '../backend/index.js';
import type { WasmFlavor } from '../backend/wasm-loader.js';
import { CTRL, SharedViews, allocateShared, chunkStarts, defaultChunkSize, type Layout } from './shared.js';
import type { Reply, Request } from './protocol.js';
import { checkFits } from '../core/dataset.js';
import { isNode } from '../core/runtime.js';
import { workerCount } from '../core/workers.js';
import { datasetArg, optionalObjectArg, paramsArg } from '../core/api-args.js';

export { chunkStarts, defaultChunkSize } from './shared.js';

export interface ParallelOptions {
  /** Number of workers (default: the available cores; at most the chunks and 4 per core, ts/core/workers.ts: `trainer.workers` says how many started). Results do not depend on it. */
  workers?: number;
  /**
   * Samples per chunk (default: about n/16, at least 32). The unit of work a worker claims and
   * of the fixed-order reduction: results depend on it (at float32 rounding level), not on workers.
   */
  chunkSize?: number;
  /**
   * The workers' backend: 'auto' (default: native in Node when its addon loads, else wasm, as
   * getBackend('auto') decides in this thread), 'native' or 'wasm'.
   */
  backend?: 'auto' | 'native' | 'wasm';
  /** wasm build the workers load (default: SIMD when supported); implies backend 'wasm'. */
  flavor?: WasmFlavor;
  /** The worker script (default: worker.js beside this module, i.e. dist/parallel/worker.js). */
  workerUrl?: URL;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Port {
  post(msg: Request): void;
  terminate(): Promise<unknown> | void;
}

async function defaultWorkers(): Promise<number> {
  if (isNode) return (await import('node:os')).availableParallelism();
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
}

function sharedMemoryCheck(): void {
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new Error(
      'parallel training needs SharedArrayBuffer: serve the page cross-origin isolated (COOP same-origin, COEP require-corp)',
    );
  }
}

export class ParallelTrainer {
  private readonly pending = new Map<
    number,
    { resolve(r: Reply): void; reject(e: Error): void; left: number; replies: Reply[] }
  >();
  private nextId = 1;
  private closed = false;
  private description = '';
  private lastChunks: number[] = [];
  private lastWait: number[] = [];

  private constructor(
    readonly spec: ModelSpec,
    readonly n: number,
    readonly workers: number,
    private readonly views: SharedViews,
    private readonly c: Float64Array,
    private readonly ports: Port[],
  ) {}

  /** Starts the workers and shares the parameters and the data with them. */
  static async create(params: ModelParams, data: Dataset, options: ParallelOptions = {}): Promise<ParallelTrainer> {
    sharedMemoryCheck();
    paramsArg(params, 'parallelTrainer');
    datasetArg(data, 'parallelTrainer', 'data');
    optionalObjectArg(options, 'parallelTrainer', 'options');
    const spec = params.spec;
    checkFits(spec, data);
    const requested = options.workers;
    if (requested !== undefined && (!Number.isSafeInteger(requested) || requested < 1))
      throw new ValidationError(`parallel: workers must be a positive integer, got ${requested}`);
    const size = options.chunkSize ?? defaultChunkSize(data.n);
    if (!Number.isSafeInteger(size) || size < 1)
      throw new ValidationError(`parallel: chunkSize must be a positive integer, got ${options.chunkSize}`);
    const chunks = chunkStarts(data.n, Math.min(size, data.n)).length - 1;
    // The one worker rule (ts/core/workers.ts): at most the chunks and 4 per core.
    const K = workerCount(requested, chunks, await defaultWorkers());
    const per = targetsPerSequence(spec.readout, data.T);
    const layout: Layout = {
      n: data.n,
      T: data.T,
      d: data.d,
      per,
      starts: chunkStarts(data.n, Math.min(size, data.n)),
    };
    const nw = wLength(spec),
      nu = uLength(spec);
    const buffers = allocateShared(nw, nu, layout);
    const views = new SharedViews(buffers, nw, nu, layout, K);
    views.W.set(params.W);
    views.U.set(params.U);
    views.W0.set(params.W0);
    views.U0.set(params.U0);
    views.X.set(data.X);
    views.Y.set(data.Y);

    const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
    // Resolved here, once: each worker then loads that backend (and 'auto' says a fallback once, not K times).
    const choice = options.flavor ? 'wasm' : (options.backend ?? 'auto');
    const backend = await resolveBackendName(choice);
    if (backend !== 'native' && backend !== 'wasm')
      throw new ValidationError(`parallel: backend must be 'auto', 'native' or 'wasm', got '${backend}'`);
    const ports: Port[] = [];
    const trainer = new ParallelTrainer(spec, data.n, K, views, Float64Array.from(params.c), ports);
    try {
      for (let k = 0; k < K; k++) ports.push(await trainer.spawn(url, k));
      const replies = await trainer.all((k) => ({
        type: 'init',
        index: k,
        workers: K,
        spec,
        c: trainer.c,
        buffers,
        layout,
        backend,
        flavor: options.flavor,
      }));
      trainer.description = `${replies[0].description} x ${K} workers, ${views.chunks} chunks`;
    } catch (err) {
      await trainer.free();
      throw err;
    }
    return trainer;
  }

  private async spawn(url: URL, k: number): Promise<Port> {
    const onReply = (r: Reply) => this.settle(r, k);
    const onError = (e: unknown) =>
      this.failAll(new Error(`parallel worker ${k} failed: ${e instanceof Error ? e.message : String(e)}`));
    if (isNode) {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(url, { name: `rnn-gd-parallel-${k}` });
      w.on('message', onReply);
      w.on('error', onError);
      w.on('exit', (code) => {
        if (!this.closed) onError(new Error(`exited with code ${code}`));
      });
      return { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
    }
    const W = (
      globalThis as unknown as {
        Worker: new (
          u: URL,
          o: { type: 'module'; name: string },
        ) => {
          postMessage(m: unknown): void;
          terminate(): void;
          addEventListener(t: string, f: (e: { data?: Reply; message?: string }) => void): void;
        };
      }
    ).Worker;
    const w = new W(url, { type: 'module', name: `rnn-gd-parallel-${k}` });
    w.addEventListener('message', (e) => onReply(e.data as Reply));
    w.addEventListener('error', (e) => onError(new Error(e.message ?? 'error')));
    return { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
  }

  private settle(r: Reply, k: number): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if (r.error) {
      this.pending.delete(r.id);
      p.reject(new Error(`parallel worker: ${r.error}`));
      // A worker that failed mid-step leaves the others waiting at a barrier: stop them all.
      void this.free();
      return;
    }
    p.replies[k] = r;
    if (--p.left === 0) {
      this.pending.delete(r.id);
      p.resolve(r);
    }
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(err);
    }
    void this.free();
  }

  /** Sends one request to every worker; resolves with the replies in worker order. */
  private all(make: (k: number) => Distribute<Request>): Promise<Reply[]> {
    if (this.closed) return Promise.reject(new Error('parallel trainer: used after free()'));
    const id = this.nextId++;
    return new Promise<Reply[]>((resolve, reject) => {
      const entry = {
        left: this.ports.length,
        replies: new Array<Reply>(this.ports.length),
        reject,
        resolve: () => {},
      };
      entry.resolve = () => resolve(entry.replies);
      this.pending.set(id, entry);
      this.ports.forEach((port, k) => port.post({ ...make(k), id } as Request));
    });
  }

  /** What computes: e.g. "wasm simd128 f32 x 2 workers, 16 chunks". */
  get backendDescription(): string {
    return this.description;
  }

  /** `steps` steps of full-batch (projected) GD; records as Workspace.train. */
  async train(steps: number, eta: number, projection: Projection): Promise<TrainSteps> {
    if (!Number.isInteger(steps) || steps < 0)
      throw new ValidationError(`train: steps must be a non-negative integer, got ${steps}`);
    if (!(eta > 0) || !Number.isFinite(eta))
      throw new ValidationError(`train: eta must be a positive number, got ${eta}`);
    this.resetControl();
    const replies = await this.all(() => ({ type: 'train', steps, eta, projection }));
    this.lastChunks = replies.map((r) => r.chunksDone ?? 0);
    this.lastWait = replies.map((r) => r.waitMs ?? 0);
    const lead = replies[0];
    return {
      completed: lead.completed ?? 0,
      losses: lead.losses ?? new Float64Array(0),
      gradNorms: lead.gradNorms ?? new Float64Array(0),
    };
  }

  /** Loss R(Theta) and the full-batch gradient (read it with gradient()). */
  async lossGrad(): Promise<number> {
    this.resetControl();
    const replies = await this.all(() => ({ type: 'lossGrad' }));
    this.lastChunks = replies.map((r) => r.chunksDone ?? 0);
    return replies[0].loss ?? NaN;
  }

  /** No worker is active between requests: clear the stop flag and the chunk counter. */
  private resetControl(): void {
    Atomics.store(this.views.ctrl, CTRL.stop, 0);
    Atomics.store(this.views.ctrl, CTRL.next, 0);
  }

  /** Chunks each worker computed during the last request (how the work was shared). */
  get chunksPerWorker(): readonly number[] {
    return this.lastChunks;
  }

  /** Milliseconds each worker waited at barriers during the last train() (load imbalance + the serial update). */
  get waitPerWorker(): readonly number[] {
    return this.lastWait;
  }

  /** Number of chunks the samples are cut into. */
  get chunks(): number {
    return this.views.chunks;
  }

  /** Copies of the combined gradient from the last lossGrad() or training step. */
  gradient(): { gradW: Float32Array; gradU: Float32Array } {
    const { grad, nw } = this.views;
    return { gradW: grad.slice(0, nw), gradU: grad.slice(nw) };
  }

  /** Float64 copies of the current parameters. */
  params(): ModelParams {
    const v = this.views;
    const f = (a: Float32Array) => Float64Array.from(a);
    return { spec: this.spec, W: f(v.W), U: f(v.U), c: this.c.slice(), W0: f(v.W0), U0: f(v.U0) };
  }

  /** Frees the workers' wasm objects and ends the workers. */
  async free(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.ports.map((p) => p.terminate()));
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new Error('parallel trainer: freed'));
    }
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.free();
  }
}

/** Convenience: a ParallelTrainer for `params` on `data`. */
export const parallelTrainer = (
  params: ModelParams,
  data: Dataset,
  options?: ParallelOptions,
): Promise<ParallelTrainer> => ParallelTrainer.create(params, data, options);
