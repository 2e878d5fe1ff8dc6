/** Projection onto the max-norm or l2 ball around the initialization (docs/spec/model.md section 6). */
import type { FloatArray, ModelSpec, Projection } from './types.js';

/**
 * Squared distance ||theta_i - theta_i(0)||^2 of neuron i (row i of W, or w_i, together with u_i):
 * one float64 sum over the W part, then the U part. The Rust core's projection sums in the same
 * order, so the radius it enforces and the one the metrics record are the same number.
 */
function neuronDistanceSq(
  spec: ModelSpec,
  W: FloatArray,
  U: FloatArray,
  W0: FloatArray,
  U0: FloatArray,
  i: number,
): number {
  const wPer = spec.recurrence === 'dense' ? spec.m : 1;
  let s = 0;
  for (let k = i * wPer; k < (i + 1) * wPer; k++) {
    const e = W[k] - W0[k];
    s += e * e;
  }
  for (let k = i * spec.d; k < (i + 1) * spec.d; k++) {
    const e = U[k] - U0[k];
    s += e * e;
  }
  return s;
}

/** neuronDistanceSq of every neuron. */
export function neuronDistancesSq(
  spec: ModelSpec,
  W: FloatArray,
  U: FloatArray,
  W0: FloatArray,
  U0: FloatArray,
): Float64Array {
  const out = new Float64Array(spec.m);
  for (let i = 0; i < spec.m; i++) out[i] = neuronDistanceSq(spec, W, U, W0, U0, i);
  return out;
}

/** The half ulp of the storage (float32 or float64) the parameters are rounded to. */
const halfUlp = (a: FloatArray): number => (a instanceof Float32Array ? 2 ** -24 : 2 ** -53);

/**
 * Shrinks towards Theta(0) until `radius() <= rho` holds for the stored (rounded) values: the
 * closed-form scale rho / r first, then, when rounding left the result just outside, by a margin
 * that doubles from the storage's half ulp (at worst the scale reaches 0: Theta(0) itself).
 */
function shrinkInto(rho: number, first: number, radius: () => number, shrink: (scale: number) => void): void {
  let r = radius();
  let margin = 0;
  while (r > rho) {
    shrink(margin >= 1 ? 0 : (rho / r) * (1 - margin));
    r = radius();
    margin = margin === 0 ? first : margin * 2;
  }
}

/**
 * In place: theta <- Theta(0) + scaled displacement, per neuron (maxnorm) or as a whole (l2).
 * Afterwards the radius the metrics record (metrics.ts: sqrt(m) * max_i ||theta_i - theta_i(0)||,
 * or ||Theta - Theta(0)||) is <= rho exactly, in the storage's precision (float32 or float64); the
 * Rust core does the same with the same sums, so both backends keep the documented invariant.
 */
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
  const first = halfUlp(W);
  const scaleNeuron = (i: number, scale: number) => {
    for (let k = i * wPer; k < (i + 1) * wPer; k++) W[k] = W0[k] + (W[k] - W0[k]) * scale;
    for (let k = i * d; k < (i + 1) * d; k++) U[k] = U0[k] + (U[k] - U0[k]) * scale;
  };
  const neuronDistSq = (i: number): number => neuronDistanceSq(spec, W, U, W0, U0, i);
  if (p.kind === 'maxnorm') {
    const sqrtM = Math.sqrt(m);
    for (let i = 0; i < m; i++) {
      shrinkInto(
        p.rho,
        first,
        () => sqrtM * Math.sqrt(neuronDistSq(i)),
        (scale) => scaleNeuron(i, scale),
      );
    }
  } else {
    const total = () => {
      let t = 0;
      for (let i = 0; i < m; i++) t += neuronDistSq(i);
      return Math.sqrt(t);
    };
    shrinkInto(p.rho, first, total, (scale) => {
      for (let i = 0; i < m; i++) scaleNeuron(i, scale);
    });
  }
}
