/** Model and training configurations: types, defaults and validation (docs/spec/model.md sections 2-6). */
import { ValidationError } from './errors.js';
import { z } from 'zod';
import { ACTIVATIONS, type ActivationName } from './activations.js';
import type { Seed } from './rng.js';
import { float32, FLOAT32_MIN_NORMAL, parseWith, positiveInt } from './validate.js';
import {
  INIT_SCHEMES,
  READOUTS,
  RECURRENCES,
  W_INITS,
  paramCount,
  type ModelSpec,
  type InitScheme,
  type Projection,
  type Readout,
  type Recurrence,
  type SameType,
  type WInit,
  BACKEND_NAMES,
} from './types.js';

/**
 * Size limits of a model (those of the Rust core, which stores sizes as 32-bit integers): larger
 * values are refused here with the limit named, instead of wrapping around inside wasm.
 */
export const MODEL_LIMITS = { m: 2 ** 15, d: 2 ** 20, params: 2 ** 28 } as const;

/**
 * The model vocabulary's field schemas, one per concept: every config that names a recurrence, an
 * activation, a readout, a law of w_i(0) or an init scheme uses these (no second z.enum of the values).
 */
export const recurrenceSchema = z.enum(RECURRENCES);
export const activationSchema = z.enum(ACTIVATIONS);
export const readoutSchema = z.enum(READOUTS);
export const wInitSchema = z.enum(W_INITS);
export const initSchemeSchema = z.enum(INIT_SCHEMES);

export const modelSpecSchema = z
  .object({
    recurrence: recurrenceSchema,
    activation: activationSchema.default('tanh'),
    readout: readoutSchema.default('final'),
    m: positiveInt()
      .refine((m) => m % 2 === 0, { message: 'must be even (symmetric initialization pairs neuron i with i+m/2)' })
      .refine((m) => m <= MODEL_LIMITS.m, {
        message: `must be <= ${MODEL_LIMITS.m} (the largest width rnn-gd supports)`,
      }),
    d: positiveInt().refine((d) => d <= MODEL_LIMITS.d, {
      message: `must be <= ${MODEL_LIMITS.d} (the largest input dimension rnn-gd supports)`,
    }),
    /** Stored as float32 by the wasm core: |alpha| <= 3.4e38. */
    alpha: float32(),
  })
  .strict();

export const initSchema = z
  .object({
    /** Law of the diagonal recurrent weights w_i(0) (wInit elsewhere: an older name kept for config files). */
    w: wInitSchema.default('uniform'),
    /** The symmetrization scheme (ts/train/init.ts); absent: 'halves' (dense), 'paired' (diagonal). */
    scheme: initSchemeSchema.optional(),
    /** Seed of every random draw of the initialization. */
    seed: z.union([z.string().min(1), z.number().int()]).default(0),
  })
  .strict();

/** A step size eta: > 0 and a normal float32 (the wasm core's precision), so it is neither Infinity nor 0 there. */
export const stepSizeSchema = float32()
  .refine((e) => e > 0, 'must be > 0')
  .refine((e) => !(e > 0) || e >= FLOAT32_MIN_NORMAL, {
    message: `must be >= ${FLOAT32_MIN_NORMAL.toPrecision(5)} (the smallest normal float32): a smaller step size is 0 or subnormal in the wasm core's float32 and the run would learn nothing`,
  });
/** A projection radius rho > 0 (float32-finite). */
export const radiusSchema = float32().refine((r) => r > 0, 'must be > 0');

const projectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('maxnorm'), rho: radiusSchema }).strict(),
  z.object({ kind: z.literal('l2'), rho: radiusSchema }).strict(),
]);

export const trainSchema = z
  .object({
    /** step size eta (the wasm core computes in float32: eta <= 3.4e38) */
    eta: stepSizeSchema,
    steps: positiveInt(),
    projection: projectionSchema.default({ kind: 'none' }),
    /** 0 = full-batch gradient descent (the paper's algorithm); b > 0 = mini-batch SGD with b samples. */
    batchSize: z
      .number()
      .int('must be an integer')
      .nonnegative('must be >= 0 (0: full-batch GD)')
      .max(2 ** 31, 'must be <= 2^31 (and at most the number of sequences n)')
      .default(0),
    /** Record metrics every k steps (and at the last step). */
    recordEvery: positiveInt().default(10),
    /** Seed of the mini-batch order. */
    seed: z.union([z.string().min(1), z.number().int()]).default(0),
  })
  .strict();

/**
 * A model config as written by hand or read from JSON (the input of `initialize` and
 * `parseModelSpec`); fields with defaults are optional. `ModelSpec` is the parsed form.
 */
export interface ModelSpecInput {
  /** 'dense': W is m x m (scaled by alpha/sqrt(m)); 'diagonal': W is m values (scaled by alpha). */
  recurrence: Recurrence;
  /** The hidden activation sigma (default 'tanh'). */
  activation?: ActivationName;
  /** 'final': one target per sequence, at t = T (default); 'all': a target at every step t = 1..T. */
  readout?: Readout;
  /** Width: the number of hidden neurons, even (symmetric initialization pairs i with i + m/2), <= 2^15. */
  m: number;
  /** Input dimension (that of the data), <= 2^20. */
  d: number;
  /** Recurrent scale factor alpha (finite in float32). */
  alpha: number;
}

/** Deprecated; use WInit (ts/core/types.ts), the law of w_i(0): the name the root entry has exported, kept as an alias. */
export type InitLaw = WInit;

/** Options of the symmetric initialization (the input of `initialize` and `parseInitOptions`). */
export interface InitOptionsInput {
  /** Law of the diagonal recurrent weights w_i(0): uniform on [-1, 1] (default), +-1, or N(0, 1). */
  w?: WInit;
  /**
   * How Theta(0) is symmetrized (docs/spec/model.md section 4): 'halves' (dense default) two independent
   * networks of width m/2; 'paired' (diagonal default; the dense law of earlier versions) neuron i + m/2
   * a copy of neuron i; 'iid' every neuron independent, so f(X; Theta(0)) != 0.
   */
  scheme?: InitScheme;
  /** Seed of every random draw of the initialization (default 0). */
  seed?: Seed;
}

/** Training options as written by hand or read from JSON (`TrainerInit.train`, `parseTrainOptions`). */
export interface TrainOptionsInput {
  /** Step size eta > 0 (a normal float32: the wasm core computes in float32). */
  eta: number;
  /** Number of (projected) gradient steps. */
  steps: number;
  /** Projection after every step onto a ball of radius rho around Theta(0) (default none). */
  projection?: Projection;
  /** 0 = full-batch gradient descent, the paper's algorithm (default); b > 0 = mini-batch SGD with b samples. */
  batchSize?: number;
  /** Record metrics every k steps and at the last step (default 10). */
  recordEvery?: number;
  /** Seed of the mini-batch order (default 0). */
  seed?: Seed;
}

export type InitOptions = z.output<typeof initSchema>;
export type TrainOptions = z.output<typeof trainSchema> & { projection: Projection };

// The hand-written input types above must stay what the schemas accept (compile-time check both ways).
true satisfies SameType<ModelSpecInput, z.input<typeof modelSpecSchema>>;
true satisfies SameType<InitOptionsInput, z.input<typeof initSchema>>;
true satisfies SameType<TrainOptionsInput, z.input<typeof trainSchema>>;

export function parseModelSpec(value: unknown, where = 'model config'): ModelSpec {
  const spec = parseWith(modelSpecSchema, value, where);
  const params = paramCount(spec);
  if (params > MODEL_LIMITS.params) {
    throw new ValidationError(
      `${where}: field 'm': the model would have ${params} parameters (len(W) + len(U) with m = ${spec.m}, d = ${spec.d}), ` +
        `more than the limit ${MODEL_LIMITS.params}; use a smaller m or d`,
    );
  }
  return spec;
}
export const parseInitOptions = (value: unknown, where = 'init options'): InitOptions =>
  parseWith(initSchema, value ?? {}, where);
export const parseTrainOptions = (value: unknown, where = 'train options'): TrainOptions =>
  parseWith(trainSchema, value, where) as TrainOptions;

/**
 * A training run as `rnn-gd train --config` reads it: the model (d and the readout default from
 * the data; given ones must match it), init and train options, the data (a path, or a generator
 * config) and the backend. `prepareRun` (ts/train/run.ts) takes its model, init and train parts.
 */
export const trainConfigSchema = z
  .object({
    /** d and the readout default from the data (a readout given must match the data's targets). */
    model: modelSpecSchema.partial({ d: true }).extend({ readout: modelSpecSchema.shape.readout.unwrap().optional() }),
    init: initSchema.optional(),
    train: trainSchema,
    /** Path of a data file or directory (JSON or .npy), or a generator config {system, ...} (docs/data.md). */
    data: z.union([z.string().min(1), z.looseObject({ system: z.string() })]),
    /** Optional held-out data (path). */
    test: z.string().min(1).optional(),
    backend: z.enum(BACKEND_NAMES).default('auto'),
  })
  .strict();
export type TrainConfig = z.output<typeof trainConfigSchema>;
