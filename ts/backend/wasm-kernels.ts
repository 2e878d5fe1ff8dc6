/** The wasm backend's tangent-feature kernels: thin wrappers over rnn-wasm's Features and Teacher classes. */
import { uLength, wLength, type Dataset, type ModelParams } from '../types.js';
import { ValidationError } from '../validate.js';
import { checkTangentArgs } from './ts-tangent.js';
import type { Kernels, Particles, TangentSpec } from './types.js';
import type { LoadedWasm } from './wasm-loader.js';

const ACTIVATION = { tanh: 0, sigmoid: 1, sin: 2, relu: 3 } as const;
const RECURRENCE = { dense: 0, diagonal: 1 } as const;

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

function checkFinalReadout(what: string, params: ModelParams, data: Dataset): void {
  if (params.spec.readout !== 'final') {
    throw new ValidationError(`${what}: readout '${params.spec.readout}' is not supported; per-sample gradients and the NTK are defined for readout 'final'`);
  }
  if (data.d !== params.spec.d) throw new ValidationError(`${what}: data has d = ${data.d} but the model has d = ${params.spec.d}`);
  if (data.X.length !== data.n * data.T * data.d) {
    throw new ValidationError(`${what}: X has ${data.X.length} values, expected n*T*d = ${data.n * data.T * data.d}`);
  }
}

export function wasmKernels(wasm: LoadedWasm): Kernels {
  const { pkg } = wasm;

  /** A Model on wasm holding the student's parameters. */
  function modelOf(params: ModelParams) {
    const s = params.spec;
    const model = new pkg.Model(RECURRENCE[s.recurrence], ACTIVATION[s.activation], 0, s.m, s.d, s.alpha);
    f32(wasm, model.w_ptr(), wLength(s)).set(params.W);
    f32(wasm, model.u_ptr(), uLength(s)).set(params.U);
    f32(wasm, model.c_ptr(), s.m).set(params.c);
    return model;
  }

  function features(model: InstanceType<typeof pkg.Model>, data: Dataset) {
    const feats = new pkg.Features(model, data.n, data.T);
    f32(wasm, feats.x_ptr(), data.X.length).set(data.X);
    feats.set_n(data.n);
    return feats;
  }

  return {
    tangentFeatures(spec: TangentSpec, particles: Particles, data: Dataset): Float64Array {
      const M = checkTangentArgs('tangentFeatures', spec, particles, data);
      const { d } = spec;
      const p = 1 + d;
      // The wasm Model needs an even width: pad an odd particle count with one zero neuron (dropped below).
      const m = M % 2 === 0 ? M : M + 1;
      const model = new pkg.Model(RECURRENCE.diagonal, ACTIVATION[spec.activation], 0, m, d, spec.alpha);
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
    },

    teacherSum(spec: TangentSpec, particles: Particles, v: ArrayLike<number>, data: Dataset): Float64Array {
      const M = checkTangentArgs('teacherSum', spec, particles, data, v);
      const teacher = new pkg.Teacher(ACTIVATION[spec.activation], spec.d, spec.alpha, M, data.n, data.T);
      return withFreed([teacher], () => {
        f32(wasm, teacher.w_ptr(), M).set(particles.w);
        f32(wasm, teacher.u_ptr(), M * spec.d).set(particles.u);
        f32(wasm, teacher.v_ptr(), M * (1 + spec.d)).set(v);
        f32(wasm, teacher.x_ptr(), data.X.length).set(data.X);
        teacher.set_n(data.n);
        teacher.sum();
        return Float64Array.from(f32(wasm, teacher.out_ptr(), data.n));
      });
    },

    perSampleGradients(params: ModelParams, data: Dataset): Float64Array {
      checkFinalReadout('perSampleGradients', params, data);
      const model = modelOf(params);
      return withFreed([model], () => {
        const feats = features(model, data);
        return withFreed([feats], () => {
          feats.per_sample_gradients(model);
          return Float64Array.from(f32(wasm, feats.jacobian_ptr(), data.n * model.param_len()));
        });
      });
    },

    ntkGram(params: ModelParams, data: Dataset): Float64Array {
      checkFinalReadout('ntkGram', params, data);
      const model = modelOf(params);
      return withFreed([model], () => {
        const feats = features(model, data);
        return withFreed([feats], () => {
          feats.ntk_gram(model);
          return Float64Array.from(f32(wasm, feats.gram_ptr(), data.n * data.n));
        });
      });
    },
  };
}
