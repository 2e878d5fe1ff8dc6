/**
 * Training loop: (projected) gradient descent or mini-batch SGD in chunks of steps, so that progress
 * callbacks, AbortSignal cancellation and worker messages stay responsive (a wasm call cannot be
 * interrupted). Records the metrics of MODEL.md section 7 every `recordEvery` steps.
 */
import { activations } from './activations.js';
import { parseTrainOptions, type TrainOptions, type TrainOptionsInput } from './config.js';
import { paramMetrics, type MetricRecord } from './metrics.js';
import { makeRng, permutation, type Rng } from './rng.js';
import { bounds } from './theory/bounds.js';
import type { Backend, Network, Workspace } from './backend/types.js';
import type { Dataset, ModelParams } from './types.js';

export type TrainStatus = 'running' | 'completed' | 'diverged' | 'aborted';

export interface TrainerInit {
  backend: Backend;
  params: ModelParams;
  data: Dataset;
  /** Held-out data for the test risk. */
  test?: Dataset;
  train: TrainOptionsInput;
}

export interface RunOptions {
  /** Called after every chunk with the newest record. */
  onProgress?: (record: MetricRecord, trainer: Trainer) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  status: Exclude<TrainStatus, 'running'>;
  /** Why training stopped early (divergence or abort), for people. */
  message?: string;
  records: MetricRecord[];
  steps: number;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class Trainer implements Disposable {
  readonly options: TrainOptions;
  readonly network: Network;
  readonly records: MetricRecord[] = [];
  /** Steps taken so far: the network holds Theta(step). */
  step = 0;
  status: TrainStatus = 'running';
  message?: string;
  private readonly workspace: Workspace;
  private readonly testWorkspace?: Workspace;
  private readonly batchRng: Rng;
  private order: Uint32Array = new Uint32Array(0);
  private orderPos = 0;
  private lossSum = 0;
  /** Parameter metrics of Theta(step) waiting for R(Theta(step)) from the next chunk. */
  private pending: (Omit<MetricRecord, 'risk' | 'gradNorm'> & { fullRisk?: number }) | null = null;
  private readonly started = now();

  constructor(init: TrainerInit) {
    this.options = parseTrainOptions(init.train);
    const { data } = init;
    if (this.options.batchSize > data.n) {
      throw new Error(`train options: batchSize ${this.options.batchSize} exceeds the number of sequences n = ${data.n}`);
    }
    this.network = init.backend.network(init.params);
    try {
      this.workspace = this.network.workspace(data.n, data.T);
      this.workspace.setData(data);
      if (init.test) {
        this.testWorkspace = this.network.workspace(init.test.n, init.test.T);
        this.testWorkspace.setData(init.test);
      }
    } catch (err) {
      this.free();
      throw err;
    }
    this.batchRng = makeRng(this.options.seed, 'batches');
  }

  get spec() { return this.network.spec; }

  /** Float64 copies of the current parameters (and Theta(0)). */
  params(): ModelParams { return this.network.params(); }

  private nextBatchIndices(steps: number): Uint32Array {
    const size = this.options.batchSize;
    const n = this.workspace.n;
    const out = new Uint32Array(steps * size);
    for (let k = 0; k < out.length; k++) {
      if (this.orderPos >= this.order.length) { this.order = permutation(n, this.batchRng); this.orderPos = 0; }
      out[k] = this.order[this.orderPos++];
    }
    return out;
  }

  private capturePending(): void {
    const net = this.network;
    const v = (name: 'W' | 'U' | 'W0' | 'U0') => net.read(name, { view: true });
    const pm = paramMetrics(this.spec, v('W'), v('U'), v('W0'), v('U0'), this.options.projection);
    this.pending = {
      step: this.step,
      avgRisk: Number.NaN,
      ...pm,
      ...(this.testWorkspace ? { testRisk: this.testWorkspace.forward().loss } : {}),
      // SGD steps report mini-batch losses: take the full-data risk here, before the parameters move.
      ...(this.options.batchSize > 0 ? { fullRisk: this.workspace.forward().loss } : {}),
      wallMs: now() - this.started,
    };
  }

  /** Completes the pending record with R and ||grad R|| at the same parameters. */
  private finishPending(risk: number, gradNorm: number): MetricRecord | null {
    if (!this.pending) return null;
    const { fullRisk, ...rest } = this.pending;
    if (fullRisk !== undefined) risk = fullRisk;
    const avgRisk = rest.step === 0 ? risk : this.lossSum / rest.step;
    const record: MetricRecord = { ...rest, risk, gradNorm, avgRisk };
    this.records.push(record);
    this.pending = null;
    return record;
  }

  /** Runs up to `k` steps synchronously; returns the number completed. */
  runSteps(k: number): number {
    if (this.status !== 'running') return 0;
    const { eta, projection, batchSize, recordEvery, steps: total } = this.options;
    k = Math.min(k, total - this.step);
    let done = 0;
    while (done < k) {
      if (this.step % recordEvery === 0 && !this.pending) this.capturePending();
      const chunk = Math.min(recordEvery - (this.step % recordEvery), k - done);
      const batch = batchSize > 0 ? { size: batchSize, indices: this.nextBatchIndices(chunk) } : undefined;
      const pendingStep = this.pending?.step;
      const result = this.workspace.train(chunk, eta, projection, batch);
      if (pendingStep === this.step && result.completed > 0) {
        this.finishPending(result.losses[0], result.gradNorms[0]);
      }
      for (let s = 0; s < result.completed; s++) this.lossSum += result.losses[s];
      this.step += result.completed;
      done += result.completed;
      if (result.completed < chunk) {
        this.diverged(result.completed > 0 ? result.losses[result.completed - 1] : this.lastFiniteRisk());
        break;
      }
    }
    if (this.step >= total && this.status === 'running') {
      this.recordFinal();
      this.status = 'completed';
    }
    return done;
  }

  private lastFiniteRisk(): number {
    for (let i = this.records.length - 1; i >= 0; i--) if (Number.isFinite(this.records[i].risk)) return this.records[i].risk;
    return Number.NaN;
  }

  /** Records Theta(step) with its full-data risk and gradient (used at the end and on early stops). */
  private recordFinal(): void {
    if (this.records.length > 0 && this.records[this.records.length - 1].step === this.step) return;
    if (!this.pending || this.pending.step !== this.step) this.capturePending();
    const risk = this.workspace.lossGrad();
    const g = (name: 'gradW' | 'gradU') => this.network.read(name, { view: true });
    let g2 = 0;
    for (const arr of [g('gradW'), g('gradU')]) for (let i = 0; i < arr.length; i++) g2 += arr[i] * arr[i];
    this.finishPending(risk, Math.sqrt(g2));
  }

  private diverged(lastRisk: number): void {
    this.status = 'diverged';
    let hint = '';
    const act = activations[this.spec.activation];
    if (act.smooth) {
      try {
        const b = bounds({ activation: this.spec.activation, alpha: this.spec.alpha, T: this.workspace.T, m: this.spec.m, n: this.workspace.n });
        hint = `; the theory's etaMax for this setting is ${b.etaMax.toPrecision(4)} (our derived constant, conservative)`;
      } catch { /* no hint when the bound itself is not finite */ }
    }
    this.message = `training diverged at step ${this.step}: the loss or gradient became NaN/Infinity ` +
      `(eta = ${this.options.eta}); last finite risk ${lastRisk}${hint}. The parameters are the last finite ones.`;
    this.pending = null;
  }

  /** Runs to the configured number of steps in chunks, yielding to the event loop between chunks. */
  async run(opts: RunOptions = {}): Promise<TrainResult> {
    const chunk = this.options.recordEvery;
    while (this.status === 'running') {
      if (opts.signal?.aborted) {
        this.status = 'aborted';
        this.message = `training aborted at step ${this.step}`;
        this.pending = null;
        break;
      }
      const before = this.records.length;
      this.runSteps(chunk);
      if (this.records.length > before) opts.onProgress?.(this.records[this.records.length - 1], this);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    return this.result();
  }

  result(): TrainResult {
    return { status: this.status === 'running' ? 'aborted' : this.status, message: this.message, records: this.records, steps: this.step };
  }

  free(): void {
    this.testWorkspace?.free();
    this.workspace?.free();
    this.network.free();
  }
  [Symbol.dispose](): void { this.free(); }
}
