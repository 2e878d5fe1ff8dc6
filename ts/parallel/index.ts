/**
 * Data-parallel full-batch gradient descent on several cores for ONE run (issue 7).
 *
 * K workers each hold a wasm instance with the model and a contiguous shard of the samples
 * (sizes differ by at most one). Parameters, the shards' gradients and a barrier live in
 * SharedArrayBuffers. Each step every worker computes its shard's loss and mean gradient
 * (Workspace.lossGrad); worker 0 combines them as sum_k (n_k/n) grad_k in float64 in the fixed
 * order k = 0..K-1, rounds once to float32, takes the step and projects; a second barrier
 * releases the next step. No result depends on timing: for a given K two runs are bit-identical,
 * and they equal the single-instance wasm gradient up to float32 summation order (K = 1 gives
 * exactly the single-instance gradient). Full batch only (mini-batch SGD stays single-threaded).
 *
 * Node: worker_threads, no flags. Browsers: module Workers; SharedArrayBuffer needs a
 * cross-origin-isolated page (COOP: same-origin, COEP: require-corp).
 */
import { uLength, wLength, type Dataset, type ModelParams, type ModelSpec, type Projection } from '../types.js';
import type { TrainChunk } from '../backend/types.js';
import type { WasmFlavor } from '../backend/wasm-loader.js';
import { checkDataShape } from '../backend/shape.js';
import { ValidationError } from '../validate.js';
import { CTRL, SharedViews, allocateShared, shardStarts } from './shared.js';
import type { Reply, Request } from './protocol.js';

export { shardStarts } from './shared.js';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export interface ParallelOptions {
  /** Number of workers (default: the available cores, at most the number of samples). */
  workers?: number;
  /** wasm build the workers load (default: SIMD when supported). */
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
    throw new Error('parallel training needs SharedArrayBuffer: serve the page cross-origin isolated (COOP same-origin, COEP require-corp)');
  }
}

export class ParallelTrainer {
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void; left: number; replies: Reply[] }>();
  private nextId = 1;
  private closed = false;
  private description = '';

  private constructor(
    readonly spec: ModelSpec,
    readonly n: number,
    readonly workers: number,
    private readonly views: SharedViews,
    private readonly c: Float64Array,
    private readonly ports: Port[],
  ) {}

  /** Starts the workers, shares the parameters and hands each its shard of `data`. */
  static async create(params: ModelParams, data: Dataset, options: ParallelOptions = {}): Promise<ParallelTrainer> {
    sharedMemoryCheck();
    const spec = params.spec;
    checkDataShape(spec, data, data.n, data.T);
    const K = Math.min(options.workers ?? (await defaultWorkers()), data.n);
    if (!Number.isInteger(K) || K < 1) throw new ValidationError(`parallel: workers must be a positive integer, got ${options.workers}`);
    const nw = wLength(spec), nu = uLength(spec);
    const buffers = allocateShared(nw, nu, K);
    const views = new SharedViews(buffers, nw, nu, K);
    views.W.set(params.W);
    views.U.set(params.U);
    views.W0.set(params.W0);
    views.U0.set(params.U0);

    const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
    const ports: Port[] = [];
    const trainer = new ParallelTrainer(spec, data.n, K, views, Float64Array.from(params.c), ports);
    for (let k = 0; k < K; k++) ports.push(await trainer.spawn(url, k));

    const starts = shardStarts(data.n, K);
    const weights = Array.from({ length: K }, (_, k) => (starts[k + 1] - starts[k]) / data.n);
    const per = spec.readout === 'all' ? data.T : 1;
    const stride = data.T * data.d;
    try {
      const replies = await trainer.all((k) => ({
        type: 'init', index: k, workers: K, spec, c: trainer.c, buffers, weights,
        X: Float32Array.from(data.X.subarray(starts[k] * stride, starts[k + 1] * stride)),
        Y: Float32Array.from(data.Y.subarray(starts[k] * per, starts[k + 1] * per)),
        n: starts[k + 1] - starts[k], T: data.T, flavor: options.flavor,
      }));
      trainer.description = `${replies[0].description} x ${K} workers`;
    } catch (err) {
      await trainer.free();
      throw err;
    }
    return trainer;
  }

  private async spawn(url: URL, k: number): Promise<Port> {
    const onReply = (r: Reply) => this.settle(r, k);
    const onError = (e: unknown) => this.failAll(new Error(`parallel worker ${k} failed: ${e instanceof Error ? e.message : String(e)}`));
    if (isNode) {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(url, { name: `rnn-gd-parallel-${k}` });
      w.on('message', onReply);
      w.on('error', onError);
      w.on('exit', (code) => { if (!this.closed) onError(new Error(`exited with code ${code}`)); });
      return { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
    }
    const W = (globalThis as unknown as { Worker: new (u: URL, o: { type: 'module'; name: string }) => {
      postMessage(m: unknown): void; terminate(): void;
      addEventListener(t: string, f: (e: { data?: Reply; message?: string }) => void): void;
    } }).Worker;
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
    for (const [id, p] of this.pending) { this.pending.delete(id); p.reject(err); }
    void this.free();
  }

  /** Sends one request to every worker; resolves with the replies in worker order. */
  private all(make: (k: number) => Distribute<Request>): Promise<Reply[]> {
    if (this.closed) return Promise.reject(new Error('parallel trainer: used after free()'));
    const id = this.nextId++;
    return new Promise<Reply[]>((resolve, reject) => {
      const entry = { left: this.ports.length, replies: new Array<Reply>(this.ports.length), reject, resolve: () => {} };
      entry.resolve = () => resolve(entry.replies);
      this.pending.set(id, entry);
      this.ports.forEach((port, k) => port.post({ ...make(k), id } as Request));
    });
  }

  /** What computes: e.g. "wasm simd128 f32 x 2 workers". */
  get backendDescription(): string { return this.description; }

  /** `steps` steps of full-batch (projected) GD; records as Workspace.train. */
  async train(steps: number, eta: number, projection: Projection): Promise<TrainChunk> {
    if (!Number.isInteger(steps) || steps < 0) throw new ValidationError(`train: steps must be a non-negative integer, got ${steps}`);
    if (!(eta > 0) || !Number.isFinite(eta)) throw new ValidationError(`train: eta must be a positive number, got ${eta}`);
    Atomics.store(this.views.ctrl, CTRL.stop, 0);
    const replies = await this.all(() => ({ type: 'train', steps, eta, projection }));
    const lead = replies[0];
    return { completed: lead.completed ?? 0, losses: lead.losses ?? new Float64Array(0), gradNorms: lead.gradNorms ?? new Float64Array(0) };
  }

  /** Loss R(Theta) and the full-batch gradient (read it with gradient()). */
  async lossGrad(): Promise<number> {
    const replies = await this.all(() => ({ type: 'lossGrad' }));
    return replies[0].loss ?? NaN;
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
    for (const [id, p] of this.pending) { this.pending.delete(id); p.reject(new Error('parallel trainer: freed')); }
  }
  async [Symbol.asyncDispose](): Promise<void> { await this.free(); }
}

/** Convenience: a ParallelTrainer for `params` on `data`. */
export const parallelTrainer = (params: ModelParams, data: Dataset, options?: ParallelOptions): Promise<ParallelTrainer> =>
  ParallelTrainer.create(params, data, options);
