/**
 * Training loop: (projected) gradient descent or mini-batch SGD in calls of a few steps, so that progress
 * callbacks, AbortSignal cancellation and worker messages stay responsive (a wasm call cannot be
 * interrupted). Records the metrics of docs/spec/model.md section 7 every `recordEvery` steps.
 *
 * Memory: full-batch GD needs a workspace for all n sequences (refused before allocation when it
 * does not fit: see backend/capacity.ts). Mini-batch SGD never needs more than `memoryBudget`
 * bytes (or one batch, if larger): when the full-data workspace would be bigger, the workspace holds
 * a few batches at a time, gathered in TypeScript in the order of the batch permutation, and the
 * full-data risks are computed in chunks. The steps are bit-identical either way (each step sees
 * the same rows in the same order); only the recorded full-data risk may differ in its last bits.
 */
import { ValidationError } from '../core/errors.js';
import '../core/disposable.js'; // Symbol.dispose and Disposable without consumer libs
import { parseTrainOptions, type TrainOptions, type TrainOptionsInput } from '../core/config.js';
import { paramMetrics, predictionDistance, type MetricRecord } from '../core/metrics.js';
import { makeRng, permutation, type Rng } from '../core/rng.js';
import { ChunkedData, DEFAULT_MEMORY_BUDGET } from './chunked.js';
import { planTraining } from './capacity.js';
import type { Backend, Network } from '../backend/types.js';
import { paramCount, type Dataset, type DivergenceHint, type InitScheme, type ModelParams } from '../core/types.js';
import { kernelSchedule, type KernelSchedule } from '../theory/kernel-track.js';
import { runOptionsArg, trainerInitArg } from '../core/api-args.js';

/** The linearization trained side by side with its data; where it diverged (step, last finite loss). */
type SideLinear = { network: Network; train: ChunkedData; test?: ChunkedData; stopped: boolean } & DivergedAt;
type DivergedAt = { divergedAt?: number; lastRisk?: number };

export type TrainStatus = 'running' | 'completed' | 'diverged' | 'aborted';

export interface TrainerInit {
  /** Where the steps run: `await getBackend('wasm' | 'ts')`. */
  backend: Backend;
  /** Theta(0) from `initialize` (or Theta(step) with `resume`); the current ones are `trainer.params()`. */
  params: ModelParams;
  /** Training data with the model's d and readout (checked by checkFits). */
  data: Dataset;
  /** Held-out data for the test risk. */
  test?: Dataset;
  /** Step size, steps, projection, mini-batch and record interval (validated by parseTrainOptions). */
  train: TrainOptionsInput;
  /**
   * Bytes the training (and test) workspace may take before the data is streamed in chunks
   * (mini-batch SGD and risk evaluation; default 256 MiB). Full-batch GD always holds all n sequences.
   */
  memoryBudget?: number;
  /** Continue a run from a checkpoint: `params` are Theta(step) (with W0/U0 = Theta(0)). */
  resume?: TrainerResume;
  /**
   * Also train the network's linearization at Theta(0) (Backend.network with `linearized`) by the
   * same steps from the same Theta(0), and record linRisk, linTestRisk and the gap ||f - f_lin||
   * (linGap*) with every record. Full-batch GD only; not with `resume`.
   */
  linearized?: boolean;
  /**
   * Words appended to the divergence message (after the last finite risk, e.g. '; the theory's
   * etaMax for this setting is ...': theory/eta-hint.ts `etaMaxHint`, which prepareRun passes).
   */
  divergenceHint?: DivergenceHint;
  /**
   * Record the empirical NTK every `kernelEvery` steps (a multiple of recordEvery; also at step 0 and
   * the last step) on `kernelSamples` (default 32) training sequences drawn by the train seed: drift
   * from K0, centered alignment with K0, top eigenvalues (theory/kernel-track.ts).
   */
  kernelEvery?: number;
  kernelSamples?: number;
}

/** Where a run stopped (in every checkpoint). Resuming is exact: parameters, step, loss sum, mini-batch order. */
export interface TrainerResume {
  /** Steps taken: the parameters are Theta(step). */
  step: number;
  /** sum_{s < step} R(Theta(s)) (mini-batch losses under SGD), for avgRisk. */
  lossSum: number;
  /** Records already written (step < `step`). */
  records?: MetricRecord[];
  /** Wall time already spent (ms), so wallMs continues. */
  wallMs?: number;
}

export interface RunOptions {
  /** Called once for every new record, in step order. */
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
  readonly data: Dataset;
  /** The training data through a bounded workspace (resident when it fits the memory budget). */
  private readonly trainData: ChunkedData;
  private readonly testData?: ChunkedData;
  /** Mini-batch SGD with the data streamed (the workspace holds `stepsPerCall` batches at a time). */
  private readonly streaming: boolean;
  /** Most steps per backend call (bounded when streaming, or by the staged batch rows). */
  private readonly stepsPerCall: number;
  private readonly batchRng: Rng;
  private order: Uint32Array = new Uint32Array(0);
  private orderPos = 0;
  private lossSum = 0;
  /** Parameter metrics of Theta(step) waiting for R(Theta(step)) from the next call. */
  private pending: (Omit<MetricRecord, 'risk' | 'gradNorm'> & { fullRisk?: number }) | null = null;
  private started = now();
  /** The linearization trained side by side (TrainerInit.linearized) and its resident data. */
  private readonly linear?: SideLinear;
  private readonly divergenceHint?: DivergenceHint;
  private readonly kernel?: KernelSchedule;
  private readonly initScheme?: InitScheme; // how Theta(0) was drawn: every params() copy (checkpoints) keeps it

  constructor(init: TrainerInit) {
    trainerInitArg(init);
    this.options = parseTrainOptions(init.train);
    const { data } = init;
    this.data = data;
    const { batchSize } = this.options;
    if (batchSize > data.n) {
      throw new ValidationError(
        `train options: field 'batchSize': ${batchSize} exceeds the number of sequences n = ${data.n}`,
      );
    }
    const budget = init.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
    if (!(budget > 0))
      throw new ValidationError(`trainer: memoryBudget must be a positive number of bytes, got ${budget}`);
    const spec = init.params.spec;
    const { seed, recordEvery } = this.options;
    const kernel = { every: init.kernelEvery, samples: init.kernelSamples, seed, recordEvery };
    this.kernel = kernelSchedule(init.backend, init.params, data, kernel);
    // The rows of the capacity plan that the CLI and the page check (the allocations check the bytes).
    const rows = planTraining(spec, data, init.test, { batchSize, memoryBudget: budget }).rows;
    this.streaming = rows.train < data.n;
    this.stepsPerCall = this.streaming ? Math.max(1, Math.floor(rows.train / batchSize)) : Infinity;
    if (init.linearized && (batchSize > 0 || init.resume)) {
      throw new ValidationError(
        `trainer: the linearized model is trained side by side by full-batch GD from Theta(0) only ` +
          `(${batchSize > 0 ? `batchSize is ${batchSize}; use 0` : 'not when resuming a run'})`,
      );
    }
    this.network = init.backend.network(init.params);
    this.initScheme = init.params.init;
    try {
      this.trainData = new ChunkedData(this.network, data, rows.train);
      if (init.test) this.testData = new ChunkedData(this.network, init.test, rows.test);
      if (init.linearized) {
        const network = init.backend.network(init.params, { linearized: true });
        this.linear = { network, train: new ChunkedData(network, data, data.n), stopped: false };
        if (init.test) this.linear.test = new ChunkedData(network, init.test, init.test.n);
      }
    } catch (err) {
      this.free();
      throw err;
    }
    this.batchRng = makeRng(this.options.seed, 'batches');
    this.divergenceHint = init.divergenceHint;
    if (init.resume) this.resumeFrom(init.resume);
  }

  /** Restores step counter, loss sum, records and the mini-batch order (fast-forwarded by step*batchSize draws). */
  private resumeFrom(r: TrainerResume): void {
    if (!Number.isSafeInteger(r.step) || r.step < 0 || r.step > this.options.steps) {
      throw new ValidationError(`resume: step must be an integer in [0, steps = ${this.options.steps}], got ${r.step}`);
    }
    if (!Number.isFinite(r.lossSum))
      throw new ValidationError(`resume: lossSum must be a finite number, got ${r.lossSum}`);
    this.step = r.step;
    this.lossSum = r.lossSum;
    for (const rec of r.records ?? []) if (rec.step < r.step) this.records.push(rec);
    this.started = now() - (r.wallMs ?? 0);
    const { batchSize } = this.options;
    if (batchSize > 0) this.drawOrder(r.step * batchSize);
  }

  /** What a checkpoint needs to resume exactly (see TrainerResume). */
  state(): { step: number; lossSum: number; wallMs: number } {
    return { step: this.step, lossSum: this.lossSum, wallMs: now() - this.started };
  }

  /** True when mini-batch SGD streams the data through a workspace smaller than n (memory independent of n). */
  get streamed(): boolean {
    return this.streaming;
  }

  get spec() {
    return this.network.spec;
  }

  /** Float64 copies of the current parameters (and Theta(0)). */
  params(): ModelParams {
    return { ...this.network.params(), ...(this.initScheme && { init: this.initScheme }) };
  }

  /**
   * The next `count` sample indices of the mini-batch order (a fresh permutation of 0..n-1 each
   * epoch), copied into `out` when given (a resume only skips them).
   */
  private drawOrder(count: number, out?: Uint32Array): void {
    for (let k = 0; k < count;) {
      if (this.orderPos >= this.order.length) {
        this.order = permutation(this.data.n, this.batchRng);
        this.orderPos = 0;
      }
      const take = Math.min(count - k, this.order.length - this.orderPos);
      out?.set(this.order.subarray(this.orderPos, this.orderPos + take), k);
      this.orderPos += take;
      k += take;
    }
  }

  private nextBatchIndices(steps: number): Uint32Array {
    const out = new Uint32Array(steps * this.options.batchSize);
    this.drawOrder(out.length, out);
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
      ...(this.testData ? { testRisk: this.testData.forward().loss } : {}),
      // SGD steps report mini-batch losses: take the full-data risk here, before the parameters move.
      ...(this.options.batchSize > 0 ? { fullRisk: this.trainData.forward().loss } : {}),
      ...this.linearMetrics(),
      ...(this.kernel && (this.step % this.kernel.every === 0 || this.step === this.options.steps)
        ? this.kernel.tracker.measure(this.network.params())
        : {}),
      wallMs: now() - this.started,
    };
  }

  /** R_lin and ||f - f_lin|| at the current step (nothing without the linearization, or after it diverged). */
  private linearMetrics(): Partial<MetricRecord> {
    const lin = this.linear;
    if (!lin || lin.stopped) return {};
    const gap = (net: ChunkedData, linear: ChunkedData) => {
      const f = net.forward({ predictions: true }).predictions!;
      const l = linear.forward({ predictions: true });
      return { loss: l.loss, distance: predictionDistance(f, l.predictions!) };
    };
    const tr = gap(this.trainData, lin.train);
    const out: Partial<MetricRecord> = { linRisk: tr.loss, linGapRms: tr.distance.rms, linGapMax: tr.distance.max };
    if (lin.test && this.testData) {
      const te = gap(this.testData, lin.test);
      Object.assign(out, { linTestRisk: te.loss, linTestGapRms: te.distance.rms, linTestGapMax: te.distance.max });
    }
    return out;
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
      const steps = Math.min(recordEvery - (this.step % recordEvery), k - done, this.stepsPerCall);
      const pendingStep = this.pending?.step;
      const batch = batchSize > 0 ? { size: batchSize, indices: this.nextBatchIndices(steps) } : undefined;
      const result = this.trainData.train(steps, eta, projection, batch);
      if (pendingStep === this.step && result.completed > 0) {
        this.finishPending(result.losses[0], result.gradNorms[0]);
      }
      for (let s = 0; s < result.completed; s++) this.lossSum += result.losses[s];
      if (this.linear && !this.linear.stopped && result.completed > 0) {
        // The same steps for the linearization; if it diverges, its metrics stop (the network goes on).
        const lin = this.linear.train.train(result.completed, eta, projection);
        if (lin.completed < result.completed) {
          this.linear.stopped = true;
          this.linear.divergedAt = this.step + lin.completed;
          if (lin.completed > 0) this.linear.lastRisk = lin.losses[lin.completed - 1];
        }
      }
      this.step += result.completed;
      done += result.completed;
      if (result.completed < steps) {
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

  /** The linearization (null without it): diverged or not, the step its loss was not finite, its last finite risk. */
  linearStatus(): { diverged: boolean; step: number | null; lastFiniteRisk: number | null } | null {
    const lin = this.linear;
    if (!lin) return null;
    if (lin.divergedAt === undefined) return { diverged: false, step: null, lastFiniteRisk: null };
    const recorded = this.records.filter((r) => Number.isFinite(r.linRisk)).map((r) => r.linRisk!);
    return { diverged: true, step: lin.divergedAt, lastFiniteRisk: lin.lastRisk ?? recorded.at(-1) ?? null };
  }

  private lastFiniteRisk(): number {
    for (let i = this.records.length - 1; i >= 0; i--)
      if (Number.isFinite(this.records[i].risk)) return this.records[i].risk;
    return Number.NaN;
  }

  /** Records Theta(step) with its full-data risk and gradient (used at the end and on early stops). */
  private recordFinal(): void {
    if (this.records.length > 0 && this.records[this.records.length - 1].step === this.step) return;
    if (!this.pending || this.pending.step !== this.step) this.capturePending();
    const { loss, gradNorm } = this.trainData.lossGrad();
    this.finishPending(loss, gradNorm);
  }

  private diverged(lastRisk: number): void {
    this.status = 'diverged';
    const { eta } = this.options;
    const hint = this.divergenceHint?.({ spec: this.spec, n: this.data.n, T: this.data.T, eta }) ?? '';
    const last = Number.isFinite(lastRisk)
      ? `last finite risk ${lastRisk}`
      : 'no finite risk at all (the loss is not finite at the initialization: check the scale of the data and parameters)';
    this.message =
      `training diverged at step ${this.step}: the loss or gradient became NaN/Infinity ` +
      `(eta = ${eta}); ${last}${hint}. The parameters are the last finite ones.`;
    this.pending = null;
  }

  /** Runs to the configured number of steps in calls of a few steps, yielding to the event loop between calls. */
  async run(opts: RunOptions = {}): Promise<TrainResult> {
    runOptionsArg(opts);
    // Yield to the event loop (abort signals, progress, worker messages) at least every record, and
    // about every 2^28 multiply-adds, so that a huge recordEvery cannot make a run deaf to Ctrl-C.
    const perStep = (this.options.batchSize || this.data.n) * this.data.T * paramCount(this.spec);
    const stepsBetweenYields = Math.max(1, Math.min(this.options.recordEvery, Math.floor(2 ** 28 / perStep)));
    while (this.status === 'running') {
      if (opts.signal?.aborted) {
        this.status = 'aborted';
        this.message = `training aborted at step ${this.step}`;
        this.pending = null;
        break;
      }
      const before = this.records.length;
      this.runSteps(stepsBetweenYields);
      for (let k = before; k < this.records.length; k++) opts.onProgress?.(this.records[k], this);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    return this.result();
  }

  result(): TrainResult {
    return {
      status: this.status === 'running' ? 'aborted' : this.status,
      message: this.message,
      records: this.records,
      steps: this.step,
    };
  }

  /** Releases the network and workspaces (wasm memory); calling it again is harmless. */
  free(): void {
    this.linear?.test?.free();
    this.linear?.train.free();
    this.linear?.network.free();
    this.testData?.free();
    this.trainData?.free();
    this.network?.free();
  }
  [Symbol.dispose](): void {
    this.free();
  }
}
