/**
 * Shared state of a data-parallel run: parameters, per-worker shard gradients and a barrier, all in
 * SharedArrayBuffers, plus the fixed-order reduction that keeps results independent of timing.
 */
import { project } from '../projection.js';
import type { ModelSpec, Projection } from '../types.js';

/** The SharedArrayBuffers every worker maps (structured-cloned by reference). */
export interface SharedBuffers {
  /** Live parameters [W | U], float32 (what the wasm core computes with). */
  params: SharedArrayBuffer;
  /** The initialization [W0 | U0], float32 (the projection's centre). */
  init: SharedArrayBuffer;
  /** One slot per worker: that shard's mean gradient [gradW | gradU], float32. */
  grads: SharedArrayBuffer;
  /** The combined full-batch gradient [gradW | gradU], float32. */
  grad: SharedArrayBuffer;
  /** One float64 per worker: that shard's mean loss. */
  losses: SharedArrayBuffer;
  /** Int32 control words: see CTRL. */
  ctrl: SharedArrayBuffer;
}

export const CTRL = { count: 0, generation: 1, stop: 2, length: 4 } as const;

export function allocateShared(nw: number, nu: number, workers: number): SharedBuffers {
  const p = nw + nu;
  return {
    params: new SharedArrayBuffer(4 * p),
    init: new SharedArrayBuffer(4 * p),
    grads: new SharedArrayBuffer(4 * p * workers),
    grad: new SharedArrayBuffer(4 * p),
    losses: new SharedArrayBuffer(8 * workers),
    ctrl: new SharedArrayBuffer(4 * CTRL.length),
  };
}

/** Typed views of the shared buffers for one model size. */
export class SharedViews {
  readonly W: Float32Array;
  readonly U: Float32Array;
  readonly W0: Float32Array;
  readonly U0: Float32Array;
  readonly grad: Float32Array;
  readonly slots: Float32Array[];
  readonly losses: Float64Array;
  readonly ctrl: Int32Array;

  constructor(readonly buffers: SharedBuffers, readonly nw: number, readonly nu: number, readonly workers: number) {
    const p = nw + nu;
    this.W = new Float32Array(buffers.params, 0, nw);
    this.U = new Float32Array(buffers.params, 4 * nw, nu);
    this.W0 = new Float32Array(buffers.init, 0, nw);
    this.U0 = new Float32Array(buffers.init, 4 * nw, nu);
    this.grad = new Float32Array(buffers.grad);
    this.slots = Array.from({ length: workers }, (_, k) => new Float32Array(buffers.grads, 4 * p * k, p));
    this.losses = new Float64Array(buffers.losses);
    this.ctrl = new Int32Array(buffers.ctrl);
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

/** Sample ranges of the shards: shard k holds [start[k], start[k+1]), sizes differ by at most one. */
export function shardStarts(n: number, workers: number): number[] {
  return Array.from({ length: workers + 1 }, (_, k) => Math.floor((k * n) / workers));
}

/**
 * The fixed-order reduction: grad = sum_k (n_k / n) grad_k accumulated in float64 over
 * k = 0, 1, ..., K-1 for every coordinate, then rounded once to float32. Returns the combined
 * loss sum_k (n_k / n) R_k and ||grad||^2 (of the rounded values). Same inputs, same bits.
 */
export function reduce(v: SharedViews, weights: readonly number[]): { loss: number; gradNormSq: number } {
  const p = v.nw + v.nu;
  const K = v.workers;
  let loss = 0;
  for (let k = 0; k < K; k++) loss += weights[k] * v.losses[k];
  let g2 = 0;
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += weights[k] * v.slots[k][i];
    const g = Math.fround(s);
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
