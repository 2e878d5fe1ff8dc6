/**
 * Shared state of a data-parallel run, all in SharedArrayBuffers: parameters, the data, one
 * gradient slot per chunk of samples, a chunk counter and a barrier; plus the fixed-order
 * reduction that makes results independent of timing and of the number of workers.
 */
import { project } from '../core/projection.js';
import type { ModelSpec, Projection } from '../core/types.js';

/** The SharedArrayBuffers every worker maps (structured-cloned by reference). */
export interface SharedBuffers {
  /** Live parameters [W | U], float32 (what the wasm core computes with). */
  params: SharedArrayBuffer;
  /** The initialization [W0 | U0], float32 (the projection's centre). */
  init: SharedArrayBuffer;
  /** Inputs, n*T*d float32 (the layout of Dataset.X). */
  X: SharedArrayBuffer;
  /** Targets, n or n*T float32. */
  Y: SharedArrayBuffer;
  /** One slot per chunk: that chunk's mean gradient [gradW | gradU], float32. */
  grads: SharedArrayBuffer;
  /** The combined full-batch gradient [gradW | gradU], float32. */
  grad: SharedArrayBuffer;
  /** One float64 per chunk: that chunk's mean loss. */
  losses: SharedArrayBuffer;
  /** Int32 control words: see CTRL. */
  ctrl: SharedArrayBuffer;
}

/** count/generation: the barrier; stop: non-finite step; next: the next unclaimed chunk. */
export const CTRL = { count: 0, generation: 1, stop: 2, next: 3, length: 4 } as const;

/** The chunk layout: chunk c holds samples [starts[c], starts[c+1]). */
export interface Layout {
  n: number;
  T: number;
  d: number;
  /** targets per sequence (1, or T for readout all) */
  per: number;
  starts: number[];
}

/** Contiguous chunks of `size` samples (the last may be shorter). */
export function chunkStarts(n: number, size: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s < n; s += size) starts.push(s);
  starts.push(n);
  return starts;
}

/** Default chunk size: about 16 chunks, at least 32 samples each (a function of n only). */
export const defaultChunkSize = (n: number): number => Math.min(n, Math.max(32, Math.ceil(n / 16)));

export function allocateShared(nw: number, nu: number, layout: Layout): SharedBuffers {
  const p = nw + nu;
  const chunks = layout.starts.length - 1;
  return {
    params: new SharedArrayBuffer(4 * p),
    init: new SharedArrayBuffer(4 * p),
    X: new SharedArrayBuffer(4 * layout.n * layout.T * layout.d),
    Y: new SharedArrayBuffer(4 * layout.n * layout.per),
    grads: new SharedArrayBuffer(4 * p * chunks),
    grad: new SharedArrayBuffer(4 * p),
    losses: new SharedArrayBuffer(8 * chunks),
    ctrl: new SharedArrayBuffer(4 * CTRL.length),
  };
}

/** Typed views of the shared buffers. */
export class SharedViews {
  readonly W: Float32Array;
  readonly U: Float32Array;
  readonly W0: Float32Array;
  readonly U0: Float32Array;
  readonly X: Float32Array;
  readonly Y: Float32Array;
  readonly grad: Float32Array;
  readonly slots: Float32Array[];
  readonly losses: Float64Array;
  readonly ctrl: Int32Array;
  /** Weights n_c / n of the chunks. */
  readonly weights: number[];
  /** float64 accumulator of the reduction (allocated once). */
  readonly acc: Float64Array;

  constructor(
    readonly buffers: SharedBuffers,
    readonly nw: number,
    readonly nu: number,
    readonly layout: Layout,
    readonly workers: number,
  ) {
    const p = nw + nu;
    const chunks = layout.starts.length - 1;
    this.W = new Float32Array(buffers.params, 0, nw);
    this.U = new Float32Array(buffers.params, 4 * nw, nu);
    this.W0 = new Float32Array(buffers.init, 0, nw);
    this.U0 = new Float32Array(buffers.init, 4 * nw, nu);
    this.X = new Float32Array(buffers.X);
    this.Y = new Float32Array(buffers.Y);
    this.grad = new Float32Array(buffers.grad);
    this.slots = Array.from({ length: chunks }, (_, c) => new Float32Array(buffers.grads, 4 * p * c, p));
    this.losses = new Float64Array(buffers.losses);
    this.ctrl = new Int32Array(buffers.ctrl);
    this.weights = Array.from({ length: chunks }, (_, c) => (layout.starts[c + 1] - layout.starts[c]) / layout.n);
    this.acc = new Float64Array(p);
  }

  get chunks(): number {
    return this.slots.length;
  }

  /** The samples of chunk c as a Dataset (views into the shared data, no copy). */
  chunk(c: number): { n: number; T: number; d: number; X: Float32Array; Y: Float32Array } {
    const { starts, T, d, per } = this.layout;
    const a = starts[c],
      b = starts[c + 1];
    return { n: b - a, T, d, X: this.X.subarray(a * T * d, b * T * d), Y: this.Y.subarray(a * per, b * per) };
  }

  /** Claims the next chunk (whichever worker is free takes it), or -1 when all are taken. */
  claim(): number {
    const c = Atomics.add(this.ctrl, CTRL.next, 1);
    return c < this.chunks ? c : -1;
  }

  /**
   * Blocks until all workers have arrived (generation-counting barrier on Atomics). Only workers
   * call it: Atomics.wait is not allowed on a browser's main thread.
   */
  barrier(): void {
    const c = this.ctrl;
    const gen = Atomics.load(c, CTRL.generation);
    if (Atomics.add(c, CTRL.count, 1) === this.workers - 1) {
      Atomics.store(c, CTRL.count, 0);
      Atomics.add(c, CTRL.generation, 1);
      Atomics.notify(c, CTRL.generation);
    } else {
      while (Atomics.load(c, CTRL.generation) === gen) Atomics.wait(c, CTRL.generation, gen);
    }
  }
}

/**
 * The fixed-order reduction: grad = sum_c (n_c / n) grad_c accumulated in float64 over
 * c = 0, 1, ..., C-1 for every coordinate, then rounded once to float32. Returns the combined
 * loss sum_c (n_c / n) R_c and ||grad||^2 (of the rounded values). Which worker computed which
 * chunk does not matter: same chunks, same bits.
 */
export function reduce(v: SharedViews): { loss: number; gradNormSq: number } {
  const p = v.nw + v.nu;
  const C = v.chunks;
  const w = v.weights;
  let loss = 0;
  for (let c = 0; c < C; c++) loss += w[c] * v.losses[c];
  const acc = v.acc.fill(0);
  for (let c = 0; c < C; c++) {
    const slot = v.slots[c],
      wc = w[c];
    for (let i = 0; i < p; i++) acc[i] += wc * slot[i];
  }
  let g2 = 0;
  for (let i = 0; i < p; i++) {
    const g = Math.fround(acc[i]);
    v.grad[i] = g;
    g2 += g * g;
  }
  return { loss, gradNormSq: g2 };
}

/** Theta <- Theta - eta * grad, then the projection (in place on the shared parameters). */
export function update(v: SharedViews, spec: ModelSpec, eta: number, projection: Projection): void {
  const { W, U, grad, nw } = v;
  for (let i = 0; i < nw; i++) W[i] -= eta * grad[i];
  for (let i = 0; i < U.length; i++) U[i] -= eta * grad[nw + i];
  project(spec, W, U, v.W0, v.U0, projection);
}
