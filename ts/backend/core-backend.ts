/**
 * The two Rust-core backends' shared TypeScript: Network and Workspace over the Raw* classes that
 * crates/rnn-wasm (wasm-bindgen) and crates/rnn-node (napi-rs, the native Node addon) both export
 * with the same methods. What differs is a CoreBinding: how values move in and out of the core's
 * buffers (wasm: typed-array views of the wasm memory; native: copies through typed arrays the
 * addon borrows for the call), the description, and live-memory tracking (wasm's 4 GiB).
 * Every object has free() / [Symbol.dispose]; the bindings' finalizers are the safety net.
 */
import {
  targetsPerSequence,
  type Dataset,
  type FloatArray,
  type ModelParams,
  type ModelSpec,
  type Projection,
} from '../core/types.js';
import { FLOAT32_MAX } from '../core/validate.js';
import { checkModel, checkWorkspace, type CoreSizes } from './capacity.js';
import { call } from './wasm-errors.js';
import { UseAfterFreeError, ValidationError } from '../core/errors.js';
import { coreKernels } from './core-kernels.js';
import {
  projectionRadius,
  type Backend,
  type Network,
  type NetworkOptions,
  type ParamName,
  type TrainSteps,
  type Workspace,
} from './types.js';
import type { WasmPkg } from './wasm-loader.js';
import { rawEnums, type RawEnums } from './wasm-enums.js';
import { wasmSizes } from './wasm-sizes.js';
import { checkFitsWorkspace } from '../core/dataset.js';
import { checkFinite, checkNetworkParams, checkParam, checkTrainArgs, paramLengths } from './checks.js';

/**
 * The Raw* classes and free functions both bindings export (rnn-wasm's generated types; the
 * native addon has the same names, and its `*_ptr()` return buffer ids instead of byte offsets).
 */
export type CorePkg = WasmPkg;
/** Any Raw* object, as the memory functions see it. */
export type RawObject = object;

/** How values cross into and out of one buffer (`ptr`, from a `*_ptr()` method) of a Raw* object. */
export interface CoreMemory {
  /** `len` float32 values: wasm a live view (valid until the memory grows), native a copy. */
  f32(raw: RawObject, ptr: number, len: number): Float32Array;
  f64(raw: RawObject, ptr: number, len: number): Float64Array;
  /** Writes `values` (rounded to float32) at the start of the buffer. */
  setF32(raw: RawObject, ptr: number, values: ArrayLike<number>): void;
  setU32(raw: RawObject, ptr: number, values: Uint32Array): void;
}

export interface CoreBinding {
  readonly name: 'wasm' | 'native';
  readonly description: string;
  readonly pkg: CorePkg;
  readonly memory: CoreMemory;
  /** Counts `bytes` as live until the returned release (wasm: refused past its 4 GiB; native: no limit). */
  track(bytes: number, what: string, holder?: object): () => void;
  /** Short name of the memory in messages: 'wasm' or 'native'. */
  readonly label: string;
}

/** A Backend over a binding: Network and Workspace below, the kernels of core-kernels.ts. */
export function coreBackend(binding: CoreBinding): Backend {
  const enums = rawEnums(binding.pkg);
  const sizes = wasmSizes(binding.pkg, enums, binding.name);
  const backend: Backend = {
    name: binding.name,
    description: binding.description,
    precision: 'float32',
    network: (params, opts) => new CoreNetwork(backend, binding, enums, sizes, params, opts),
    kernels: coreKernels(binding, enums, sizes),
  };
  return backend;
}

/** Steps per core call (the per-step outputs and batch indices are reserved for one piece, so memory stays small). */
const PIECE_STEPS = 4096;
const PIECE_INDICES = 1 << 16;

type RawModel = InstanceType<CorePkg['RawModel']>;
type RawWorkspace = InstanceType<CorePkg['RawWorkspace']> | InstanceType<CorePkg['RawLinearization']>;

class CoreNetwork implements Network {
  readonly spec: ModelSpec;
  raw: RawModel | null = null;
  private readonly lengths: Record<ParamName, number>;
  private release: () => void = () => {};
  readonly linearized: boolean;

  constructor(
    readonly backend: Backend,
    readonly core: CoreBinding,
    readonly enums: RawEnums,
    readonly sizes: CoreSizes,
    params: ModelParams,
    opts: NetworkOptions = {},
  ) {
    // Validate before anything reaches the core: sizes that would wrap as u32, values that are not float32.
    this.spec = checkNetworkParams(params, true);
    this.linearized = opts.linearized ?? false;
    const s = this.spec;
    this.lengths = paramLengths(s);
    checkModel(s, sizes);
    this.release = core.track(sizes.model(s), `model (${s.recurrence}, m = ${s.m}, d = ${s.d})`, this);
    try {
      const recurrence = enums.recurrence(s.recurrence),
        activation = enums.activation(s.activation),
        readout = enums.readout(s.readout);
      this.raw = call('new RawModel', () => new core.pkg.RawModel(recurrence, activation, readout, s.m, s.d, s.alpha));
      for (const name of ['W', 'U', 'W0', 'U0', 'c'] as const) this.write(name, params[name]);
    } catch (err) {
      this.free();
      throw err;
    }
  }

  /** The live raw handle, or a clear error after free(). */
  model(): RawModel {
    if (!this.raw)
      throw new UseAfterFreeError(
        `${this.core.label} network: used after free(); create a new network (free() releases its ${this.core.label} memory)`,
      );
    return this.raw;
  }

  private pointer(name: ParamName): number {
    const m = this.model();
    switch (name) {
      case 'W':
        return m.w_ptr();
      case 'U':
        return m.u_ptr();
      case 'W0':
        return m.w0_ptr();
      case 'U0':
        return m.u0_ptr();
      case 'c':
        return m.c_ptr();
      case 'gradW':
        return m.grad_w_ptr();
      case 'gradU':
        return m.grad_u_ptr();
    }
  }

  /** `view`: a live view on wasm; a fresh copy on native (its memory is not JavaScript's to view). */
  read(name: ParamName, opts?: { view?: boolean }): FloatArray {
    const v = this.core.memory.f32(this.model(), this.pointer(name), this.lengths[name]);
    return opts?.view || this.core.name === 'native' ? v : v.slice();
  }

  write(name: ParamName, values: ArrayLike<number>): void {
    checkParam(name, values, this.lengths[name], true, 'write');
    this.core.memory.setF32(this.model(), this.pointer(name), values);
  }

  params(): ModelParams {
    const f64 = (name: ParamName) => Float64Array.from(this.read(name, { view: true }));
    return { spec: this.spec, W: f64('W'), U: f64('U'), c: f64('c'), W0: f64('W0'), U0: f64('U0') };
  }

  project(projection: Projection): void {
    const rho = projectionRadius(projection);
    if (!(rho >= 0 && rho <= FLOAT32_MAX))
      throw new ValidationError(`project: rho must be a finite number >= 0, got ${rho}`);
    const model = this.model();
    const kind = this.enums.projection(projection.kind);
    call('project', () => model.project(kind, rho));
  }

  workspace(nMax: number, T: number): Workspace {
    return new CoreWorkspace(this, nMax, T);
  }

  /** Releases the core's memory; calling it again is harmless. */
  free(): void {
    this.raw?.free();
    this.raw = null;
    this.release();
  }
  [Symbol.dispose](): void {
    this.free();
  }
}

class CoreWorkspace implements Workspace {
  private raw: RawWorkspace | null = null;
  private release: () => void = () => {};
  n = 0;
  private reservedSteps = 0;
  private reservedIndices = 0;

  constructor(
    private readonly net: CoreNetwork,
    readonly nMax: number,
    readonly T: number,
  ) {
    if (!Number.isSafeInteger(nMax) || nMax < 1)
      throw new ValidationError(`workspace: nMax must be a positive integer, got ${nMax}`);
    if (!Number.isSafeInteger(T) || T < 1)
      throw new ValidationError(`workspace: T must be a positive integer, got ${T}`);
    const model = net.model();
    // Refused before allocation: running out of memory inside Rust would abort the module (or the process).
    // With the per-step outputs and batch indices train() reserves (at most one piece).
    const reserve = { steps: PIECE_STEPS, indices: net.linearized ? 0 : Math.max(nMax, PIECE_INDICES) };
    const { sizes } = net;
    checkWorkspace(net.spec, nMax, T, reserve, net.linearized, sizes);
    this.release = net.core.track(
      (net.linearized ? sizes.linearization : sizes.workspace)(net.spec, nMax, T, reserve),
      `${net.linearized ? 'linearized-model workspace' : 'workspace'} for n = ${nMax} sequences of length T = ${T}`,
      this,
    );
    try {
      // The linearization has the workspace's methods (same pointers, passes and train contract).
      const Raw = net.linearized ? net.core.pkg.RawLinearization : net.core.pkg.RawWorkspace;
      this.raw = call(`new ${Raw.name}`, () => new Raw(model, nMax, T));
    } catch (err) {
      this.release();
      throw err;
    }
  }

  private ws(): RawWorkspace {
    if (!this.raw)
      throw new UseAfterFreeError(`${this.net.core.label} workspace: used after free(); create a new workspace`);
    return this.raw;
  }

  setData(data: Dataset): void {
    const { spec, core } = this.net;
    checkFitsWorkspace(spec, data, this.nMax, this.T);
    checkFinite(data.X, "data: field 'X'", true);
    checkFinite(data.Y, "data: field 'Y'", true);
    const ws = this.ws();
    core.memory.setF32(ws, ws.x_ptr(), data.X);
    core.memory.setF32(ws, ws.y_ptr(), data.Y);
    ws.set_n(data.n);
    this.n = data.n;
  }

  private requireData(): void {
    if (this.n === 0) throw new ValidationError('workspace: no data loaded; call setData() first');
  }

  forward(): { loss: number; predictions: Float64Array } {
    this.requireData();
    const ws = this.ws();
    const model = this.net.model();
    const loss = call('forward', () => ws.forward(model));
    const per = targetsPerSequence(this.net.spec.readout, this.T);
    const predictions = Float64Array.from(this.net.core.memory.f32(ws, ws.pred_ptr(), this.n * per));
    return { loss, predictions };
  }

  lossGrad(): number {
    this.requireData();
    const ws = this.ws(),
      model = this.net.model();
    return call('loss_grad', () => ws.loss_grad(model));
  }

  train(
    steps: number,
    eta: number,
    projection: Projection,
    batch?: { size: number; indices: Uint32Array },
  ): TrainSteps {
    checkTrainArgs(this.n, steps, eta, projection, batch, this.net.linearized);
    const rho = projectionRadius(projection);
    const kind = this.net.enums.projection(projection.kind);
    const size = batch?.size ?? 0;
    const ws = this.ws();
    const model = this.net.model();
    const { memory } = this.net.core;
    // Pieces of at most PIECE_STEPS steps (and PIECE_INDICES batch indices) per core call: the
    // per-step outputs stay small for any chunk, and each step is computed exactly as in one call.
    const piece = Math.max(1, Math.min(steps, PIECE_STEPS, Math.floor(PIECE_INDICES / Math.max(1, size))));
    if (piece > this.reservedSteps || piece * size > this.reservedIndices) {
      // reserve() grows to (piece steps, piece*size indices) and never shrinks: at most
      // PIECE_STEPS outputs and max(nMax, PIECE_INDICES) indices, whatever the call sequence.
      call('reserve', () => ws.reserve(piece, size));
      this.reservedSteps = Math.max(piece, this.reservedSteps);
      this.reservedIndices = Math.max(piece * size, this.reservedIndices);
    }
    const losses = new Float64Array(steps);
    const gradNorms = new Float64Array(steps);
    let completed = 0;
    while (completed < steps) {
      const k = Math.min(piece, steps - completed);
      if (batch) memory.setU32(ws, ws.batch_ptr(), batch.indices.subarray(completed * size, (completed + k) * size));
      const done = call('train', () => ws.train(model, k, eta, kind, rho, size));
      losses.set(memory.f64(ws, ws.losses_ptr(), done), completed);
      gradNorms.set(memory.f64(ws, ws.grad_norms_ptr(), done), completed);
      completed += done;
      if (done < k) break;
    }
    return { completed, losses: losses.slice(0, completed), gradNorms: gradNorms.slice(0, completed) };
  }

  /** Releases the core's memory; calling it again is harmless. */
  free(): void {
    this.raw?.free();
    this.raw = null;
    this.release();
  }
  [Symbol.dispose](): void {
    this.free();
  }
}
