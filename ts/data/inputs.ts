/**
 * Input sequences (MODEL.md section 1): n sequences x_0..x_{T-1} in R^d, every x_t in the unit ball.
 *
 *   gaussian  x_t = P(scale * xi_t),  xi_t ~ N(0, I_d) i.i.d.                       (default)
 *   ar1       a_0 = xi_0,  a_t = r a_{t-1} + sqrt(1 - r^2) xi_t,  x_t = P(scale * a_t)
 *   uniform   x_t = P(xi_t),  xi_t ~ Uniform[-1, 1]^d i.i.d.  (d = 1: exactly Uniform[-1, 1])
 *
 * P is the projection onto the unit ball (x -> x / max(1, ||x||)). AR(1) runs on the unprojected
 * latent a_t, a stationary Gaussian process with N(0, I_d) marginals, and projects each output.
 * Draw order: sequence by sequence, time by time, coordinate by coordinate, from the given stream.
 */
import { z } from 'zod';
import type { Rng } from '../rng.js';
import { finite } from '../validate.js';

const scale = () =>
  finite()
    .refine((s) => s > 0, 'must be > 0')
    .default(1);

export const inputLawSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('gaussian'), scale: scale() }).strict(),
  z
    .object({
      kind: z.literal('ar1'),
      /** correlation r of consecutive inputs, |r| < 1 */
      r: finite().refine((r) => Math.abs(r) < 1, 'must satisfy |r| < 1'),
      scale: scale(),
    })
    .strict(),
  z.object({ kind: z.literal('uniform') }).strict(),
]);

export type InputLaw = z.output<typeof inputLawSchema>;
export type InputLawInput = z.input<typeof inputLawSchema>;

/** Projects x[off .. off+d) onto the unit ball in place. */
export function projectUnitBall(x: Float64Array, off: number, d: number): void {
  let s = 0;
  for (let q = 0; q < d; q++) s += x[off + q] * x[off + q];
  if (s > 1) {
    const inv = 1 / Math.sqrt(s);
    for (let q = 0; q < d; q++) x[off + q] *= inv;
  }
}

/** n*T*d inputs, X[(j*T + t)*d + q], drawn from `rng` in the documented order. */
export function generateInputs(law: InputLaw, n: number, T: number, d: number, rng: Rng): Float64Array {
  const X = new Float64Array(n * T * d);
  const a = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    for (let t = 0; t < T; t++) {
      const off = (j * T + t) * d;
      switch (law.kind) {
        case 'gaussian':
          for (let q = 0; q < d; q++) X[off + q] = law.scale * rng.normal();
          break;
        case 'ar1': {
          const c = Math.sqrt(1 - law.r * law.r);
          for (let q = 0; q < d; q++) {
            const xi = rng.normal();
            a[q] = t === 0 ? xi : law.r * a[q] + c * xi;
            X[off + q] = law.scale * a[q];
          }
          break;
        }
        case 'uniform':
          for (let q = 0; q < d; q++) X[off + q] = 2 * rng.uniform() - 1;
          break;
      }
      projectUnitBall(X, off, d);
    }
  }
  return X;
}

/** A uniformly random unit vector in R^d. */
export function randomUnitVector(d: number, rng: Rng): Float64Array {
  const v = new Float64Array(d);
  for (;;) {
    let s = 0;
    for (let q = 0; q < d; q++) {
      v[q] = rng.normal();
      s += v[q] * v[q];
    }
    if (s > 1e-300) {
      const inv = 1 / Math.sqrt(s);
      for (let q = 0; q < d; q++) v[q] *= inv;
      return v;
    }
  }
}
