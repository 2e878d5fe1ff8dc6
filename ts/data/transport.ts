/**
 * The function class of the diagonal RNN (docs/spec/model.md section 9): transport-map teachers.
 *
 * A transport map v(theta) = (v_w, v_u), |v_w| <= nu_w, ||v_u|| <= nu_u, defines
 *
 *   f_v(X) = E_{theta ~ P_0} <v(theta), phi_T(X; theta)>,   phi_T = grad_theta h_{T-1}  (tangent feature)
 *
 * and the generator returns the Monte-Carlo estimate (1/M) sum_k <v(theta^k), phi_T(X; theta^k)>
 * over M teacher particles theta^k ~ P_0 (the init law of one diagonal neuron: w ~ Uniform[-1,1] |
 * Rademacher | N(0,1), u ~ N(0, I_d)), drawn from the stream 'data/teacher-particles' of the data
 * seed — independent of any student (whose init uses the stream 'init').
 *
 * Maps (beta, gamma unit vectors, kappa > 0; psi = tanh by default, cos for the "even" variant):
 *   linear  v = (0, nu_u beta)
 *   input   v = (0, nu_u cos(kappa <u, gamma>) beta)
 *   memory  v = (nu_w psi(kappa <u, gamma>), 0)
 *   mix     input + memory
 *
 * The value is computed by `backend.kernels.teacherSum` only (never a specific implementation).
 *
 * Monte-Carlo error (our design): the standard error of the particle average at each sequence,
 * SE_j = s_j / sqrt(M), where s_j^2 is the sample variance of the per-particle values
 * g_k(X_j) = <v_k, phi_T(X_j; theta^k)> over the first `seParticles` particles (an i.i.d.
 * subsample), computed by `backend.kernels.tangentFeatures` in chunks of particles. With antithetic
 * pairs (theta, (w, -u)) the unit is the pair: SE_j = s~_j / sqrt(M/2) with s~_j over pair means.
 *
 * Oracle parameters and the approximation floor of a student for a map: ./oracle.ts.
 */
import { ValidationError } from '../core/errors.js';
import { z } from 'zod';
import { activationSchema, wInitSchema } from '../core/config.js';
import type { Backend, Particles, TangentSpec } from '../backend/types.js';
import { makeRng, type Rng, type Seed } from '../core/rng.js';
import type { Dataset, Readout, WInit } from '../core/types.js';
import { finite, positiveInt } from '../core/validate.js';
import { randomUnitVector } from './inputs.js';

export const MAP_KINDS = ['linear', 'input', 'memory', 'mix'] as const;
export type MapKind = (typeof MAP_KINDS)[number];

const nonNegative = (def: number) =>
  finite()
    .refine((x) => x >= 0, 'must be >= 0')
    .default(def);

/** Options of the transport-map teacher (the system 'transport'). */
export const transportOptionsSchema = z
  .object({
    /** which transport map */
    map: z.enum(MAP_KINDS).default('mix'),
    /** number of teacher particles */
    M: positiveInt().default(10000),
    /** the class's recurrence: sigma and alpha of h_t = sigma(alpha*w*h_{t-1} + <u, x_t>) */
    activation: activationSchema.default('tanh'),
    alpha: finite().default(0.5),
    /** law of w under P_0 (as the student's init option `w`) */
    wInit: wInitSchema.default('uniform'),
    nuW: nonNegative(1),
    nuU: nonNegative(1),
    kappa: finite()
      .refine((k) => k > 0, 'must be > 0')
      .default(1),
    /** direction of v_u (length d, normalized); default: a seeded random unit vector */
    beta: z.array(finite()).optional(),
    /** direction inside the nonlinearity (length d, normalized); default: a seeded random unit vector */
    gamma: z.array(finite()).optional(),
    /** psi of the memory channel: 'tanh' (odd in u, the paper-style map) or 'cos' (even: f = 0 for odd sigma) */
    memoryFn: z.enum(['tanh', 'cos']).default('tanh'),
    /** draw particles in antithetic pairs (w, u), (w, -u) */
    antithetic: z.boolean().default(false),
    /** particles used to estimate the Monte-Carlo standard error (0: skip the estimate) */
    seParticles: z.number().int('must be an integer').nonnegative('must be >= 0').default(1024),
  })
  .strict();

export type TransportOptions = z.output<typeof transportOptionsSchema>;
export type TransportOptionsInput = z.input<typeof transportOptionsSchema>;

/** A resolved transport map: everything v(theta) depends on. */
export interface TransportMap {
  readonly kind: MapKind;
  readonly nuW: number;
  readonly nuU: number;
  readonly kappa: number;
  readonly beta: Float64Array;
  readonly gamma: Float64Array;
  readonly memoryFn: 'tanh' | 'cos';
}

/** The teacher: its tangent spec, particles and their map values v_k. */
export interface ClassTeacher {
  readonly spec: TangentSpec;
  readonly map: TransportMap;
  readonly particles: { w: Float64Array; u: Float64Array };
  /** v_k, M*(1+d) values, v[k*(1+d) + q], q = 0 the w-part */
  readonly v: Float64Array;
  readonly antithetic: boolean;
}

function unitVector(values: readonly number[] | undefined, d: number, field: string, rng: Rng): Float64Array {
  const drawn = randomUnitVector(d, rng); // always drawn, so beta's default does not depend on whether gamma is given
  if (values === undefined) return drawn;
  if (values.length !== d)
    throw new ValidationError(`transport options: field '${field}' has ${values.length} values, expected d = ${d}`);
  let s = 0;
  for (const x of values) s += x * x;
  if (!(s > 0))
    throw new ValidationError(
      `transport options: field '${field}' must be a nonzero vector (it is normalized to unit length)`,
    );
  const inv = 1 / Math.sqrt(s);
  return Float64Array.from(values, (x) => x * inv);
}

/** Resolves the map: beta then gamma default to seeded random unit vectors (stream 'data/teacher-directions'). */
export function resolveMap(opts: TransportOptions, d: number, seed: Seed): TransportMap {
  const rng = makeRng(seed, 'data/teacher-directions');
  const beta = unitVector(opts.beta, d, 'beta', rng);
  const gamma = unitVector(opts.gamma, d, 'gamma', rng);
  return { kind: opts.map, nuW: opts.nuW, nuU: opts.nuU, kappa: opts.kappa, beta, gamma, memoryFn: opts.memoryFn };
}

/** The same map with nu_w, nu_u multiplied by s (every map is linear in (nu_w, nu_u)). */
export const scaleMap = (map: TransportMap, s: number): TransportMap => ({
  ...map,
  nuW: map.nuW * s,
  nuU: map.nuU * s,
});

/** Radius nu = sqrt(nu_w^2 + nu_u^2) bounding ||v(theta)||. */
export const mapRadius = (map: TransportMap): number => Math.hypot(map.nuW, map.nuU);

/** v(theta_k) for M neurons with input weights u (M*d): M*(1+d) values. v depends on u only. */
export function mapValues(map: TransportMap, u: ArrayLike<number>, M: number, d: number): Float64Array {
  if (u.length !== M * d) throw new ValidationError(`mapValues: u has ${u.length} values, expected M*d = ${M * d}`);
  if (map.beta.length !== d || map.gamma.length !== d) {
    throw new ValidationError(
      `mapValues: beta/gamma have length ${map.beta.length}/${map.gamma.length}, expected d = ${d}`,
    );
  }
  const p = 1 + d;
  const v = new Float64Array(M * p);
  const psi = map.memoryFn === 'tanh' ? Math.tanh : Math.cos;
  for (let k = 0; k < M; k++) {
    let ug = 0;
    for (let q = 0; q < d; q++) ug += u[k * d + q] * map.gamma[q];
    const a = map.kappa * ug;
    let vw = 0,
      cu = 0;
    switch (map.kind) {
      case 'linear':
        cu = map.nuU;
        break;
      case 'input':
        cu = map.nuU * Math.cos(a);
        break;
      case 'memory':
        vw = map.nuW * psi(a);
        break;
      case 'mix':
        cu = map.nuU * Math.cos(a);
        vw = map.nuW * psi(a);
        break;
    }
    v[k * p] = vw;
    for (let q = 0; q < d; q++) v[k * p + 1 + q] = cu * map.beta[q];
  }
  return v;
}

/** A draw of w under the init law (same formulas as `initialize`). */
export function wDrawer(law: WInit, rng: Rng): () => number {
  return { uniform: () => 2 * rng.uniform() - 1, rademacher: rng.rademacher, normal: rng.normal }[law];
}

/**
 * M teacher particles from P_0, stream 'data/teacher-particles' of `seed`. Draw order: per particle
 * (per pair when antithetic) w then u_0..u_{d-1}. Antithetic: particle 2k+1 = (w_{2k}, -u_{2k}).
 */
export function drawParticles(
  M: number,
  d: number,
  law: WInit,
  seed: Seed,
  antithetic = false,
): { w: Float64Array; u: Float64Array } {
  if (antithetic && M % 2 !== 0)
    throw new ValidationError(`transport options: field 'M' must be even with antithetic particles, got ${M}`);
  const rng = makeRng(seed, 'data/teacher-particles');
  const drawW = wDrawer(law, rng);
  const w = new Float64Array(M);
  const u = new Float64Array(M * d);
  const step = antithetic ? 2 : 1;
  for (let k = 0; k < M; k += step) {
    w[k] = drawW();
    for (let q = 0; q < d; q++) u[k * d + q] = rng.normal();
    if (antithetic) {
      w[k + 1] = w[k];
      for (let q = 0; q < d; q++) u[(k + 1) * d + q] = -u[k * d + q];
    }
  }
  return { w, u };
}

/** The teacher of the class for validated options, data dimension d and seed. */
export function makeClassTeacher(opts: TransportOptions, d: number, seed: Seed): ClassTeacher {
  const map = resolveMap(opts, d, seed);
  const particles = drawParticles(opts.M, d, opts.wInit, seed, opts.antithetic);
  return {
    spec: { activation: opts.activation, alpha: opts.alpha, d },
    map,
    particles,
    v: mapValues(map, particles.u, opts.M, d),
    antithetic: opts.antithetic,
  };
}

/** The first `len` steps of every sequence (targets left empty: the kernels read only X). */
export function prefixData(data: Dataset, len: number): Dataset {
  const { n, T, d } = data;
  if (len === T) return data;
  const X = new Float64Array(n * len * d);
  for (let j = 0; j < n; j++) X.set(data.X.subarray(j * T * d, (j * T + len) * d), j * len * d);
  return { n, T: len, d, X, Y: new Float64Array(n) };
}

/**
 * Applies a per-sequence function of the final step for readout 'final' (n values), or to every
 * prefix for readout 'all' (n*T values, index j*T + t). Cost of 'all': T calls on prefixes.
 */
export function perReadout(data: Dataset, readout: Readout, fn: (ds: Dataset) => Float64Array): Float64Array {
  if (readout === 'final') return fn(data);
  const { n, T } = data;
  const out = new Float64Array(n * T);
  for (let t = 0; t < T; t++) {
    const vals = fn(prefixData(data, t + 1));
    for (let j = 0; j < n; j++) out[j * T + t] = vals[j];
  }
  return out;
}

/** The teacher's targets f_v(X_j) (readout final) or f_v(X_j[0..t]) (readout all), via backend.kernels.teacherSum. */
export function teacherValues(
  teacher: ClassTeacher,
  data: Dataset,
  backend: Backend,
  readout: Readout = 'final',
): Float64Array {
  return perReadout(data, readout, (ds) => backend.kernels.teacherSum(teacher.spec, teacher.particles, teacher.v, ds));
}

/**
 * Monte-Carlo standard errors of the teacher values (same layout as `teacherValues`), from the
 * per-particle values of the first `subset` particles (rounded down to whole antithetic pairs).
 */
export function teacherStdErr(
  teacher: ClassTeacher,
  data: Dataset,
  backend: Backend,
  readout: Readout = 'final',
  subset = 1024,
  chunk = 128,
): Float64Array {
  const M = teacher.particles.w.length;
  const group = teacher.antithetic ? 2 : 1;
  const units = Math.floor(Math.min(subset, M) / group);
  if (units < 2)
    throw new ValidationError(
      `teacherStdErr: need at least 2 ${group === 2 ? 'antithetic pairs' : 'particles'} to estimate a variance (subset = ${subset}, M = ${M})`,
    );
  const unitsTotal = M / group;
  const d = teacher.spec.d;
  const p = 1 + d;
  const chunkUnits = Math.max(1, Math.floor(chunk / group));
  return perReadout(data, readout, (ds) => {
    const n = ds.n;
    const mean = new Float64Array(n);
    const m2 = new Float64Array(n);
    let count = 0;
    for (let u0 = 0; u0 < units; u0 += chunkUnits) {
      const u1 = Math.min(units, u0 + chunkUnits);
      const k0 = u0 * group,
        k1 = u1 * group,
        Mc = k1 - k0;
      const sub: Particles = {
        w: teacher.particles.w.subarray(k0, k1),
        u: teacher.particles.u.subarray(k0 * d, k1 * d),
      };
      const phi = backend.kernels.tangentFeatures(teacher.spec, sub, ds);
      for (let unit = 0; unit < u1 - u0; unit++) {
        count++;
        for (let j = 0; j < n; j++) {
          let g = 0;
          for (let r = 0; r < group; r++) {
            const k = unit * group + r;
            const o = (j * Mc + k) * p;
            const vo = (k0 + k) * p;
            for (let q = 0; q < p; q++) g += teacher.v[vo + q] * phi[o + q];
          }
          g /= group;
          const delta = g - mean[j]; // Welford
          mean[j] += delta / count;
          m2[j] += delta * (g - mean[j]);
        }
      }
    }
    const se = new Float64Array(n);
    for (let j = 0; j < n; j++) se[j] = Math.sqrt(m2[j] / (count - 1) / unitsTotal);
    return se;
  });
}

/** Target normalization y' = (y - offset) / scale (identity: offset 0, scale 1). */
export interface Normalization {
  offset: number;
  scale: number;
}
