/**
 * The wasm backend: thin TypeScript over the Rust core (crates/rnn-wasm). Parameters and data live
 * in wasm memory; reads return copies by default or zero-copy Float32Array views on request.
 * Every object has free() / [Symbol.dispose]; wasm-bindgen's FinalizationRegistry is the safety net.
 */
import {
  targetsPerSequence,
  type Dataset,
  type FloatArray,
  type ModelParams,
  type ModelSpec,
  type Projection,
} from '../types.js';
import { FLOAT32_MAX, ValidationError } from '../validate.js';
import { checkModel, checkWorkspace, trackAllocation, type CoreSizes } from './capacity.js';
import { call } from './wasm-errors.js';
import { UseAfterFreeError } from '../errors.js';
import { wasmKernels } from './wasm-kernels.js';
import {
  projectionRadius,
  type Backend,
  type Network,
  type NetworkOptions,
  type ParamName,
  type TrainSteps,
  type Workspace,
} from './types.js';
import { loadWasm, type LoadedWasm, type WasmFlavor, type WasmMemory } from './wasm-loader.js';
import { rawEnums, type RawEnums } from './wasm-enums.js';
import { wasmSizes } from './wasm-sizes.js';
import { checkFitsWorkspace } from '../dataset.js';
import { checkFinite, checkNetworkParams, checkParam, checkTrainArgs, paramLengths } from './checks.js';

export async function wasmBackend(flavor?: WasmFlavor): Promise<Backend> {
  const wasm = await loadWasm(flavor);
  const enums = rawEnums(wasm.pkg);
  const sizes = wasmSizes(wasm.pkg, enums);
  const backend: Backend = {
    name: 'wasm',
    description: `wasm ${wasm.flavor === 'simd' ? 'simd128' : wasm.flavor === 'relaxed' ? 'relaxed-simd' : 'scalar'} f32`,
    network: (params, opts) => new WasmNetwork(backend, wasm, enums, sizes, params, opts),
    kernels: wasmKernels(wasm, enums, sizes),
  };
  return backend;
}

/** Steps per wasm call (the per-step outputs and batch indices are reserved for one piece, so memory stays small). */
const PIECE_STEPS = 4096;
const PIECE_INDICES = 1 << 16;

type RawModel = InstanceType<LoadedWasm['pkg']['RawModel']>;
type RawWorkspace =
  InstanceType<LoadedWasm['pkg']['RawWorkspace']> | InstanceType<LoadedWasm['pkg']['RawLinearization']>;

/** A fresh typed-array view into wasm memory, made at every call (memory growth detaches old buffers). */
function view<T extends Float32Array | Float64Array | Uint32Array>(
  memory: WasmMemory,
  Ctor: { new (b: ArrayBuffer, o: number, l: number): T },
  ptr: number,
  len: number,
): T {
  return new Ctor(memory.buffer as ArrayBuffer, ptr, len);
}

class WasmNetwork implements Network {
  readonly spec: ModelSpec;
  raw: RawModel | null = null;
  private readonly lengths: Record<ParamName, number>;
  private release: () => void = () => {};
  readonly linearized: boolean;

  constructor(
    readonly backend: Backend,
    readonly wasm: LoadedWasm,
    readonly enums: RawEnums,
    readonly sizes: CoreSizes,
    params: ModelParams,
    opts: NetworkOptions = {},
  ) {
    // Validate before anything reaches wasm: sizes that would wrap as u32, values that are not float32.
    this.spec = checkNetworkParams(params, true);
    this.linearized = opts.linearized ?? false;
    const s = this.spec;
    this.lengths = paramLengths(s);
    checkModel(s, sizes);
    this.release = trackAllocation(
      wasm.memory,
      sizes.model(s),
      `model (${s.recurrence}, m = ${s.m}, d = ${s.d})`,
      this,
    );
    try {
      const recurrence = enums.recurrence(s.recurrence),
        activation = enums.activation(s.activation),
        readout = enums.readout(s.readout);
      this.raw = call('new RawModel', () => new wasm.pkg.RawModel(recurrence, activation, readout, s.m, s.d, s.alpha));
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
        'wasm network: used after free(); create a new network (free() releases its wasm memory)',
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

  read(name: ParamName, opts?: { view?: boolean }): FloatArray {
    const v = view(this.wasm.memory, Float32Array, this.pointer(name), this.lengths[name]);
    return opts?.view ? v : v.slice();
  }

  write(name: ParamName, values: ArrayLike<number>): void {
    checkParam(name, values, this.lengths[name], true, 'write');
    view(this.wasm.memory, Float32Array, this.pointer(name), this.lengths[name]).set(values);
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
    return new WasmWorkspace(this, nMax, T);
  }

  /** Releases the wasm memory; calling it again is harmless. */
  free(): void {
    this.raw?.free();
    this.raw = null;
    this.release();
  }
  [Symbol.dispose](): void {
    this.free();
  }
}

class WasmWorkspace implements Workspace {
  private raw: RawWorkspace | null = null;
  private release: () => void = () => {};
  n = 0;
  private reservedSteps = 0;
  private reservedIndices = 0;

  constructor(
    private readonly net: WasmNetwork,
    readonly nMax: number,
    readonly T: number,
  ) {
    if (!Number.isSafeInteger(nMax) || nMax < 1)
      throw new ValidationError(`workspace: nMax must be a positive integer, got ${nMax}`);
    if (!Number.isSafeInteger(T) || T < 1)
      throw new ValidationError(`workspace: T must be a positive integer, got ${T}`);
    const model = net.model();
    // Refused before allocation: running out of wasm memory inside Rust would abort the module.
    // With the per-step outputs and batch indices train() reserves (at most one piece).
    const reserve = { steps: PIECE_STEPS, indices: net.linearized ? 0 : Math.max(nMax, PIECE_INDICES) };
    const { sizes } = net;
    checkWorkspace(net.spec, nMax, T, reserve, net.linearized, sizes);
    this.release = trackAllocation(
      net.wasm.memory,
      (net.linearized ? sizes.linearization : sizes.workspace)(net.spec, nMax, T, reserve),
      `${net.linearized ? 'linearized-model workspace' : 'workspace'} for n = ${nMax} sequences of length T = ${T}`,
      this,
    );
    try {
      // The linearization has the workspace's methods (same pointers, passes and train contract).
      const Raw = net.linearized ? net.wasm.pkg.RawLinearization : net.wasm.pkg.RawWorkspace;
      this.raw = call(`new ${Raw.name}`, () => new Raw(model, nMax, T));
    } catch (err) {
      this.release();
      throw err;
    }
  }

  private ws(): RawWorkspace {
    if (!this.raw) throw new UseAfterFreeError('wasm workspace: used after free(); create a new workspace');
    return this.raw;
  }

  setData(data: Dataset): void {
    const { spec, wasm } = this.net;
    checkFitsWorkspace(spec, data, this.nMax, this.T);
    checkFinite(data.X, "data: field 'X'", true);
    checkFinite(data.Y, "data: field 'Y'", true);
    const ws = this.ws();
    view(wasm.memory, Float32Array, ws.x_ptr(), data.X.length).set(data.X);
    view(wasm.memory, Float32Array, ws.y_ptr(), data.Y.length).set(data.Y);
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
    const predictions = Float64Array.from(view(this.net.wasm.memory, Float32Array, ws.pred_ptr(), this.n * per));
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
    const memory = this.net.wasm.memory;
    // Pieces of at most PIECE_STEPS steps (and PIECE_INDICES batch indices) per wasm call: the
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
      if (batch)
        view(memory, Uint32Array, ws.batch_ptr(), k * size).set(
          batch.indices.subarray(completed * size, (completed + k) * size),
        );
      const done = call('train', () => ws.train(model, k, eta, kind, rho, size));
      losses.set(view(memory, Float64Array, ws.losses_ptr(), done), completed);
      gradNorms.set(view(memory, Float64Array, ws.grad_norms_ptr(), done), completed);
      completed += done;
      if (done < k) break;
    }
    return { completed, losses: losses.slice(0, completed), gradNorms: gradNorms.slice(0, completed) };
  }

  /** Releases the wasm memory; calling it again is harmless. */
  free(): void {
    this.raw?.free();
    this.raw = null;
    this.release();
  }
  [Symbol.dispose](): void {
    this.free();
  }
}
