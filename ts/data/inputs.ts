/**
 * Input sequences (docs/spec/model.md section 1): n sequences x_0..x_{T-1} in R^d, every x_t in the unit ball.
 *
 *   gaussian  x_t = P(scale * xi_t),  xi_t ~ N(0, I_d) i.i.d.                       (default)
 *   ar1       a_0 = xi_0,  a_t = r a_{t-1} + sqrt(1 - r^2) xi_t,  x_t = P(scale * a_t)
 *   uniform   x_t = P(xi_t),  xi_t ~ Uniform[-1, 1]^d i.i.d.  (d = 1: exactly Uniform[-1, 1])
 *
 * P is the projection onto the unit ball (x -> x / max(1, ||x||), a vector outside landing on the sphere
 * of radius 1 - 2^-23): ||x_t|| <= 1 holds exactly for the stored float64 values and for their float32
 * roundings (see projectUnitBall). AR(1) runs on the unprojected
 * latent a_t, a stationary Gaussian process with N(0, I_d) marginals, and projects each output.
 * Draw order: sequence by sequence, time by time, coordinate by coordinate, from the given stream.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import { finite } from '../core/validate.js';

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

/** float32 copies of one vector (rounded by the typed-array store, as the wasm core receives them). */
let rounded = new Float32Array(16);

/** True when x[off .. off+d) has a sum of squares > 1 as float64 or after rounding to float32. */
function outsideUnitBall(x: Float64Array, off: number, d: number): boolean {
  if (rounded.length < d) rounded = new Float32Array(d);
  let s64 = 0,
    s32 = 0;
  for (let q = 0; q < d; q++) {
    const v = x[off + q];
    rounded[q] = v;
    const r = rounded[q];
    s64 += v * v;
    s32 += r * r;
  }
  return s64 > 1 || s32 > 1;
}

/** Radius of the sphere outside vectors are projected onto: 1 - 2^-23, so that ||x|| <= 1 in float64 and float32. */
const PROJECTION_RADIUS = 1 - 2 ** -23;

/**
 * Projects x[off .. off+d) onto the unit ball in place, so that ||x|| <= 1 holds exactly for the
 * stored values: the sum of squares in float64 is <= 1, both of the float64 values and of their
 * float32 roundings (what the wasm core computes with). A vector outside goes to the sphere of
 * radius 1 - 2^-23: far enough inside that float32 rounding (at most 2^-24 per coordinate) cannot
 * push it out, and that engines whose Math functions differ in the last bit still agree on every
 * float32 input (a radius of exactly 1 would make "<= 1" a coin toss in the last bit). A vector
 * inside whose float32 rounding is not (norm within 2^-23 of 1) is shrunk by a margin that doubles
 * from float32's half ulp until it is.
 */
export function projectUnitBall(x: Float64Array, off: number, d: number): void {
  if (!outsideUnitBall(x, off, d)) return;
  let s = 0;
  for (let q = 0; q < d; q++) s += x[off + q] * x[off + q];
  let factor = s > 1 ? PROJECTION_RADIUS / Math.sqrt(s) : 1 - 2 ** -24;
  for (let margin = 2 ** -24; ; margin *= 2) {
    for (let q = 0; q < d; q++) x[off + q] *= factor;
    if (!outsideUnitBall(x, off, d)) return;
    factor = margin >= 1 ? 0 : 1 - margin;
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
