/**
 * The linearized wide teacher for the dense recurrence (docs/spec/model.md section 9, our construction):
 *
 *   f(X) = <grad_Theta f(X; Theta_T(0)), V> = d/de f(X; Theta_T(0) + e V) at e = 0
 *
 * with Theta_T(0) a dense init of width mTeacher (its own seed: `initialize` with seed
 * "<seed>/dense-teacher", scheme `init`, default 'halves' so gradients reach every step) and a bounded random direction V in the span of the teacher's tangent
 * features:
 *
 *   V = nu * G / ||G||_2,   G = sum_{l<L} a_l grad_Theta f(Z_l; Theta_T(0)),   a_l ~ N(0, 1)
 *
 * with L anchor sequences Z_l drawn from the data's input law (stream 'data/dense-teacher-anchors',
 * coefficients from the same stream after the anchors). So ||V||_2 = nu and
 * f(X) = (nu/||G||) sum_l a_l K(X, Z_l): a random element of the empirical-NTK RKHS of norm nu.
 * (A direction drawn uniformly at random in R^{m^2+md} would be almost orthogonal to every
 * gradient and give targets of size O(1/m); this keeps them O(1).) The anchor gradients come from
 * the float64 ts reference BPTT (one sequence each).
 *
 * The directional derivative is an explicit forward-mode (JVP) recursion in float64 — no finite
 * differences. With s = alpha / sqrt(m), dot = tangent:
 *
 *   z_t  = s W h_{t-1} + U x_t,                      h_t  = sigma(z_t)
 *   dz_t = s (V_W h_{t-1} + W dh_{t-1}) + V_U x_t,   dh_t = sigma'(z_t) dz_t,   h_{-1} = dh_{-1} = 0
 *   f_t  = (1/sqrt(m)) sum_i c_i dh_{i,t}          (readout final: t = T-1 only)
 */
import { ValidationError } from '../core/errors.js';
import { z } from 'zod';
import { activationSchema, initSchemeSchema } from '../core/config.js';
import { forwardSequence, sequenceScratch, tangentSequence } from '../backend/reference-rnn.js';
import { tsBackend } from '../backend/ts-backend.js';
import { initialize } from '../train/init.js';
import { makeRng, type Seed } from '../core/rng.js';
import { targetsPerSequence, uLength, wLength, type Dataset, type ModelParams, type Readout } from '../core/types.js';
import { finite, positiveInt } from '../core/validate.js';
import { generateInputs, type InputLaw } from './inputs.js';
import { checkFits } from '../core/dataset.js';

export const denseTeacherOptionsSchema = z
  .object({
    /** teacher width (even) */
    mTeacher: positiveInt()
      .refine((m) => m % 2 === 0, 'must be even (symmetric init)')
      .default(128),
    activation: activationSchema.default('tanh'),
    alpha: finite().default(0.5),
    /** ||V||_2 = nu */
    nu: finite()
      .refine((x) => x > 0, 'must be > 0')
      .default(1),
    /** number L of anchor sequences spanning V */
    anchors: positiveInt().default(8),
    /** the scheme of Theta_T(0) (docs/spec/model.md section 4); 'paired' reproduces data of earlier versions */
    init: initSchemeSchema.default('halves'),
  })
  .strict();

export type DenseTeacherOptions = z.output<typeof denseTeacherOptionsSchema>;

export interface DenseTeacher {
  /** Theta_T(0) (dense, W0 = W, U0 = U) */
  readonly params: ModelParams;
  /** the direction V: W part (m*m) and U part (m*d), same layout as W and U */
  readonly VW: Float64Array;
  readonly VU: Float64Array;
  /** sqrt(m) * max_i ||V_i||: the max-norm radius of Theta_T(0) + V (Omega(rho, m) of docs/spec/model.md section 6) */
  readonly maxNormRadius: number;
}

/** grad_Theta f(Z; params) of one sequence (readout final), float64, via the reference BPTT. */
function outputGradient(params: ModelParams, Z: Float64Array, T: number): { W: Float64Array; U: Float64Array } {
  const spec = { ...params.spec, readout: 'final' as const };
  const net = tsBackend({ dtype: 'float64' }).network({ ...params, spec });
  const ws = net.workspace(1, T);
  const data: Dataset = { n: 1, T, d: spec.d, X: Z, Y: new Float64Array(1) };
  ws.setData(data);
  const f = ws.forward().predictions[0];
  ws.setData({ ...data, Y: Float64Array.of(f - 1) }); // R = (f - y)^2 / 2 with f - y = 1: grad R = grad f
  ws.lossGrad();
  return { W: net.read('gradW') as Float64Array, U: net.read('gradU') as Float64Array };
}

/** Draws the teacher: the init from `initialize`, then V from the anchors (see the file comment). */
export function makeDenseTeacher(
  opts: DenseTeacherOptions,
  d: number,
  T: number,
  law: InputLaw,
  seed: Seed,
): DenseTeacher {
  const m = opts.mTeacher;
  const params = initialize(
    { recurrence: 'dense', activation: opts.activation, readout: 'final', m, d, alpha: opts.alpha },
    { seed: `${seed}/dense-teacher`, scheme: opts.init },
  );
  const rng = makeRng(seed, 'data/dense-teacher-anchors');
  const Z = generateInputs(law, opts.anchors, T, d, rng);
  const VW = new Float64Array(m * m);
  const VU = new Float64Array(m * d);
  for (let l = 0; l < opts.anchors; l++) {
    const a = rng.normal();
    const g = outputGradient(params, Z.subarray(l * T * d, (l + 1) * T * d), T);
    for (let k = 0; k < VW.length; k++) VW[k] += a * g.W[k];
    for (let k = 0; k < VU.length; k++) VU[k] += a * g.U[k];
  }
  let s = 0;
  for (const x of VW) s += x * x;
  for (const x of VU) s += x * x;
  if (!(s > 0))
    throw new ValidationError(
      "data config: field 'anchors': the dense teacher's anchor gradients vanish (all zero); use more anchors, another seed, alpha or activation",
    );
  const f = opts.nu / Math.sqrt(s);
  let maxRow = 0;
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let k = i * m; k < (i + 1) * m; k++) {
      VW[k] *= f;
      r += VW[k] * VW[k];
    }
    for (let k = i * d; k < (i + 1) * d; k++) {
      VU[k] *= f;
      r += VU[k] * VU[k];
    }
    maxRow = Math.max(maxRow, r);
  }
  return { params, VW, VU, maxNormRadius: Math.sqrt(m * maxRow) };
}

/**
 * The JVP <grad_Theta f(X; Theta), (VW, VU)> of a dense network at `params` (W, U) for every
 * sequence: n values (readout final) or n*T values, index j*T + t (readout all).
 */
export function denseJvp(
  params: ModelParams,
  VW: ArrayLike<number>,
  VU: ArrayLike<number>,
  data: Dataset,
  readout: Readout,
): Float64Array {
  const { m, d } = params.spec;
  if (params.spec.recurrence !== 'dense')
    throw new ValidationError(`denseJvp: needs a dense model, got '${params.spec.recurrence}'`);
  checkFits({ d }, data, { data: 'denseJvp: data', model: 'the teacher' });
  if (VW.length !== wLength(params.spec) || VU.length !== uLength(params.spec))
    throw new ValidationError(
      `denseJvp: V has ${VW.length} + ${VU.length} values, expected m*m + m*d = ${wLength(params.spec)} + ${uLength(params.spec)}`,
    );
  const { n, T, X } = data;
  const per = targetsPerSequence(readout, T);
  const out = new Float64Array(n * per);
  const outScale = 1 / Math.sqrt(m);
  // The reference recursion and its forward-mode pass along V: Hdot[t*m+i] = <d h_{i,t}/d Theta, V>.
  const s = sequenceScratch(m, T);
  const Hdot = new Float64Array(T * m);
  for (let j = 0; j < n; j++) {
    forwardSequence(params.spec, params.W, params.U, X, j, T, s);
    tangentSequence(params.spec, params.W, VW, VU, X, j, T, s, Hdot);
    for (let t = per === 1 ? T - 1 : 0; t < T; t++) {
      let f = 0;
      for (let i = 0; i < m; i++) f += params.c[i] * Hdot[t * m + i];
      out[j * per + (per === 1 ? 0 : t)] = f * outScale;
    }
  }
  return out;
}

/** Targets of the dense linearized wide teacher. */
export function denseTeacherValues(teacher: DenseTeacher, data: Dataset, readout: Readout): Float64Array {
  return denseJvp(teacher.params, teacher.VW, teacher.VU, data, readout);
}
