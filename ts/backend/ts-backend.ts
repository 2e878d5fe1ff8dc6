/**
 * The pure-TypeScript backend: the readable reference implementation of MODEL.md sections 2-6.
 * Generic over the storage type: float64 (for gradient checks) or float32 (what wasm computes in).
 * Arithmetic is in JS doubles; only stored arrays round to the chosen precision.
 */
import { activations } from '../activations.js';
import { project } from '../projection.js';
import { uLength, wLength, type Dataset, type FloatArray, type ModelParams, type ModelSpec, type Projection } from '../types.js';
import { ValidationError } from '../validate.js';
import type { Backend, Network, ParamName, TrainChunk, Workspace } from './types.js';
import { checkDataShape } from './shape.js';
import { tangentKernels } from './ts-tangent.js';
import { ntkKernels } from './ts-ntk.js';

export type Dtype = 'float32' | 'float64';
type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor;

export function tsBackend(options: { dtype?: Dtype } = {}): Backend {
  const dtype = options.dtype ?? 'float64';
  const Arr: ArrayCtor = dtype === 'float64' ? Float64Array : Float32Array;
  const backend: Backend = {
    name: 'ts',
    description: `ts ${dtype}`,
    network: (params) => new TsNetwork(backend, Arr, params),
    kernels: { ...tangentKernels, ...ntkKernels },
  };
  return backend;
}

class TsNetwork implements Network {
  readonly spec: ModelSpec;
  readonly arrays: Record<ParamName, FloatArray>;

  constructor(readonly backend: Backend, readonly Arr: ArrayCtor, params: ModelParams) {
    this.spec = params.spec;
    const nw = wLength(this.spec);
    const nu = uLength(this.spec);
    this.arrays = {
      W: Arr.from(params.W), U: Arr.from(params.U), c: Arr.from(params.c),
      W0: Arr.from(params.W0), U0: Arr.from(params.U0),
      gradW: new Arr(nw), gradU: new Arr(nu),
    };
  }

  read(name: ParamName, opts?: { view?: boolean }): FloatArray {
    return opts?.view ? this.arrays[name] : this.arrays[name].slice();
  }

  write(name: ParamName, values: ArrayLike<number>): void {
    const target = this.arrays[name];
    if (values.length !== target.length) {
      throw new ValidationError(`write '${name}': got ${values.length} values, expected ${target.length}`);
    }
    target.set(values);
  }

  params(): ModelParams {
    const a = this.arrays;
    return { spec: this.spec, W: Float64Array.from(a.W), U: Float64Array.from(a.U), c: Float64Array.from(a.c), W0: Float64Array.from(a.W0), U0: Float64Array.from(a.U0) };
  }

  project(projection: Projection): void {
    const a = this.arrays;
    project(this.spec, a.W, a.U, a.W0, a.U0, projection);
  }

  workspace(nMax: number, T: number): Workspace {
    return new TsWorkspace(this, nMax, T);
  }

  free(): void {}
  [Symbol.dispose](): void { this.free(); }
}

class TsWorkspace implements Workspace {
  n = 0;
  private X: FloatArray;
  private Y: FloatArray;
  /** Per-sample scratch: hidden states h_t and sigma'(z_t) for t = 0..T-1 (T x m), and dh. */
  private H: Float64Array;
  private Dz: Float64Array;
  private dh: Float64Array;
  private dz: Float64Array;

  constructor(private readonly net: TsNetwork, readonly nMax: number, readonly T: number) {
    if (!Number.isInteger(nMax) || nMax < 1) throw new ValidationError(`workspace: nMax must be a positive integer, got ${nMax}`);
    if (!Number.isInteger(T) || T < 1) throw new ValidationError(`workspace: T must be a positive integer, got ${T}`);
    const { m, d, readout } = net.spec;
    this.X = new net.Arr(nMax * T * d);
    this.Y = new net.Arr(nMax * (readout === 'all' ? T : 1));
    this.H = new Float64Array(T * m);
    this.Dz = new Float64Array(T * m);
    this.dh = new Float64Array(m);
    this.dz = new Float64Array(m);
  }

  setData(data: Dataset): void {
    checkDataShape(this.net.spec, data, this.nMax, this.T);
    this.X.set(data.X);
    this.Y.set(data.Y);
    this.n = data.n;
  }

  /** Forward pass of sample j: fills H, Dz; writes outputs f_t (all t, or only the last) into out. */
  private forwardSample(j: number, out: Float64Array | null, outOffset: number): void {
    const { spec, arrays } = this.net;
    const { m, d } = spec;
    const T = this.T;
    const act = activations[spec.activation];
    const W = arrays.W, U = arrays.U, c = arrays.c;
    const dense = spec.recurrence === 'dense';
    const scale = dense ? spec.alpha / Math.sqrt(m) : spec.alpha;
    const outScale = 1 / Math.sqrt(m);
    const X = this.X, H = this.H, Dz = this.Dz;
    for (let t = 0; t < T; t++) {
      const x0 = (j * T + t) * d;
      const prev = (t - 1) * m;
      for (let i = 0; i < m; i++) {
        let rec = 0;
        if (t > 0) {
          if (dense) {
            for (let k = 0; k < m; k++) rec += W[i * m + k] * H[prev + k];
          } else {
            rec = W[i] * H[prev + i];
          }
        }
        let inp = 0;
        for (let k = 0; k < d; k++) inp += U[i * d + k] * X[x0 + k];
        const z = scale * rec + inp;
        H[t * m + i] = act.f(z);
        Dz[t * m + i] = act.df(z);
      }
      if (out && (spec.readout === 'all' || t === T - 1)) {
        // Summed in the pairs (i, i + m/2): under the symmetric initialization each pair is exactly
        // zero, so f(X; Theta(0)) = 0 bit-exactly (the Rust core sums the same way).
        let f = 0;
        const half = m / 2, base = t * m;
        for (let i = 0; i < half; i++) f += c[i] * H[base + i] + c[i + half] * H[base + i + half];
        out[outOffset + (spec.readout === 'all' ? t : 0)] = f * outScale;
      }
    }
  }

  forward(): { loss: number; predictions: Float64Array } {
    const per = this.net.spec.readout === 'all' ? this.T : 1;
    const predictions = new Float64Array(this.n * per);
    let sum = 0;
    for (let j = 0; j < this.n; j++) {
      this.forwardSample(j, predictions, j * per);
      for (let q = 0; q < per; q++) { const r = predictions[j * per + q] - this.Y[j * per + q]; sum += r * r; }
    }
    return { loss: sum / (2 * this.n * per), predictions };
  }

  /** Loss and gradient over the listed samples (all when `rows` is null) into gradW/gradU. */
  private lossGradRows(rows: Uint32Array | null, count: number): number {
    const { spec, arrays } = this.net;
    const { m, d } = spec;
    const T = this.T;
    const dense = spec.recurrence === 'dense';
    const scale = dense ? spec.alpha / Math.sqrt(m) : spec.alpha;
    const outScale = 1 / Math.sqrt(m);
    const per = spec.readout === 'all' ? T : 1;
    const W = arrays.W, c = arrays.c, gW = arrays.gradW, gU = arrays.gradU;
    const X = this.X, H = this.H, Dz = this.Dz, dh = this.dh, dz = this.dz;
    // Accumulate in float64 even for float32 storage, then store once.
    const accW = new Float64Array(gW.length);
    const accU = new Float64Array(gU.length);
    const f = new Float64Array(per);
    const norm = count * per;
    let sum = 0;
    for (let b = 0; b < count; b++) {
      const j = rows ? rows[b] : b;
      this.forwardSample(j, f, 0);
      dh.fill(0);
      for (let t = T - 1; t >= 0; t--) {
        // Readout contributions: dR/dh_t = r_t c / sqrt(m).
        if (spec.readout === 'all' || t === T - 1) {
          const q = spec.readout === 'all' ? t : 0;
          const res = f[q] - this.Y[j * per + q];
          sum += res * res;
          const r = res / norm;
          for (let i = 0; i < m; i++) dh[i] += r * c[i] * outScale;
        }
        for (let i = 0; i < m; i++) dz[i] = dh[i] * Dz[t * m + i];
        const x0 = (j * T + t) * d;
        for (let i = 0; i < m; i++) {
          const g = dz[i];
          for (let k = 0; k < d; k++) accU[i * d + k] += g * X[x0 + k];
        }
        if (t > 0) {
          const prev = (t - 1) * m;
          if (dense) {
            for (let i = 0; i < m; i++) {
              const g = scale * dz[i];
              for (let k = 0; k < m; k++) accW[i * m + k] += g * H[prev + k];
            }
            for (let k = 0; k < m; k++) dh[k] = 0;
            for (let i = 0; i < m; i++) {
              const g = scale * dz[i];
              for (let k = 0; k < m; k++) dh[k] += W[i * m + k] * g;
            }
          } else {
            for (let i = 0; i < m; i++) {
              accW[i] += scale * dz[i] * H[prev + i];
              dh[i] = scale * W[i] * dz[i];
            }
          }
        }
      }
    }
    gW.set(accW);
    gU.set(accU);
    return sum / (2 * norm);
  }

  lossGrad(): number {
    return this.lossGradRows(null, this.n);
  }

  train(steps: number, eta: number, projection: Projection, batch?: { size: number; indices: Uint32Array }): TrainChunk {
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
      for (let k = 0; k < a.W.length; k++) a.W[k] -= eta * a.gradW[k];
      for (let k = 0; k < a.U.length; k++) a.U[k] -= eta * a.gradU[k];
      this.net.project(projection);
      completed++;
    }
    return { completed, losses: losses.slice(0, completed), gradNorms: gradNorms.slice(0, completed) };
  }

  free(): void {}
  [Symbol.dispose](): void { this.free(); }
}
