/** The Rust-core backends' (wasm, native) tangent-feature kernels: thin wrappers over the RawFeatures and RawTeacher classes. */
import { ValidationError } from '../core/errors.js';
import type { Dataset, ModelParams } from '../core/types.js';
import { MODEL_LIMITS } from '../core/config.js';
import { FLOAT32_MAX } from '../core/validate.js';
import { checkCapacity, checkFeatures, checkModel, checkTeacher, type CoreSizes } from './capacity.js';
import { checkTangentArgs } from './ts-tangent.js';
import { checkGradientInputs } from './ts-ntk.js';
import type { DenseKernelSpec, Kernels, Particles, TangentSpec, Tridiagonal } from './types.js';
import { checkDenseKernelArgs } from './ts-dense-kernel.js';

const TRIDIAGONAL_SUGGESTION = 'Use the ts backend (its kernels use JavaScript memory) or fewer outputs.';
import type { CoreBinding } from './core-backend.js';
import type { RawEnums } from './wasm-enums.js';
import { call } from './wasm-errors.js';
import { checkFinite, checkSquareMatrix } from './checks.js';

type Raw = { free(): void };
/** Runs `body` with freshly made core objects and frees them on every exit path. */
function withFreed<T>(objects: Raw[], body: () => T): T {
  try {
    return body();
  } finally {
    for (const o of objects.reverse()) o.free();
  }
}

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

export function coreKernels(core: CoreBinding, enums: RawEnums, sizes: CoreSizes): Kernels {
  const { pkg, memory } = core;
  /** `len` float32 values of a buffer as a new Float64Array. */
  const read = (raw: object, ptr: number, len: number) => Float64Array.from(memory.f32(raw, ptr, len));

  /** Counts the call's temporary core objects as live memory (wasm: refused past 4 GiB) while `body` runs. */
  function tracked<T>(bytes: number, what: string, body: () => T): T {
    const release = core.track(bytes, what);
    try {
      return call(what, body);
    } finally {
      release();
    }
  }

  /** A Model in the core holding the student's parameters. */
  function modelOf(params: ModelParams) {
    const s = params.spec;
    const [recurrence, activation] = [enums.recurrence(s.recurrence), enums.activation(s.activation)];
    const model = new pkg.RawModel(recurrence, activation, enums.readout('final'), s.m, s.d, s.alpha);
    memory.setF32(model, model.w_ptr(), params.W);
    memory.setF32(model, model.u_ptr(), params.U);
    memory.setF32(model, model.c_ptr(), params.c);
    return model;
  }

  function features(model: InstanceType<typeof pkg.RawModel>, data: Dataset) {
    const feats = new pkg.RawFeatures(model, data.n, data.T);
    memory.setF32(feats, feats.x_ptr(), data.X);
    feats.set_n(data.n);
    return feats;
  }

  return {
    tangentFeatures(spec: TangentSpec, particles: Particles, data: Dataset): Float64Array {
      const M = checkTangentArgs('tangentFeatures', spec, particles, data);
      checkTangentWasm('tangentFeatures', spec, M, particles, data);
      const { d } = spec;
      const p = 1 + d;
      // The core's Model needs an even width: pad an odd particle count with one zero neuron (dropped below).
      const m = M % 2 === 0 ? M : M + 1;
      if (m > MODEL_LIMITS.m) {
        throw new ValidationError(
          `tangentFeatures: M = ${M} particles exceed the core's width limit ${MODEL_LIMITS.m}; compute the features in groups of particles (they are independent)`,
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
          memory.setF32(model, model.w_ptr(), particles.w);
          memory.setF32(model, model.u_ptr(), particles.u);
          const feats = features(model, data);
          return withFreed([feats], () => {
            feats.tangent_features(model);
            const raw = memory.f32(feats, feats.tangent_ptr(), data.n * m * p);
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
          memory.setF32(teacher, teacher.w_ptr(), particles.w);
          memory.setF32(teacher, teacher.u_ptr(), particles.u);
          memory.setF32(teacher, teacher.v_ptr(), v);
          memory.setF32(teacher, teacher.x_ptr(), data.X);
          teacher.set_n(data.n);
          teacher.sum();
          return read(teacher, teacher.out_ptr(), data.n);
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
              return read(feats, feats.jacobian_ptr(), data.n * model.param_len());
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
      // The wasm binding copies K and the reflectors into wasm memory for the call (2 n^2 float64 values).
      const bytes = 8 * (2 * n * n + 3 * n);
      checkCapacity({
        what: `tridiagonalize (n = ${n})`,
        bytes,
        suggestion: TRIDIAGONAL_SUGGESTION,
        memory: core.name,
      });
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
            return read(feats, feats.gram_ptr(), data.n * data.n);
          });
        });
      });
    },
  };
}
