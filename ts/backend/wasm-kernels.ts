/** The wasm backend's tangent-feature kernels: thin wrappers over rnn-wasm's RawFeatures and RawTeacher classes. */
import { uLength, wLength, type Dataset, type ModelParams } from '../types.js';
import { MODEL_LIMITS } from '../config.js';
import { FLOAT32_MAX, ValidationError } from '../validate.js';
import { checkCapacity, checkFeatures, checkModel, checkTeacher, trackAllocation, type CoreSizes } from './capacity.js';
import { checkTangentArgs } from './ts-tangent.js';
import { checkGradientInputs } from './ts-ntk.js';
import type { DenseKernelSpec, Kernels, Particles, TangentSpec, Tridiagonal } from './types.js';
import { checkDenseKernelArgs } from './ts-dense-kernel.js';

const TRIDIAGONAL_SUGGESTION = 'Use the ts backend (its kernels use JavaScript memory) or fewer outputs.';
import type { LoadedWasm } from './wasm-loader.js';
import type { RawEnums } from './wasm-enums.js';
import { call } from './wasm-errors.js';
import { checkFinite, checkSquareMatrix } from './checks.js';

type Raw = { free(): void };
/** Runs `body` with freshly made wasm objects and frees them on every exit path. */
function withFreed<T>(objects: Raw[], body: () => T): T {
  try {
    return body();
  } finally {
    for (const o of objects.reverse()) o.free();
  }
}

const f32 = (w: LoadedWasm, ptr: number, len: number) => new Float32Array(w.memory.buffer, ptr, len);

function checkFinalReadout(what: string, params: ModelParams, data: Dataset, sizes: CoreSizes): void {
  checkGradientInputs(what, params, data);
  const s = params.spec;
  for (const name of ['W', 'U', 'c'] as const) checkFinite(params[name], `${what}: parameter '${name}'`, true);
  checkFinite(data.X, `${what}: data field 'X'`, true);
  checkModel(s, sizes);
  checkFeatures(s, data.n, data.T, what, sizes);
}

/** Float32 range and sizes of the tangent kernels' inputs (after checkTangentArgs). */
function checkTangentWasm(
  what: string,
  spec: TangentSpec,
  M: number,
  particles: Particles,
  data: Dataset,
  v?: ArrayLike<number>,
): void {
  if (!(Math.abs(spec.alpha) <= FLOAT32_MAX))
    throw new ValidationError(`${what}: spec.alpha must fit in float32, got ${spec.alpha}`);
  checkFinite(particles.w, `${what}: particles.w`, true);
  checkFinite(particles.u, `${what}: particles.u`, true);
  if (v) checkFinite(v, `${what}: v`, true);
  checkFinite(data.X, `${what}: data field 'X'`, true);
  if (spec.d > MODEL_LIMITS.d)
    throw new ValidationError(`${what}: spec.d = ${spec.d} exceeds the limit ${MODEL_LIMITS.d}`);
}

export function wasmKernels(wasm: LoadedWasm, enums: RawEnums, sizes: CoreSizes): Kernels {
  const { pkg } = wasm;

  /** Counts the call's temporary wasm objects as live memory (refused if they would pass 4 GiB) while `body` runs. */
  function tracked<T>(bytes: number, what: string, body: () => T): T {
    const release = trackAllocation(wasm.memory, bytes, what);
    try {
      return call(what, body);
    } finally {
      release();
    }
  }

  /** A Model on wasm holding the student's parameters. */
  function modelOf(params: ModelParams) {
    const s = params.spec;
    const [recurrence, activation] = [enums.recurrence(s.recurrence), enums.activation(s.activation)];
    const model = new pkg.RawModel(recurrence, activation, enums.readout('final'), s.m, s.d, s.alpha);
    f32(wasm, model.w_ptr(), wLength(s)).set(params.W);
    f32(wasm, model.u_ptr(), uLength(s)).set(params.U);
    f32(wasm, model.c_ptr(), s.m).set(params.c);
    return model;
  }

  function features(model: InstanceType<typeof pkg.RawModel>, data: Dataset) {
    const feats = new pkg.RawFeatures(model, data.n, data.T);
    f32(wasm, feats.x_ptr(), data.X.length).set(data.X);
    feats.set_n(data.n);
    return feats;
  }

  return {
    tangentFeatures(spec: TangentSpec, particles: Particles, data: Dataset): Float64Array {
      const M = checkTangentArgs('tangentFeatures', spec, particles, data);
      checkTangentWasm('tangentFeatures', spec, M, particles, data);
      const { d } = spec;
      const p = 1 + d;
      // The wasm Model needs an even width: pad an odd particle count with one zero neuron (dropped below).
      const m = M % 2 === 0 ? M : M + 1;
      if (m > MODEL_LIMITS.m) {
        throw new ValidationError(
          `tangentFeatures: M = ${M} particles exceed the wasm width limit ${MODEL_LIMITS.m}; compute the features in groups of particles (they are independent)`,
        );
      }
      const fspec = {
        recurrence: 'diagonal' as const,
        activation: spec.activation,
        readout: 'final' as const,
        m,
        d,
        alpha: spec.alpha,
      };
      checkModel(fspec, sizes);
      checkFeatures(fspec, data.n, data.T, 'tangentFeatures', sizes);
      return tracked(sizes.model(fspec) + sizes.features(fspec, data.n, data.T), 'tangentFeatures', () => {
        const activation = enums.activation(spec.activation);
        const model = new pkg.RawModel(
          enums.recurrence('diagonal'),
          activation,
          enums.readout('final'),
          m,
          d,
          spec.alpha,
        );
        return withFreed([model], () => {
          f32(wasm, model.w_ptr(), M).set(particles.w);
          f32(wasm, model.u_ptr(), M * d).set(particles.u);
          const feats = features(model, data);
          return withFreed([feats], () => {
            feats.tangent_features(model);
            const raw = f32(wasm, feats.tangent_ptr(), data.n * m * p);
            if (m === M) return Float64Array.from(raw);
            const out = new Float64Array(data.n * M * p);
            for (let j = 0; j < data.n; j++) out.set(raw.subarray(j * m * p, (j * m + M) * p), j * M * p);
            return out;
          });
        });
      });
    },

    teacherSum(spec: TangentSpec, particles: Particles, v: ArrayLike<number>, data: Dataset): Float64Array {
      const M = checkTangentArgs('teacherSum', spec, particles, data, v);
      checkTangentWasm('teacherSum', spec, M, particles, data, v);
      checkTeacher(spec.d, M, data.n, data.T, sizes);
      return tracked(sizes.teacher(spec.d, M, data.n, data.T), 'teacherSum', () => {
        const activation = enums.activation(spec.activation);
        const teacher = new pkg.RawTeacher(activation, spec.d, spec.alpha, M, data.n, data.T);
        return withFreed([teacher], () => {
          f32(wasm, teacher.w_ptr(), M).set(particles.w);
          f32(wasm, teacher.u_ptr(), M * spec.d).set(particles.u);
          f32(wasm, teacher.v_ptr(), M * (1 + spec.d)).set(v);
          f32(wasm, teacher.x_ptr(), data.X.length).set(data.X);
          teacher.set_n(data.n);
          teacher.sum();
          return Float64Array.from(f32(wasm, teacher.out_ptr(), data.n));
        });
      });
    },

    perSampleGradients(params: ModelParams, data: Dataset): Float64Array {
      checkFinalReadout('perSampleGradients', params, data, sizes);
      return tracked(
        sizes.model(params.spec) + sizes.features(params.spec, data.n, data.T),
        'perSampleGradients',
        () => {
          const model = modelOf(params);
          return withFreed([model], () => {
            const feats = features(model, data);
            return withFreed([feats], () => {
              feats.per_sample_gradients(model);
              return Float64Array.from(f32(wasm, feats.jacobian_ptr(), data.n * model.param_len()));
            });
          });
        },
      );
    },

    denseKernel(spec: DenseKernelSpec, A: Dataset, B?: Dataset): Float64Array {
      const { rows, cols } = checkDenseKernelArgs(spec, A, B);
      // The binding copies the inputs and the kernel into wasm memory for the call.
      const bytes = 8 * (A.X.length + (B ? B.X.length : 0) + rows * cols);
      checkCapacity({ what: `denseKernel (${rows} x ${cols})`, bytes, suggestion: TRIDIAGONAL_SUGGESTION });
      return tracked(bytes, 'denseKernel', () => {
        const out = new Float64Array(rows * cols);
        const [activation, readout] = [enums.activation(spec.activation), enums.readout(spec.readout)];
        const xb = B ? Float64Array.from(B.X) : new Float64Array(0);
        pkg.dense_kernel(
          activation,
          readout,
          spec.alpha,
          spec.kind === 'ntk',
          Float64Array.from(A.X),
          A.n,
          xb,
          B ? B.n : 0,
          A.T,
          A.d,
          out,
        );
        return out;
      });
    },

    tridiagonalize(K: ArrayLike<number>, n: number): Tridiagonal {
      checkSquareMatrix(K, n, 'tridiagonalize');
      // The binding copies K and the reflectors into wasm memory for the call (2 n^2 float64 values).
      const bytes = 8 * (2 * n * n + 3 * n);
      checkCapacity({ what: `tridiagonalize (n = ${n})`, bytes, suggestion: TRIDIAGONAL_SUGGESTION });
      return tracked(bytes, 'tridiagonalize', () => {
        const A = Float64Array.from(K);
        const out = {
          d: new Float64Array(n),
          e: new Float64Array(n),
          reflectors: new Float64Array(n * n),
          tau: new Float64Array(n),
        };
        pkg.tridiagonalize(A, n, out.d, out.e, out.reflectors, out.tau);
        return out;
      });
    },

    ntkGram(params: ModelParams, data: Dataset): Float64Array {
      checkFinalReadout('ntkGram', params, data, sizes);
      return tracked(sizes.model(params.spec) + sizes.features(params.spec, data.n, data.T), 'ntkGram', () => {
        const model = modelOf(params);
        return withFreed([model], () => {
          const feats = features(model, data);
          return withFreed([feats], () => {
            feats.ntk_gram(model);
            return Float64Array.from(f32(wasm, feats.gram_ptr(), data.n * data.n));
          });
        });
      });
    },
  };
}
