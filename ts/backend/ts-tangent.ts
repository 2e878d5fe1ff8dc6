/**
 * Reference (pure TS, float64) per-neuron tangent features and transport-map teacher sums of the
 * diagonal recurrence (docs/spec/model.md sections 2 and 9), by forward-mode recursion:
 *
 *   z_t = alpha*w*h_{t-1} + <u, x_t>,   h_t = sigma(z_t),   h_{-1} = 0
 *   dh_t/dw = sigma'(z_t) * (alpha*h_{t-1} + alpha*w*dh_{t-1}/dw)
 *   dh_t/du = sigma'(z_t) * (x_t        + alpha*w*dh_{t-1}/du)      (derivatives 0 at t = -1)
 *   phi_T(X; theta) = (dh_{T-1}/dw, dh_{T-1}/du) in R^{1+d}
 *
 * teacherSum never stores features: <v, phi> is itself a directional derivative, so one scalar
 * tangent per particle is carried through the recursion (a JVP in the direction v_k):
 *
 *   g_t = sigma'(z_t) * (alpha*v_w*h_{t-1} + alpha*w*g_{t-1} + <v_u, x_t>),   g_{T-1} = <v, phi_T>
 */
import { ValidationError } from '../core/errors.js';
import { activations, ACTIVATIONS } from '../core/activations.js';
import type { Dataset } from '../core/types.js';
import type { Kernels, Particles, TangentSpec } from './types.js';
import { checkFits } from '../core/dataset.js';

/** Checks the arguments of the tangent kernels; returns the particle count M. Messages name the argument. */
export function checkTangentArgs(
  where: string,
  spec: TangentSpec,
  particles: Particles,
  data: Dataset,
  v?: ArrayLike<number>,
): number {
  if (!spec || !(ACTIVATIONS as readonly string[]).includes(spec.activation)) {
    throw new ValidationError(
      `${where}: spec.activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(spec?.activation)}`,
    );
  }
  if (!Number.isFinite(spec.alpha))
    throw new ValidationError(`${where}: spec.alpha must be a finite number, got ${spec.alpha}`);
  const d = spec.d;
  if (!Number.isInteger(d) || d < 1) throw new ValidationError(`${where}: spec.d must be a positive integer, got ${d}`);
  checkFits({ d }, data, { data: `${where}: data`, model: 'spec' });
  const M = particles.w.length;
  if (M < 1) throw new ValidationError(`${where}: particles.w is empty (need at least one particle)`);
  if (particles.u.length !== M * d) {
    throw new ValidationError(
      `${where}: particles.u has ${particles.u.length} values, expected M*d = ${M}*${d} = ${M * d} (M = particles.w.length)`,
    );
  }
  if (v !== undefined && v.length !== M * (1 + d)) {
    throw new ValidationError(`${where}: v has ${v.length} values, expected M*(1+d) = ${M}*${1 + d} = ${M * (1 + d)}`);
  }
  return M;
}

function tangentFeatures(spec: TangentSpec, particles: Particles, data: Dataset): Float64Array {
  const M = checkTangentArgs('tangentFeatures', spec, particles, data);
  const { n, T } = data;
  const d = spec.d;
  const p = 1 + d;
  const act = activations[spec.activation];
  const alpha = spec.alpha;
  const X = data.X,
    w = particles.w,
    u = particles.u;
  const out = new Float64Array(n * M * p);
  const du = new Float64Array(d);
  for (let i = 0; i < M; i++) {
    const wi = w[i];
    const aw = alpha * wi;
    for (let j = 0; j < n; j++) {
      let h = 0,
        dw = 0;
      du.fill(0);
      for (let t = 0; t < T; t++) {
        const x0 = (j * T + t) * d;
        let z = aw * h;
        for (let q = 0; q < d; q++) z += u[i * d + q] * X[x0 + q];
        const s = act.df(z);
        dw = s * (alpha * h + aw * dw);
        for (let q = 0; q < d; q++) du[q] = s * (X[x0 + q] + aw * du[q]);
        h = act.f(z);
      }
      const o = (j * M + i) * p;
      out[o] = dw;
      for (let q = 0; q < d; q++) out[o + 1 + q] = du[q];
    }
  }
  return out;
}

function teacherSum(spec: TangentSpec, particles: Particles, v: ArrayLike<number>, data: Dataset): Float64Array {
  const M = checkTangentArgs('teacherSum', spec, particles, data, v);
  const { n, T } = data;
  const d = spec.d;
  const p = 1 + d;
  const act = activations[spec.activation];
  const alpha = spec.alpha;
  const X = data.X,
    w = particles.w,
    u = particles.u;
  const isTanh = spec.activation === 'tanh';
  const out = new Float64Array(n);
  const ui = new Float64Array(d);
  const vu = new Float64Array(d);
  for (let i = 0; i < M; i++) {
    const aw = alpha * w[i];
    const avw = alpha * v[i * p];
    for (let q = 0; q < d; q++) {
      ui[q] = u[i * d + q];
      vu[q] = v[i * p + 1 + q];
    }
    for (let j = 0; j < n; j++) {
      let h = 0,
        g = 0;
      for (let t = 0; t < T; t++) {
        const x0 = (j * T + t) * d;
        let z = aw * h,
          e = avw * h + aw * g;
        for (let q = 0; q < d; q++) {
          const x = X[x0 + q];
          z += ui[q] * x;
          e += vu[q] * x;
        }
        if (isTanh) {
          h = Math.tanh(z);
          g = (1 - h * h) * e;
        } // the common case, one tanh per step
        else {
          g = act.df(z) * e;
          h = act.f(z);
        }
      }
      out[j] += g;
    }
  }
  for (let j = 0; j < n; j++) out[j] /= M;
  return out;
}

export const tangentKernels: Pick<Kernels, 'tangentFeatures' | 'teacherSum'> = {
  tangentFeatures,
  teacherSum,
};
