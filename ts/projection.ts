/** Projection onto the max-norm or l2 ball around the initialization (MODEL.md section 6). */
import type { FloatArray, ModelSpec, Projection } from './types.js';

/** Squared distance ||theta_i - theta_i(0)||^2 of each neuron (row i of W, or w_i, together with u_i). */
export function neuronDistancesSq(
  spec: ModelSpec,
  W: FloatArray,
  U: FloatArray,
  W0: FloatArray,
  U0: FloatArray,
): Float64Array {
  const { m, d } = spec;
  const wPer = spec.recurrence === 'dense' ? m : 1;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let k = i * wPer; k < (i + 1) * wPer; k++) {
      const e = W[k] - W0[k];
      s += e * e;
    }
    for (let k = i * d; k < (i + 1) * d; k++) {
      const e = U[k] - U0[k];
      s += e * e;
    }
    out[i] = s;
  }
  return out;
}

/** In place: theta <- Theta(0) + scaled displacement, per neuron (maxnorm) or as a whole (l2). */
export function project(
  spec: ModelSpec,
  W: FloatArray,
  U: FloatArray,
  W0: FloatArray,
  U0: FloatArray,
  p: Projection,
): void {
  if (p.kind === 'none') return;
  const { m, d } = spec;
  const wPer = spec.recurrence === 'dense' ? m : 1;
  const dist2 = neuronDistancesSq(spec, W, U, W0, U0);
  const scaleNeuron = (i: number, scale: number) => {
    for (let k = i * wPer; k < (i + 1) * wPer; k++) W[k] = W0[k] + (W[k] - W0[k]) * scale;
    for (let k = i * d; k < (i + 1) * d; k++) U[k] = U0[k] + (U[k] - U0[k]) * scale;
  };
  if (p.kind === 'maxnorm') {
    const radius = p.rho / Math.sqrt(m);
    for (let i = 0; i < m; i++) {
      const dist = Math.sqrt(dist2[i]);
      if (dist > radius) scaleNeuron(i, radius / dist);
    }
  } else {
    let total = 0;
    for (let i = 0; i < m; i++) total += dist2[i];
    const dist = Math.sqrt(total);
    if (dist > p.rho) for (let i = 0; i < m; i++) scaleNeuron(i, p.rho / dist);
  }
}
