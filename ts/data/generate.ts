/**
 * One entry point for every data generator: `generateData(config, seed?)`.
 *
 * The config is a zod-validated discriminated union on `system` (the systems are registered in
 * ./systems.ts, one module each in ./systems/) with common fields (n, nTest, T, d, readout, inputs,
 * noise, normalize, seed) and the system's own options. Everything is a pure function of (config, seed) — and, for 'transport', of the backend
 * that evaluates the kernels (recorded in meta; backends agree within their stated tolerance).
 *
 * Pipeline: inputs for n + nTest sequences (stream 'data/inputs', train first, so nTest never
 * changes the training set) -> clean targets of the system -> normalization fitted on the training
 * targets -> label noise sigma * N(0, 1) added in normalized units (stream 'data/noise', train first)
 * -> split. meta records the full config, the seed, the package version and the normalization.
 */
import { getBackend } from '../backend/index.js';
import type { Backend } from '../backend/types.js';
import { makeRng, type Seed } from '../core/rng.js';
import { targetsPerSequence, type Dataset, type ModelParams, type Readout, type BackendName } from '../core/types.js';
import { throwIfInterrupted, ValidationError } from '../core/errors.js';
import { FLOAT32_MAX, parseWith } from '../core/validate.js';
import { bySequencePieces } from './pieces.js';
import { PACKAGE_VERSION } from '../core/version.js';
import { generateInputs } from './inputs.js';
import { MAX_GENERATED_VALUES, type NormalizeMode } from './system.js';
import {
  dataConfigSchema,
  SYSTEMS,
  systemOf,
  type DataConfig,
  type DataConfigInput,
  type SystemName,
} from './systems.js';
import { mapRadius, scaleMap, type Normalization, type TransportMap } from './transport.js';

export {
  dataConfigSchema,
  SYSTEMS,
  type DataConfig,
  type DataConfigInput,
  type DataConfigInputOf,
  type SystemName,
} from './systems.js';
export {
  MAX_GENERATED_VALUES,
  MAX_GENERATION_WORK,
  MAX_PARTICLES,
  NORMALIZATIONS,
  type NormalizeMode,
} from './system.js';

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
  systemOf(config.system).check?.(config, bad);
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

/**
 * Generates train and test sets for `config`, seeded by config.seed: the documented form is
 * `generateData({ system, n, ..., seed }, { backend })`, the config as `rnn-gd data generate` and
 * data files write it.
 */
export function generateData(configInput: DataConfigInput, opts?: GenerateOptions): Promise<GeneratedData>;
/** The earlier form: the seed as an argument, in place of config.seed. */
export function generateData(configInput: DataConfigInput, seed?: Seed, opts?: GenerateOptions): Promise<GeneratedData>;
export async function generateData(
  configInput: DataConfigInput,
  seedOrOpts?: Seed | GenerateOptions,
  maybeOpts: GenerateOptions = {},
): Promise<GeneratedData> {
  const isOpts = typeof seedOrOpts === 'object' && seedOrOpts !== null;
  const seed = isOpts ? undefined : seedOrOpts;
  const opts = isOpts ? seedOrOpts : maybeOpts;
  const config = parseDataConfig(seed === undefined ? configInput : { ...configInput, seed });
  const { n, nTest, T, d, readout } = config;
  const s = config.seed;
  const N = n + nTest;
  const per = targetsPerSequence(readout, T);
  const { signal } = opts;
  const what = `generating the data (system '${config.system}')`;
  throwIfInterrupted(signal, what);
  const X = generateInputs(config.inputs, N, T, d, makeRng(s, 'data/inputs'));
  const all: Dataset = { n: N, T, d, X, Y: new Float64Array(N * per) };
  const targets = await systemOf(config.system).targets(config, {
    all,
    seed: s,
    readout,
    pieces: (work, compute) => bySequencePieces(all, work, compute, signal, what),
    backend: (name) => (opts.backend ? Promise.resolve(opts.backend) : loadBackend(name)),
  });
  const { raw, teacher, teacherModel } = targets;
  let map = targets.map;

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
  // Random labels: N(0, 1) targets independent of the inputs (E1-random's control: nothing to learn,
  // fitting n of them needs a width growing with n). The system's targets and map are dropped.
  if (config.labels === 'random') {
    const rng = makeRng(s, 'data/random-labels');
    for (let k = 0; k < Y.length; k++) Y[k] = clean[k] = rng.normal();
    map = undefined;
  }
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
  if (targets.stdErr) {
    const se = targets.stdErr.raw.map((v) => v / scale);
    stdErr = { train: se.slice(0, nTrainVals), test: nTest > 0 ? se.slice(nTrainVals) : null };
    const tr = stats(se, nTrainVals);
    let max = 0;
    for (let k = 0; k < nTrainVals; k++) max = Math.max(max, se[k]);
    teacher.mcError = {
      estimator: `sample std of per-particle values over the first ${targets.stdErr.particles} particles (pair means when antithetic) / sqrt(M)`,
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
    labels: config.labels,
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
