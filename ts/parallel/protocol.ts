/** Messages between a ParallelTrainer and its workers (plain postMessage; the hot loop uses Atomics). */
import type { ModelSpec, Projection } from '../core/types.js';
import type { WasmFlavor } from '../backend/wasm-loader.js';
import type { Layout, SharedBuffers } from './shared.js';

export interface InitRequest {
  type: 'init';
  index: number;
  workers: number;
  spec: ModelSpec;
  c: Float64Array;
  buffers: SharedBuffers;
  layout: Layout;
  /** The backend every worker loads (resolved by the parent: never 'auto'). */
  backend: 'native' | 'wasm';
  flavor?: WasmFlavor;
}
export interface TrainRequest {
  type: 'train';
  steps: number;
  eta: number;
  projection: Projection;
}
export interface LossGradRequest {
  type: 'lossGrad';
}
export interface FreeRequest {
  type: 'free';
}
export type Request = (InitRequest | TrainRequest | LossGradRequest | FreeRequest) & { id: number };

export interface Reply {
  id: number;
  error?: string;
  /** train: steps completed (worker 0 also sends the per-step records). */
  completed?: number;
  losses?: Float64Array;
  gradNorms?: Float64Array;
  /** lossGrad (worker 0): the combined loss. */
  loss?: number;
  /** init: the worker's wasm build. */
  description?: string;
  /** train / lossGrad: chunks this worker computed (load balance, for diagnostics). */
  chunksDone?: number;
  /** train: milliseconds this worker spent waiting at barriers. */
  waitMs?: number;
}
