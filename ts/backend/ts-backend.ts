/**
 * The pure-TypeScript backend: the readable reference implementation of docs/spec/model.md sections 2-6.
 * Generic over the storage type: float64 (for gradient checks) or float32 (what wasm computes in).
 * Arithmetic is in JS doubles; only stored arrays round to the chosen precision.
 */
import { ValidationError } from '../core/errors.js';
import { project } from '../core/projection.js';
import {
  targetsPerSequence,
  uLength,
  wLength,
  type Dataset,
  type FloatArray,
  type ModelParams,
  type ModelSpec,
  type Projection,
} from '../core/types.js';
import type { Backend, Network, NetworkOptions, ParamName, TrainSteps, Workspace } from './types.js';
import {
  backwardSequence,
  FLUSH_BELOW,
  forwardSequence,
  readoutAt,
  sequenceScratch,
  tangentSequence,
  type SequenceScratch,
} from './reference-rnn.js';
import { formatBytes, WORKSPACE_SUGGESTION } from './capacity.js';
import { tangentKernels } from './ts-tangent.js';
import { ntkKernels } from './ts-ntk.js';
import { checkFitsWorkspace } from '../core/dataset.js';
import { tridiagonalKernels } from './ts-tridiagonal.js';
import { optionalObjectArg } from '../core/api-args.js';
import { denseKernels } from './ts-dense-kernel.js';
import { checkFinite, checkNetworkParams, checkParam, checkTrainArgs } from './checks.js';

export type Dtype = 'float32' | 'float64';
type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor;

export function tsBackend(options: { dtype?: Dtype } = {}): Backend {
  optionalObjectArg(options, 'tsBackend', 'options');
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ValidationError(`tsBackend: field 'dtype' must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  const Arr: ArrayCtor = dtype === 'float64' ? Float64Array : Float32Array;
  const backend: Backend = {
    name: 'ts',
    description: `ts ${dtype}`,
    precision: 'float64',
    network: (params, opts) => new TsNetwork(backend, Arr, params, opts),
    kernels: { ...tangentKernels, ...ntkKernels, ...tridiagonalKernels, ...denseKernels },
  };
  return backend;
}

class TsNetwork implements Network {
  readonly spec: ModelSpec;
  readonly arrays: Record<ParamName, FloatArray>;
  readonly linearized: boolean;

  constructor(
    readonly backend: Backend,
    readonly Arr: ArrayCtor,
    params: ModelParams,
    opts: NetworkOptions = {},
  ) {
    this.spec = checkNetworkParams(params, Arr === Float32Array);
    this.linearized = opts.linearized ?? false;
    const nw = wLength(this.spec);
    const nu = uLength(this.spec);
    this.arrays = {
      W: Arr.from(params.W),
      U: Arr.from(params.U),
      c: Arr.from(params.c),
      W0: Arr.from(params.W0),
      U0: Arr.from(params.U0),
      gradW: new Arr(nw),
      gradU: new Arr(nu),
    };
  }

  read(name: ParamName, opts?: { view?: boolean }): FloatArray {
    return opts?.view ? this.arrays[name] : this.arrays[name].slice();
  }

  write(name: ParamName, values: ArrayLike<number>): void {
    const target = this.arrays[name];
    checkParam(name, values, target.length, this.Arr === Float32Array, 'write');
    target.set(values);
  }

  params(): ModelParams {
    const a = this.arrays;
    return {
      spec: this.spec,
      W: Float64Array.from(a.W),
      U: Float64Array.from(a.U),
      c: Float64Array.from(a.c),
      W0: Float64Array.from(a.W0),
      U0: Float64Array.from(a.U0),
    };
  }

  project(projection: Projection): void {
    const a = this.arrays;
    project(this.spec, a.W, a.U, a.W0, a.U0, projection);
  }

  workspace(nMax: number, T: number): Workspace {
    return new TsWorkspace(this, nMax, T);
  }

  free(): void {}
  [Symbol.dispose](): void {
    this.free();
  }
}

function allFinite(a: FloatArray): boolean {
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k])) return false;
  return true;
}

class TsWorkspace implements Workspace {
  n = 0;
  private X: FloatArray;
  private Y: FloatArray;
  private readonly scratch: SequenceScratch;
  /** float32 storage flushes decaying adjoints like the wasm core (parity); float64 does not. */
  private readonly flushBelow: number;
  /** Linearized network: the tangent states along V = Theta - Theta0 and V itself (set per pass). */
  private readonly hdot: Float64Array;
  private VW: FloatArray | null = null;
  private VU: FloatArray | null = null;

  constructor(
    private readonly net: TsNetwork,
    readonly nMax: number,
    readonly T: number,
  ) {
    if (!Number.isInteger(nMax) || nMax < 1)
      throw new ValidationError(`workspace: nMax must be a positive integer, got ${nMax}`);
    if (!Number.isInteger(T) || T < 1) throw new ValidationError(`workspace: T must be a positive integer, got ${T}`);
    const { m, d, readout } = net.spec;
    const xLen = nMax * T * d,
      yLen = nMax * targetsPerSequence(readout, T);
    try {
      this.X = new net.Arr(xLen);
      this.Y = new net.Arr(yLen);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw new ValidationError(
        `workspace for n = ${nMax} sequences of length T = ${T} (d = ${d}): cannot allocate ${formatBytes((xLen + yLen) * net.Arr.BYTES_PER_ELEMENT)} ` +
          `of JavaScript memory (${err.message}). ${WORKSPACE_SUGGESTION}`,
      );
    }
    this.scratch = sequenceScratch(m, T);
    this.flushBelow = net.Arr === Float32Array ? FLUSH_BELOW : 0;
    this.hdot = new Float64Array(net.linearized ? T * m : 0);
  }

  /** Linearized network: V = Theta - Theta0 for the pass that starts. */
  private startPass(): void {
    if (!this.net.linearized) return;
    const a = this.net.arrays;
    this.VW = a.W.map((w, k) => w - a.W0[k]);
    this.VU = a.U.map((u, k) => u - a.U0[k]);
  }

  setData(data: Dataset): void {
    checkFitsWorkspace(this.net.spec, data, this.nMax, this.T);
    const float32 = this.net.Arr === Float32Array;
    checkFinite(data.X, "data: field 'X'", float32);
    checkFinite(data.Y, "data: field 'Y'", float32);
    this.X.set(data.X);
    this.Y.set(data.Y);
    this.n = data.n;
  }

  /**
   * Runs sequence j forward and writes its outputs (every t for readout all, else the last) into out.
   * Linearized: the forward pass at Theta0 (left in the scratch for BPTT at Theta0), then the
   * tangent pass along V; out = f(Theta0) + <grad f(Theta0), V>.
   */
  private outputs(j: number, out: Float64Array, offset: number): void {
    const { spec, arrays, linearized } = this.net;
    const [W, U] = linearized ? [arrays.W0, arrays.U0] : [arrays.W, arrays.U];
    forwardSequence(spec, W, U, this.X, j, this.T, this.scratch);
    if (linearized) tangentSequence(spec, W, this.VW!, this.VU!, this.X, j, this.T, this.scratch, this.hdot);
    const at = (t: number) =>
      readoutAt(spec, arrays.c, this.scratch.H, t) + (linearized ? readoutAt(spec, arrays.c, this.hdot, t) : 0);
    if (spec.readout === 'all') {
      for (let t = 0; t < this.T; t++) out[offset + t] = at(t);
    } else {
      out[offset] = at(this.T - 1);
    }
  }

  forward(): { loss: number; predictions: Float64Array } {
    this.requireData();
    const per = targetsPerSequence(this.net.spec.readout, this.T);
    const predictions = new Float64Array(this.n * per);
    this.startPass();
    let sum = 0;
    for (let j = 0; j < this.n; j++) {
      this.outputs(j, predictions, j * per);
      for (let q = 0; q < per; q++) {
        const r = predictions[j * per + q] - this.Y[j * per + q];
        sum += r * r;
      }
    }
    return { loss: sum / (2 * this.n * per), predictions };
  }

  /** Loss and gradient over the listed samples (all when `rows` is null) into gradW/gradU. */
  private lossGradRows(rows: Uint32Array | null, count: number): number {
    const { spec, arrays } = this.net;
    const { m } = spec;
    const T = this.T;
    const per = targetsPerSequence(spec.readout, T);
    const c = arrays.c;
    // Accumulate in float64 even for float32 storage, then store once.
    const accW = new Float64Array(arrays.gradW.length);
    const accU = new Float64Array(arrays.gradU.length);
    const f = new Float64Array(per);
    const norm = count * per;
    const outScale = 1 / Math.sqrt(m);
    // The linearization's gradient is BPTT at Theta0 (where outputs() left the states).
    const Wb = this.net.linearized ? arrays.W0 : arrays.W;
    this.startPass();
    let sum = 0;
    for (let b = 0; b < count; b++) {
      const j = rows ? rows[b] : b;
      this.outputs(j, f, 0);
      // dR/dh_t = r_t c / sqrt(m) at every readout time, r_t = (f_t - y_t) / (n * per).
      const seed = (t: number, dh: Float64Array) => {
        if (spec.readout !== 'all' && t !== T - 1) return;
        const q = spec.readout === 'all' ? t : 0;
        const res = f[q] - this.Y[j * per + q];
        sum += res * res;
        const r = (res / norm) * outScale;
        for (let i = 0; i < m; i++) dh[i] += r * c[i];
      };
      backwardSequence(spec, Wb, this.X, j, T, this.scratch, seed, accW, accU, this.flushBelow);
    }
    arrays.gradW.set(accW);
    arrays.gradU.set(accU);
    return sum / (2 * norm);
  }

  lossGrad(): number {
    this.requireData();
    return this.lossGradRows(null, this.n);
  }

  private requireData(): void {
    if (this.n === 0) throw new ValidationError('workspace: no data loaded; call setData() first');
  }

  train(
    steps: number,
    eta: number,
    projection: Projection,
    batch?: { size: number; indices: Uint32Array },
  ): TrainSteps {
    checkTrainArgs(this.n, steps, eta, projection, batch, this.net.linearized);
    const a = this.net.arrays;
    const losses = new Float64Array(steps);
    const gradNorms = new Float64Array(steps);
    let completed = 0;
    for (let s = 0; s < steps; s++) {
      const loss = batch
        ? this.lossGradRows(batch.indices.subarray(s * batch.size, (s + 1) * batch.size), batch.size)
        : this.lossGradRows(null, this.n);
      let g2 = 0;
      for (let k = 0; k < a.gradW.length; k++) g2 += a.gradW[k] * a.gradW[k];
      for (let k = 0; k < a.gradU.length; k++) g2 += a.gradU[k] * a.gradU[k];
      if (!Number.isFinite(loss) || !Number.isFinite(g2)) break; // keep the last finite parameters
      losses[s] = loss;
      gradNorms[s] = Math.sqrt(g2);
      const backupW = a.W.slice(),
        backupU = a.U.slice();
      for (let k = 0; k < a.W.length; k++) a.W[k] -= eta * a.gradW[k];
      for (let k = 0; k < a.U.length; k++) a.U[k] -= eta * a.gradU[k];
      this.net.project(projection);
      if (!allFinite(a.W) || !allFinite(a.U)) {
        // As the wasm core: an update that overflows is undone, the run stops at the last finite parameters.
        a.W.set(backupW);
        a.U.set(backupU);
        break;
      }
      completed++;
    }
    return { completed, losses: losses.slice(0, completed), gradNorms: gradNorms.slice(0, completed) };
  }

  free(): void {}
  [Symbol.dispose](): void {
    this.free();
  }
}
