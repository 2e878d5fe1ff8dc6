/**
 * Data sets of any size on a bounded workspace: a workspace of at most `rows` sequences that either
 * holds the whole data set (resident, when it fits the memory budget) or is fed consecutive chunks
 * of rows. Full-data risks and gradients are then sums over chunks, weighted by their size, and
 * mini-batches are staged into it in order. A client of the backend interface (the Trainer's, eval's
 * and predict's), so it sits beside them, not in backend/.
 *
 * Numerics: a resident data set gives exactly the backend's single-call results. Chunked, the
 * chunk losses (each accumulated in float64) and gradients (float32 on wasm) are combined in
 * float64, so the last bits can differ from a single call; the results stay deterministic.
 */
import { ValidationError } from '../core/errors.js';
import '../core/disposable.js'; // Symbol.dispose and Disposable without consumer libs
import { readoutOf, targetsPerSequence, type Dataset, type ModelSpec, type Projection } from '../core/types.js';
import { MiB, workspaceBytes } from '../backend/capacity.js';
import type { Network, TrainSteps, Workspace } from '../backend/types.js';
import { gatherRows, sliceRows } from '../core/dataset.js';

/** Default bytes of a training / evaluation workspace before the data is streamed in chunks. */
export const DEFAULT_MEMORY_BUDGET = 256 * MiB;

/** Largest number of rows (sequences) whose workspace fits in `budget` bytes (at least `min`, at most n). */
export function rowsForBudget(spec: ModelSpec, n: number, T: number, budget: number, min = 1): number {
  if (workspaceBytes(spec, n, T) <= budget) return n;
  const perRow = workspaceBytes(spec, 2, T) - workspaceBytes(spec, 1, T);
  const fixed = workspaceBytes(spec, 1, T) - perRow;
  const rows = Math.floor((budget - fixed) / perRow);
  return Math.min(n, Math.max(min, rows));
}

/** Rows of the training workspace: GD needs every sequence at once; SGD holds at most the budget (or one batch, if larger). */
export const trainingRows = (spec: ModelSpec, n: number, T: number, batchSize: number, budget: number): number =>
  batchSize === 0 ? n : rowsForBudget(spec, n, T, budget, batchSize);

/**
 * Full-data forward passes and gradients of `data` through a workspace of at most `rows` sequences,
 * and training steps on it (full-batch GD when resident, mini-batch SGD either way).
 */
export class ChunkedData implements Disposable {
  private readonly workspace: Workspace;
  readonly rows: number;
  /** True when the workspace holds the whole data set (then every call is the backend's own). */
  readonly resident: boolean;
  /** False after the workspace held staged mini-batches instead (a resident data set is then reloaded). */
  private loaded = false;

  constructor(
    readonly network: Network,
    readonly data: Dataset,
    rows: number,
  ) {
    if (!Number.isSafeInteger(rows) || rows < 1)
      throw new ValidationError(`chunked data: rows must be a positive integer, got ${rows}`);
    this.rows = Math.min(rows, data.n);
    this.resident = this.rows === data.n;
    this.workspace = network.workspace(this.rows, data.T);
    if (this.resident) this.load();
  }

  /** (Re)loads the full data set into a resident workspace. */
  private load(): void {
    this.workspace.setData(this.data);
    this.loaded = true;
  }

  /**
   * `steps` (projected) gradient steps from the network's parameters: full-batch GD (resident data
   * only), or with `batch` mini-batch SGD on the rows `batch.indices` (steps * size of them, step s
   * taking rows s*size..(s+1)*size). Streamed, those rows are staged consecutively in the workspace:
   * the same sequences in the same order as resident indices, so every step is bit-identical;
   * the workspace must then hold them (indices.length <= rows).
   */
  train(
    steps: number,
    eta: number,
    projection: Projection,
    batch?: { size: number; indices: Uint32Array },
  ): TrainSteps {
    if (this.resident) {
      if (!this.loaded) this.load();
      return this.workspace.train(steps, eta, projection, batch);
    }
    if (!batch)
      throw new ValidationError(
        `chunked data: full-batch GD needs all ${this.data.n} sequences in the workspace (it holds ${this.rows})`,
      );
    const { indices } = batch;
    const { T, d } = this.data;
    const per = targetsPerSequence(readoutOf(this.data), T);
    const X = gatherRows(this.data.X, indices, T * d);
    const Y = gatherRows(this.data.Y, indices, per);
    this.workspace.setData({ n: indices.length, T, d, X, Y });
    this.loaded = false;
    const identity = new Uint32Array(indices.length);
    for (let k = 0; k < identity.length; k++) identity[k] = k;
    return this.workspace.train(steps, eta, projection, { size: batch.size, indices: identity });
  }

  private *chunks(): Generator<{ from: number; count: number }> {
    if (this.resident) {
      if (!this.loaded) this.load();
      yield { from: 0, count: this.data.n };
      return;
    }
    for (let from = 0; from < this.data.n; from += this.rows) {
      const count = Math.min(this.rows, this.data.n - from);
      this.workspace.setData(sliceRows(this.data, from, count));
      yield { from, count };
    }
  }

  /** R(Theta) on the full data set; with `predictions`, also the outputs (n or n*T values). */
  forward(opts: { predictions?: boolean } = {}): { loss: number; predictions?: Float64Array } {
    const n = this.data.n;
    const per = targetsPerSequence(readoutOf(this.data), this.data.T);
    const predictions = opts.predictions ? new Float64Array(n * per) : undefined;
    let loss = 0;
    for (const { from, count } of this.chunks()) {
      const r = this.workspace.forward();
      if (count === n) loss = r.loss;
      else loss += (count / n) * r.loss;
      predictions?.set(r.predictions, from * per);
    }
    return predictions ? { loss, predictions } : { loss };
  }

  /**
   * R(Theta) and its full-data gradient. Resident: left in the network's gradW/gradU as usual;
   * chunked: returned in float64 (the network then holds the last chunk's gradient).
   */
  lossGrad(): { loss: number; gradNorm: number; gradW: Float64Array; gradU: Float64Array } {
    const n = this.data.n;
    const net = this.network;
    let loss = 0;
    let gW: Float64Array | null = null,
      gU: Float64Array | null = null;
    for (const { count } of this.chunks()) {
      const l = this.workspace.lossGrad();
      const w = count / n;
      const rw = net.read('gradW', { view: true }),
        ru = net.read('gradU', { view: true });
      if (count === n) {
        loss = l;
        gW = Float64Array.from(rw);
        gU = Float64Array.from(ru);
        break;
      }
      loss += w * l;
      gW ??= new Float64Array(rw.length);
      gU ??= new Float64Array(ru.length);
      for (let k = 0; k < rw.length; k++) gW[k] += w * rw[k];
      for (let k = 0; k < ru.length; k++) gU[k] += w * ru[k];
    }
    let g2 = 0;
    for (const a of [gW!, gU!]) for (let k = 0; k < a.length; k++) g2 += a[k] * a[k];
    return { loss, gradNorm: Math.sqrt(g2), gradW: gW!, gradU: gU! };
  }

  free(): void {
    this.workspace.free();
  }
  [Symbol.dispose](): void {
    this.free();
  }
}
