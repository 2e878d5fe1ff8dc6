/**
 * One entry point for every data generator: `generateData(config, seed?)`.
 *
 * The config is a zod-validated discriminated union on `system`:
 *   transport | dense-teacher | linear-filter | delay | narma10 | teacher-rnn
 * with common fields (n, nTest, T, d, readout, inputs, noise, normalize, seed) and the system's own
 * options. Everything is a pure function of (config, seed) — and, for 'transport', of the backend
 * that evaluates the kernels (recorded in meta; backends agree within their stated tolerance).
 *
 * Pipeline: inputs for n + nTest sequences (stream 'data/inputs', train first, so nTest never
 * changes the training set) -> clean targets of the system -> normalization fitted on the training
 * targets -> label noise sigma * N(0, 1) added in normalized units (stream 'data/noise', train first)
 * -> split. meta records the full config, the seed, the package version and the normalization.
 */
import { z } from 'zod';
import { BACKEND_NAMES, getBackend } from '../backend/index.js';
import type { Backend, BackendName } from '../backend/types.js';
import { makeRng, type Seed } from '../rng.js';
import { targetsPerSequence, type Dataset, type ModelParams, type Readout } from '../types.js';
import { throwIfInterrupted } from '../errors.js';
import { finite, FLOAT32_MAX, parseWith, positiveInt, ValidationError } from '../validate.js';
import { bySequencePieces } from './pieces.js';
import { MODEL_LIMITS } from '../config.js';
import { PACKAGE_VERSION } from '../version.js';
import {
  delayOptionsSchema,
  delayRecall,
  linearFilter,
  linearFilterOptionsSchema,
  makeTeacherRnn,
  narma10,
  narmaOptionsSchema,
  rnnOutputs,
  teacherRnnOptionsSchema,
} from './classic.js';
import { denseTeacherOptionsSchema, denseTeacherValues, makeDenseTeacher } from './dense-teacher.js';
import { generateInputs, inputLawSchema, randomUnitVector } from './inputs.js';
import {
  makeClassTeacher,
  mapRadius,
  scaleMap,
  teacherStdErr,
  teacherValues,
  transportOptionsSchema,
  type Normalization,
  type TransportMap,
} from './transport.js';

export const SYSTEMS = ['transport', 'dense-teacher', 'linear-filter', 'delay', 'narma10', 'teacher-rnn'] as const;
export type SystemName = (typeof SYSTEMS)[number];
export const NORMALIZATIONS = ['standard', 'scale', 'none'] as const;
export type NormalizeMode = (typeof NORMALIZATIONS)[number];

const seedSchema = z.union([z.string().min(1), z.number().int()]);

/** Most input values (n + nTest)*T*d one call may generate (2^27 float64 = 1 GiB). */
export const MAX_GENERATED_VALUES = 2 ** 27;
/** Most transport-teacher particles. */
export const MAX_PARTICLES = 2 ** 26;
/** Most multiply-adds one generation may take (about an hour at 3e8/s). */
export const MAX_GENERATION_WORK = 2 ** 40;

/** Fields every system has, with their defaults. */
function commonFields(
  overrides: { d?: number; inputs?: z.input<typeof inputLawSchema>; normalize?: NormalizeMode } = {},
) {
  return {
    /** seed of every random draw (inputs, noise, teacher) */
    seed: seedSchema.default(0),
    /** training sequences */
    n: positiveInt().default(512),
    /** test sequences (0: no test set) */
    nTest: z.number().int('must be an integer').nonnegative('must be >= 0').default(512),
    /** sequence length */
    T: positiveInt().default(10),
    /** input dimension */
    d: positiveInt().default(overrides.d ?? 4),
    readout: z.enum(['final', 'all']).default('final'),
    inputs: inputLawSchema.default(
      (overrides.inputs ?? { kind: 'gaussian', scale: 1 }) as z.output<typeof inputLawSchema>,
    ),
    /** label noise sigma, added after normalization (in units of the normalized targets) */
    noise: finite()
      .refine((s) => s >= 0, 'must be >= 0')
      .default(0),
    /** standard: (y - mean)/std; scale: y/rms (keeps a class target in the class); none */
    normalize: z.enum(NORMALIZATIONS).default(overrides.normalize ?? 'standard'),
  };
}

export const dataConfigSchema = z.discriminatedUnion('system', [
  z
    .object({
      system: z.literal('transport'),
      ...commonFields({ normalize: 'scale' }),
      ...transportOptionsSchema.shape,
      /** backend whose kernels evaluate the teacher */
      backend: z.enum(BACKEND_NAMES).default('wasm'),
    })
    .strict(),
  z
    .object({
      system: z.literal('dense-teacher'),
      ...commonFields({ normalize: 'scale' }),
      ...denseTeacherOptionsSchema.shape,
    })
    .strict(),
  z.object({ system: z.literal('linear-filter'), ...commonFields(), ...linearFilterOptionsSchema.shape }).strict(),
  z.object({ system: z.literal('delay'), ...commonFields(), ...delayOptionsSchema.shape }).strict(),
  z
    .object({
      system: z.literal('narma10'),
      ...commonFields({ d: 1, inputs: { kind: 'uniform' } }),
      ...narmaOptionsSchema.shape,
    })
    .strict(),
  z.object({ system: z.literal('teacher-rnn'), ...commonFields(), ...teacherRnnOptionsSchema.shape }).strict(),
]);

export type DataConfig = z.output<typeof dataConfigSchema>;
export type DataConfigInput = z.input<typeof dataConfigSchema>;

/** The option names (config keys) a system accepts, for error messages and the CLI. */
export function systemOptionKeys(system: SystemName): string[] {
  const variant = dataConfigSchema.options.find((o) => o.shape.system.value === system);
  return variant ? Object.keys(variant.shape) : [];
}

/** Validates a data config (defaults filled in); errors name the field. Cross-field checks included. */
export function parseDataConfig(input: unknown, where = 'data config'): DataConfig {
  const obj = input as Record<string, unknown> | null;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    throw new ValidationError(`${where}: expected an object`);
  if (!(SYSTEMS as readonly unknown[]).includes(obj.system)) {
    const got = obj.system === undefined ? 'missing' : `unknown system ${JSON.stringify(obj.system)}`;
    throw new ValidationError(`${where}: field 'system': ${got}; choose one of ${SYSTEMS.join(', ')}`);
  }
  const config = parseWith(dataConfigSchema, input, where);
  const bad = (field: string, msg: string) => new ValidationError(`${where}: field '${field}': ${msg}`);
  // Sizes: refused up front with the field named (instead of a failed allocation or an endless run).
  const values = (config.n + config.nTest) * config.T * config.d;
  if (values > MAX_GENERATED_VALUES) {
    throw bad(
      'n',
      `(n + nTest)*T*d = (${config.n} + ${config.nTest})*${config.T}*${config.d} = ${values} input values ` +
        `(${((values * 8) / 2 ** 30).toFixed(1)} GiB as float64) exceed the generator's limit of 2^27; generate fewer or shorter sequences ` +
        `(several seeds can be generated and concatenated)`,
    );
  }
  if ('alpha' in config && !(Math.abs(config.alpha) <= FLOAT32_MAX)) {
    throw bad('alpha', `must fit in float32 (|alpha| <= ${FLOAT32_MAX.toPrecision(5)}), got ${config.alpha}`);
  }
  if (config.system === 'teacher-rnn' || config.system === 'dense-teacher') {
    const m = config.mTeacher;
    const dense = config.system === 'dense-teacher' || config.recurrence === 'dense';
    const params = (dense ? m * m : m) + m * config.d;
    if (m > MODEL_LIMITS.m || params > MODEL_LIMITS.params) {
      throw bad(
        'mTeacher',
        `${m} gives a teacher with ${params} parameters; the limits are m <= ${MODEL_LIMITS.m} and ${MODEL_LIMITS.params} parameters`,
      );
    }
  }
  if (config.system === 'dense-teacher' && config.anchors * config.T * config.d > MAX_GENERATED_VALUES) {
    throw bad(
      'anchors',
      `${config.anchors} anchor sequences of ${config.T}*${config.d} values exceed the limit of 2^27 values; use fewer anchors`,
    );
  }
  if (config.system === 'transport' && config.M > MAX_PARTICLES) {
    throw bad(
      'M',
      `${config.M} particles exceed the limit of ${MAX_PARTICLES} (2^26); the Monte-Carlo error already scales like 1/sqrt(M)`,
    );
  }
  // Work: a generation that would run for hours is refused rather than left to look like a hang.
  const sequences = (config.n + config.nTest) * config.T;
  if (config.system === 'transport' && config.M * sequences * (1 + config.d) > MAX_GENERATION_WORK) {
    throw bad(
      'M',
      `M * (n + nTest) * T * (1 + d) = ${config.M * sequences * (1 + config.d)} operations exceed the limit of 2^40 ` +
        `(hours of compute); use fewer particles M or fewer / shorter sequences`,
    );
  }
  if (config.system === 'teacher-rnn' || config.system === 'dense-teacher') {
    const m = config.mTeacher;
    const dense = config.system === 'dense-teacher' || config.recurrence === 'dense';
    const extra = config.system === 'dense-teacher' ? config.anchors * config.T : 0;
    const work = (dense ? m * m : m) * (sequences + extra);
    if (work > MAX_GENERATION_WORK) {
      throw bad(
        'mTeacher',
        `the teacher needs about ${work} operations (width ${m} over ${sequences + extra} time steps), more than the limit of 2^40 ` +
          `(hours of compute); use a smaller mTeacher or fewer / shorter sequences`,
      );
    }
  }
  switch (config.system) {
    case 'delay':
      if (config.k >= config.T)
        throw bad('k', `must be < T = ${config.T} (the recalled input x_{T-1-k} must exist), got ${config.k}`);
      if (config.coordinate >= config.d) throw bad('coordinate', `must be < d = ${config.d}, got ${config.coordinate}`);
      break;
    case 'narma10':
      if (config.coordinate >= config.d) throw bad('coordinate', `must be < d = ${config.d}, got ${config.coordinate}`);
      break;
    case 'linear-filter':
      if (config.beta && config.beta.length !== config.d)
        throw bad('beta', `has ${config.beta.length} values, expected d = ${config.d}`);
      break;
    case 'transport':
      for (const f of ['beta', 'gamma'] as const) {
        const v = config[f];
        if (v && v.length !== config.d) throw bad(f, `has ${v.length} values, expected d = ${config.d}`);
      }
      if (config.antithetic && config.M % 2 !== 0)
        throw bad('M', `must be even with antithetic particles, got ${config.M}`);
      if (config.seParticles > 0) {
        const group = config.antithetic ? 2 : 1;
        if (Math.floor(Math.min(config.seParticles, config.M) / group) < 2) {
          throw bad(
            'seParticles',
            `must be 0 (no estimate) or use at least 2 ${group === 2 ? 'antithetic pairs (4 particles)' : 'particles'} ` +
              `to estimate the Monte-Carlo error; got seParticles = ${config.seParticles} with M = ${config.M}`,
          );
        }
      }
      break;
  }
  return config;
}

export interface DataMeta {
  format: 'rnn-gd.data-meta/1';
  generator: { package: 'rnn-gd'; version: string };
  system: SystemName;
  seed: Seed;
  /** the full validated config (defaults filled in) */
  config: DataConfig;
  readout: Readout;
  n: { train: number; test: number };
  T: number;
  d: number;
  /** stored targets are y' = (y - offset) / scale + noise */
  normalization: Normalization & { mode: NormalizeMode };
  /** system-specific facts (resolved teacher, Monte-Carlo error, ...) */
  teacher: Record<string, unknown>;
  [key: string]: unknown;
}

export interface GeneratedData {
  train: Dataset;
  /** null when nTest = 0 */
  test: Dataset | null;
  meta: DataMeta;
  /** normalized targets before label noise */
  clean: { train: Float64Array; test: Float64Array | null };
  /** transport: Monte-Carlo standard error of each (normalized) target, when estimated */
  stdErr?: { train: Float64Array; test: Float64Array | null };
  /** transport: the resolved map of the stored (normalized) targets: v / scale */
  map?: TransportMap;
  /** teacher-rnn and dense-teacher: the teacher network (dense-teacher: Theta_T(0)) */
  teacherModel?: ModelParams;
}

export interface GenerateOptions {
  /** backend for 'transport' (default: getBackend(config.backend)) */
  backend?: Backend;
  /** Stops a long generation between pieces of work (an InterruptedError; see ./pieces.ts). */
  signal?: AbortSignal;
}

const arr = (a: ArrayLike<number>) => Array.from(a);

async function loadBackend(name: BackendName): Promise<Backend> {
  try {
    return await getBackend(name);
  } catch (err) {
    throw new ValidationError(
      `data config: field 'backend': the ${name} backend could not be loaded (${(err as Error).message.split('\n')[0]}); ` +
        `build it with 'make wasm' or choose backend 'ts' (float64 reference, slower)`,
    );
  }
}

function stats(y: Float64Array, count: number): { mean: number; std: number; rms: number } {
  let s = 0,
    s2 = 0;
  for (let k = 0; k < count; k++) {
    s += y[k];
    s2 += y[k] * y[k];
  }
  const mean = s / count;
  const varPop = Math.max(0, s2 / count - mean * mean);
  return { mean, std: Math.sqrt(varPop), rms: Math.sqrt(s2 / count) };
}

/** Generates train and test sets for `config` (seed: the argument when given, else config.seed). */
export async function generateData(
  configInput: unknown,
  seed?: Seed,
  opts: GenerateOptions = {},
): Promise<GeneratedData> {
  const parsed = parseDataConfig(seed === undefined ? configInput : { ...(configInput as object), seed });
  const config = parsed;
  const { n, nTest, T, d, readout } = config;
  const s = config.seed;
  const N = n + nTest;
  const per = targetsPerSequence(readout, T);
  const { signal } = opts;
  const what = `generating the data (system '${config.system}')`;
  throwIfInterrupted(signal, what);
  const X = generateInputs(config.inputs, N, T, d, makeRng(s, 'data/inputs'));
  const all: Dataset = { n: N, T, d, X, Y: new Float64Array(N * per) };
  // Operations per sequence of the per-sequence targets (readout all: one pass per prefix for the teacher sums).
  const prefixes = readout === 'all' ? (T + 1) / 2 : 1;
  const pieces = (work: number, compute: (part: Dataset) => Float64Array) =>
    bySequencePieces(all, work, compute, signal, what);

  let raw: Float64Array;
  let rawSe: Float64Array | undefined;
  let seUsed = 0;
  let map: TransportMap | undefined;
  let teacherModel: ModelParams | undefined;
  const teacher: Record<string, unknown> = {};
  switch (config.system) {
    case 'transport': {
      const backend = opts.backend ?? (await loadBackend(config.backend));
      const t = makeClassTeacher(config, d, s);
      raw = await pieces(config.M * T * (1 + d) * prefixes, (part) => teacherValues(t, part, backend, readout));
      if (config.seParticles > 0) {
        const se = Math.min(config.seParticles, config.M);
        rawSe = await pieces(se * T * (1 + d) * prefixes, (part) =>
          teacherStdErr(t, part, backend, readout, config.seParticles),
        );
        seUsed = Math.min(config.seParticles, config.M);
      }
      map = t.map;
      Object.assign(teacher, {
        kind: 'transport-map teacher (docs/spec/model.md section 9)',
        map: {
          kind: t.map.kind,
          nuW: t.map.nuW,
          nuU: t.map.nuU,
          kappa: t.map.kappa,
          beta: arr(t.map.beta),
          gamma: arr(t.map.gamma),
          memoryFn: t.map.memoryFn,
        },
        M: config.M,
        antithetic: config.antithetic,
        activation: config.activation,
        alpha: config.alpha,
        wInit: config.wInit,
        particleStream: 'data/teacher-particles',
        backend: backend.description,
      });
      break;
    }
    case 'dense-teacher': {
      const t = makeDenseTeacher(config, d, T, config.inputs, s);
      const m = config.mTeacher;
      raw = await pieces((m * m + m * d) * T * 2, (part) => denseTeacherValues(t, part, readout));
      teacherModel = t.params;
      Object.assign(teacher, {
        kind: 'linearized wide dense teacher <grad f(X; Theta_T(0)), V>',
        mTeacher: config.mTeacher,
        nu: config.nu,
        anchors: config.anchors,
        alpha: config.alpha,
        activation: config.activation,
        initSeed: `${s}/dense-teacher`,
        anchorStream: 'data/dense-teacher-anchors',
        maxNormRadius: t.maxNormRadius,
      });
      break;
    }
    case 'linear-filter': {
      const rng = makeRng(s, 'data/teacher-directions');
      const drawn = randomUnitVector(d, rng);
      let beta = drawn;
      if (config.beta) {
        const norm = Math.hypot(...config.beta);
        if (!(norm > 0))
          throw new ValidationError(
            `data config: field 'beta' must be a nonzero vector (it is normalized to unit length)`,
          );
        beta = Float64Array.from(config.beta, (x) => x / norm);
      }
      raw = linearFilter(all, readout, config.r, beta);
      Object.assign(teacher, { kind: 'linear fading-memory filter', r: config.r, beta: arr(beta) });
      break;
    }
    case 'delay':
      raw = delayRecall(all, readout, config.k, config.coordinate);
      Object.assign(teacher, { kind: 'delay recall', k: config.k, coordinate: config.coordinate });
      break;
    case 'narma10':
      raw = narma10(all, readout, config.coordinate);
      Object.assign(teacher, {
        kind: 'NARMA-10',
        coordinate: config.coordinate,
        input: 'u_t = (1 + x_t[coordinate]) / 4',
      });
      break;
    case 'teacher-rnn': {
      teacherModel = makeTeacherRnn(config, d, s, readout);
      const model = teacherModel;
      const m = config.mTeacher;
      raw = await pieces(((config.recurrence === 'dense' ? m * m : m) + m * d) * T, (part) =>
        rnnOutputs(model, part, readout),
      );
      Object.assign(teacher, {
        kind: 'random teacher RNN',
        recurrence: config.recurrence,
        activation: config.activation,
        alpha: config.alpha,
        mTeacher: config.mTeacher,
        wInit: config.wInit,
        initSeed: `${s}/teacher-rnn`,
        secondHalfStream: 'data/teacher-rnn',
      });
      break;
    }
  }

  throwIfInterrupted(signal, what);
  // Normalization fitted on the training targets.
  const nTrainVals = n * per;
  const st = stats(raw, nTrainVals);
  let offset = 0,
    scale = 1;
  if (config.normalize === 'standard') {
    offset = st.mean;
    scale = st.std > 0 ? st.std : 1;
  } else if (config.normalize === 'scale') {
    scale = st.rms > 0 ? st.rms : 1;
  }
  const clean = new Float64Array(raw.length);
  for (let k = 0; k < raw.length; k++) clean[k] = (raw[k] - offset) / scale;
  const Y = clean.slice();
  if (config.noise > 0) {
    const rng = makeRng(s, 'data/noise');
    for (let k = 0; k < Y.length; k++) Y[k] += config.noise * rng.normal();
  }

  const bad = Y.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const cause =
      config.noise > 0 && clean.every(Number.isFinite)
        ? `field 'noise' = ${config.noise} is too large`
        : `the options of field 'system' = '${config.system}' make the targets overflow`;
    throw new ValidationError(
      `data config: target ${bad} is ${Y[bad]}: ${cause}; every target must be a finite number`,
    );
  }
  if (map) map = scaleMap(map, 1 / scale);
  let stdErr: GeneratedData['stdErr'];
  if (rawSe) {
    const se = rawSe.map((v) => v / scale);
    stdErr = { train: se.slice(0, nTrainVals), test: nTest > 0 ? se.slice(nTrainVals) : null };
    const tr = stats(se, nTrainVals);
    let max = 0;
    for (let k = 0; k < nTrainVals; k++) max = Math.max(max, se[k]);
    teacher.mcError = {
      estimator: `sample std of per-particle values over the first ${seUsed} particles (pair means when antithetic) / sqrt(M)`,
      rms: tr.rms,
      max,
      relative: st.std > 0 ? (tr.rms * scale) / st.std : null,
      units: 'normalized targets (train split)',
    };
  }
  if (map) {
    teacher.storedMap = {
      nuW: map.nuW,
      nuU: map.nuU,
      nu: mapRadius(map),
      note: 'the stored targets are f_{v/scale}: nu_w, nu_u divided by the normalization scale',
    };
  }

  const meta: DataMeta = {
    format: 'rnn-gd.data-meta/1',
    generator: { package: 'rnn-gd', version: PACKAGE_VERSION },
    system: config.system,
    seed: s,
    config,
    readout,
    n: { train: n, test: nTest },
    T,
    d,
    normalization: { mode: config.normalize, offset, scale },
    noise: config.noise,
    rawTargetStats: { mean: st.mean, std: st.std },
    teacher,
  };
  const split = (from: number, count: number, name: 'train' | 'test'): Dataset => ({
    n: count,
    T,
    d,
    X: X.slice(from * T * d, (from + count) * T * d),
    Y: Y.slice(from * per, (from + count) * per),
    meta: { ...meta, split: name },
  });
  return {
    train: split(0, n, 'train'),
    test: nTest > 0 ? split(n, nTest, 'test') : null,
    meta,
    clean: { train: clean.slice(0, nTrainVals), test: nTest > 0 ? clean.slice(nTrainVals) : null },
    ...(stdErr ? { stdErr } : {}),
    ...(map ? { map } : {}),
    ...(teacherModel ? { teacherModel } : {}),
  };
}
