/**
 * Classic dynamical systems (docs/spec/model.md section 9, "beside the class"), for readout 'final'
 * (Y[j] = the output at t = T-1) and 'all' (Y[j*T + t] = the output at every t). Every system is a
 * pure function of the inputs X (n*T*d, X[(j*T + t)*d + q]) and its options.
 *
 *   linear-filter  y_t = sum_{k=0}^{t} r^k <beta, x_{t-k}>                 (final: t = T-1)
 *   delay          y_t = x_{t-k}[coordinate]   (0 when t < k)             (final: x_{T-1-k}[coordinate])
 *   narma10        u_t = (1 + x_t[coordinate]) / 4 in [0, 0.5],
 *                  s_{t+1} = 0.3 s_t + 0.05 s_t sum_{i=0}^{9} s_{t-i} + 1.5 u_{t-9} u_t + 0.1,
 *                  s_t = u_t = 0 for t < 0;  y_t = s_{t+1} (the state after reading x_t)
 *   teacher-rnn    a random RNN of either recurrence with its own alpha, activation, width and seed
 */
import { ValidationError } from '../core/errors.js';
import { z } from 'zod';
import { activationSchema, recurrenceSchema, wInitSchema } from '../core/config.js';
import { tsBackend } from '../backend/ts-backend.js';
import { initialize } from '../train/init.js';
import { makeRng, type Seed } from '../core/rng.js';
import { targetsPerSequence, type Dataset, type ModelParams, type Readout } from '../core/types.js';
import { finite, positiveInt } from '../core/validate.js';
import { wDrawer } from './transport.js';

const nonNegInt = () => z.number().int('must be an integer').nonnegative('must be >= 0');

export const linearFilterOptionsSchema = z
  .object({
    /** decay r of the filter (|r| <= 1) */
    r: finite()
      .refine((r) => Math.abs(r) <= 1, 'must satisfy |r| <= 1')
      .default(0.8),
    /** read-in direction (length d, normalized); default: a seeded random unit vector */
    beta: z.array(finite()).optional(),
  })
  .strict();

export const delayOptionsSchema = z
  .object({
    /** memory length k (0 <= k < T) */
    k: nonNegInt().default(3),
    /** which input coordinate is recalled */
    coordinate: nonNegInt().default(0),
  })
  .strict();

export const narmaOptionsSchema = z
  .object({
    /** which input coordinate drives the system */
    coordinate: nonNegInt().default(0),
  })
  .strict();

export const teacherRnnOptionsSchema = z
  .object({
    recurrence: recurrenceSchema.default('diagonal'),
    activation: activationSchema.default('tanh'),
    alpha: finite().default(0.9),
    /** teacher width (even) */
    mTeacher: positiveInt()
      .refine((m) => m % 2 === 0, 'must be even')
      .default(32),
    /** law of the diagonal recurrent weights */
    wInit: wInitSchema.default('uniform'),
  })
  .strict();

export type LinearFilterOptions = z.output<typeof linearFilterOptionsSchema>;
export type DelayOptions = z.output<typeof delayOptionsSchema>;
export type NarmaOptions = z.output<typeof narmaOptionsSchema>;
export type TeacherRnnOptions = z.output<typeof teacherRnnOptionsSchema>;

interface Inputs {
  n: number;
  T: number;
  d: number;
  X: ArrayLike<number>;
}

/** y_t = sum_{k=0}^{t} r^k <beta, x_{t-k}> (beta used as given). */
export function linearFilter(data: Inputs, readout: Readout, r: number, beta: ArrayLike<number>): Float64Array {
  const { n, T, d, X } = data;
  if (beta.length !== d)
    throw new ValidationError(`linear-filter: field 'beta' has ${beta.length} values, expected d = ${d}`);
  const per = targetsPerSequence(readout, T);
  const out = new Float64Array(n * per);
  for (let j = 0; j < n; j++) {
    let y = 0;
    for (let t = 0; t < T; t++) {
      let b = 0;
      for (let q = 0; q < d; q++) b += beta[q] * X[(j * T + t) * d + q];
      y = r * y + b; // y_t = r y_{t-1} + <beta, x_t> = sum_k r^k <beta, x_{t-k}>
      if (readout === 'all') out[j * T + t] = y;
    }
    if (readout === 'final') out[j] = y;
  }
  return out;
}

/** y_t = x_{t-k}[coordinate] (0 for t < k). */
export function delayRecall(data: Inputs, readout: Readout, k: number, coordinate = 0): Float64Array {
  const { n, T, d, X } = data;
  if (!Number.isInteger(k) || k < 0 || k >= T)
    throw new ValidationError(`delay: field 'k' must be an integer in [0, T-1] = [0, ${T - 1}], got ${k}`);
  if (!Number.isInteger(coordinate) || coordinate < 0 || coordinate >= d) {
    throw new ValidationError(
      `delay: field 'coordinate' must be an integer in [0, d-1] = [0, ${d - 1}], got ${coordinate}`,
    );
  }
  const per = targetsPerSequence(readout, T);
  const out = new Float64Array(n * per);
  for (let j = 0; j < n; j++) {
    if (readout === 'final') out[j] = X[(j * T + T - 1 - k) * d + coordinate];
    else for (let t = k; t < T; t++) out[j * T + t] = X[(j * T + t - k) * d + coordinate];
  }
  return out;
}

/** NARMA-10 driven by u_t = (1 + x_t[coordinate]) / 4; y_t = s_{t+1}. */
export function narma10(data: Inputs, readout: Readout, coordinate = 0): Float64Array {
  const { n, T, d, X } = data;
  if (!Number.isInteger(coordinate) || coordinate < 0 || coordinate >= d) {
    throw new ValidationError(
      `narma10: field 'coordinate' must be an integer in [0, d-1] = [0, ${d - 1}], got ${coordinate}`,
    );
  }
  const per = targetsPerSequence(readout, T);
  const out = new Float64Array(n * per);
  const s = new Float64Array(T + 1); // s[t] = s_t, s[0] = s_0 = 0
  const u = new Float64Array(T);
  for (let j = 0; j < n; j++) {
    for (let t = 0; t < T; t++) u[t] = (1 + X[(j * T + t) * d + coordinate]) / 4;
    s[0] = 0;
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let i = 0; i <= 9 && t - i >= 0; i++) sum += s[t - i];
      const uLag = t - 9 >= 0 ? u[t - 9] : 0;
      s[t + 1] = 0.3 * s[t] + 0.05 * s[t] * sum + 1.5 * uLag * u[t] + 0.1;
      if (!Number.isFinite(s[t + 1]))
        throw new ValidationError(`narma10: the recursion diverged on sequence ${j} at t = ${t}`);
      if (readout === 'all') out[j * T + t] = s[t + 1];
    }
    if (readout === 'final') out[j] = s[T];
  }
  return out;
}

/**
 * The random teacher RNN: `initialize` (seed "<seed>/teacher-rnn"), then the second half of the
 * neurons (i >= m/2: w_i or row i of W, and u_i) is re-drawn from the stream 'data/teacher-rnn'
 * with the same laws and draw order, so the teacher is not identically zero; c stays +1 / -1.
 */
export function makeTeacherRnn(opts: TeacherRnnOptions, d: number, seed: Seed, readout: Readout): ModelParams {
  const m = opts.mTeacher;
  const params = initialize(
    { recurrence: opts.recurrence, activation: opts.activation, readout, m, d, alpha: opts.alpha },
    // 'paired', then the second half re-drawn: the teacher of earlier versions, bit for bit.
    { seed: `${seed}/teacher-rnn`, w: opts.wInit, scheme: 'paired' },
  );
  const rng = makeRng(seed, 'data/teacher-rnn');
  const drawW = wDrawer(opts.wInit, rng);
  for (let i = m / 2; i < m; i++) {
    if (opts.recurrence === 'dense') for (let k = 0; k < m; k++) params.W[i * m + k] = rng.normal();
    else params.W[i] = drawW();
    for (let q = 0; q < d; q++) params.U[i * d + q] = rng.normal();
  }
  params.W0.set(params.W);
  params.U0.set(params.U);
  return params;
}

/** Outputs of a model on the inputs, with the float64 ts reference forward. */
export function rnnOutputs(params: ModelParams, data: Inputs, readout: Readout): Float64Array {
  const spec = { ...params.spec, readout };
  const net = tsBackend({ dtype: 'float64' }).network({ ...params, spec });
  const ws = net.workspace(data.n, data.T);
  const ds: Dataset = {
    n: data.n,
    T: data.T,
    d: data.d,
    X: Float64Array.from(data.X),
    Y: new Float64Array(data.n * targetsPerSequence(readout, data.T)),
  };
  ws.setData(ds);
  return ws.forward().predictions;
}
