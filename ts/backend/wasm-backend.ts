/**
 * The wasm backend: thin TypeScript over the Rust core (crates/rnn-wasm). Parameters and data live
 * in wasm memory; reads return copies by default or zero-copy Float32Array views on request.
 * Every object has free() / [Symbol.dispose]; wasm-bindgen's FinalizationRegistry is the safety net.
 */
import { uLength, wLength, type Dataset, type FloatArray, type ModelParams, type ModelSpec, type Projection } from '../types.js';
import { ValidationError } from '../validate.js';
import { checkDataShape } from './shape.js';
import { wasmKernels } from './wasm-kernels.js';
import { projectionCode, projectionRadius, type Backend, type Network, type ParamName, type TrainChunk, type Workspace } from './types.js';
import { loadWasm, type LoadedWasm, type WasmFlavor } from './wasm-loader.js';

const RECURRENCE = { dense: 0, diagonal: 1 } as const;
const ACTIVATION = { tanh: 0, sigmoid: 1, sin: 2, relu: 3 } as const;
const READOUT = { final: 0, all: 1 } as const;

export async function wasmBackend(flavor?: WasmFlavor): Promise<Backend> {
  const wasm = await loadWasm(flavor);
  const backend: Backend = {
    name: 'wasm',
    description: `wasm ${wasm.flavor === 'simd' ? 'simd128' : 'scalar'} f32`,
    network: (params) => new WasmNetwork(backend, wasm, params),
    kernels: wasmKernels(wasm),
  };
  return backend;
}

type RawModel = InstanceType<LoadedWasm['pkg']['Model']>;
type RawWorkspace = InstanceType<LoadedWasm['pkg']['Workspace']>;

/** A typed-array view into wasm memory that is rebuilt if the memory grew (growth detaches old buffers). */
function view<T extends Float32Array | Float64Array | Uint32Array>(
  memory: WebAssembly.Memory, Ctor: { new (b: ArrayBuffer, o: number, l: number): T }, ptr: number, len: number,
): T {
  return new Ctor(memory.buffer as ArrayBuffer, ptr, len);
}

class WasmNetwork implements Network {
  readonly spec: ModelSpec;
  raw: RawModel | null;
  private readonly lengths: Record<ParamName, number>;

  constructor(readonly backend: Backend, readonly wasm: LoadedWasm, params: ModelParams) {
    this.spec = params.spec;
    const s = this.spec;
    this.raw = new wasm.pkg.Model(RECURRENCE[s.recurrence], ACTIVATION[s.activation], READOUT[s.readout], s.m, s.d, s.alpha);
    const nw = wLength(s), nu = uLength(s);
    this.lengths = { W: nw, W0: nw, gradW: nw, U: nu, U0: nu, gradU: nu, c: s.m };
    this.write('W', params.W);
    this.write('U', params.U);
    this.write('W0', params.W0);
    this.write('U0', params.U0);
    this.write('c', params.c);
  }

  /** The live raw handle, or a clear error after free(). */
  model(): RawModel {
    if (!this.raw) throw new Error('wasm network: used after free()');
    return this.raw;
  }

  private pointer(name: ParamName): number {
    const m = this.model();
    switch (name) {
      case 'W': return m.w_ptr();
      case 'U': return m.u_ptr();
      case 'W0': return m.w0_ptr();
      case 'U0': return m.u0_ptr();
      case 'c': return m.c_ptr();
      case 'gradW': return m.grad_w_ptr();
      case 'gradU': return m.grad_u_ptr();
    }
  }

  read(name: ParamName, opts?: { view?: boolean }): FloatArray {
    const v = view(this.wasm.memory, Float32Array, this.pointer(name), this.lengths[name]);
    return opts?.view ? v : v.slice();
  }

  write(name: ParamName, values: ArrayLike<number>): void {
    if (values.length !== this.lengths[name]) {
      throw new ValidationError(`write '${name}': got ${values.length} values, expected ${this.lengths[name]}`);
    }
    view(this.wasm.memory, Float32Array, this.pointer(name), this.lengths[name]).set(values);
  }

  params(): ModelParams {
    const f64 = (name: ParamName) => Float64Array.from(this.read(name, { view: true }));
    return { spec: this.spec, W: f64('W'), U: f64('U'), c: f64('c'), W0: f64('W0'), U0: f64('U0') };
  }

  project(projection: Projection): void {
    this.model().project(projectionCode(projection), projectionRadius(projection));
  }

  workspace(nMax: number, T: number): Workspace {
    return new WasmWorkspace(this, nMax, T);
  }

  free(): void {
    this.raw?.free();
    this.raw = null;
  }
  [Symbol.dispose](): void { this.free(); }
}

class WasmWorkspace implements Workspace {
  private raw: RawWorkspace | null;
  n = 0;
  private reservedSteps = 0;
  private reservedBatch = 0;

  constructor(private readonly net: WasmNetwork, readonly nMax: number, readonly T: number) {
    if (!Number.isInteger(nMax) || nMax < 1) throw new ValidationError(`workspace: nMax must be a positive integer, got ${nMax}`);
    if (!Number.isInteger(T) || T < 1) throw new ValidationError(`workspace: T must be a positive integer, got ${T}`);
    this.raw = new net.wasm.pkg.Workspace(net.model(), nMax, T);
  }

  private ws(): RawWorkspace {
    if (!this.raw) throw new Error('wasm workspace: used after free()');
    return this.raw;
  }

  setData(data: Dataset): void {
    const { spec, wasm } = this.net;
    checkDataShape(spec, data, this.nMax, this.T);
    const ws = this.ws();
    view(wasm.memory, Float32Array, ws.x_ptr(), data.X.length).set(data.X);
    view(wasm.memory, Float32Array, ws.y_ptr(), data.Y.length).set(data.Y);
    ws.set_n(data.n);
    this.n = data.n;
  }

  private requireData(): void {
    if (this.n === 0) throw new Error('workspace: no data loaded; call setData() first');
  }

  forward(): { loss: number; predictions: Float64Array } {
    this.requireData();
    const ws = this.ws();
    const loss = ws.forward(this.net.model());
    const per = this.net.spec.readout === 'all' ? this.T : 1;
    const predictions = Float64Array.from(view(this.net.wasm.memory, Float32Array, ws.pred_ptr(), this.n * per));
    return { loss, predictions };
  }

  lossGrad(): number {
    this.requireData();
    return this.ws().loss_grad(this.net.model());
  }

  train(steps: number, eta: number, projection: Projection, batch?: { size: number; indices: Uint32Array }): TrainChunk {
    this.requireData();
    const ws = this.ws();
    const size = batch?.size ?? 0;
    // Grow the per-step buffers only when a bigger chunk is asked for (never inside the loop).
    if (steps > this.reservedSteps || size > this.reservedBatch) {
      this.reservedSteps = Math.max(steps, this.reservedSteps);
      this.reservedBatch = Math.max(size, this.reservedBatch);
      ws.reserve(this.reservedSteps, this.reservedBatch);
    }
    const memory = this.net.wasm.memory;
    if (batch) {
      if (batch.indices.length < steps * size) throw new ValidationError(`train: need ${steps * size} batch indices, got ${batch.indices.length}`);
      view(memory, Uint32Array, ws.batch_ptr(), steps * size).set(batch.indices.subarray(0, steps * size));
    }
    const completed = ws.train(this.net.model(), steps, eta, projectionCode(projection), projectionRadius(projection), size);
    return {
      completed,
      losses: view(memory, Float64Array, ws.losses_ptr(), completed).slice(),
      gradNorms: view(memory, Float64Array, ws.grad_norms_ptr(), completed).slice(),
    };
  }

  free(): void {
    this.raw?.free();
    this.raw = null;
  }
  [Symbol.dispose](): void { this.free(); }
}
