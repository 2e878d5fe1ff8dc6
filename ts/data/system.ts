/**
 * What a data system is: a zod schema of its config (the common fields below plus its own options),
 * cross-field checks, and its clean targets for given inputs. The common pipeline around it
 * (inputs -> targets -> normalization -> noise -> split) is ./generate.ts; the list of systems is
 * ./systems.ts. Adding a system: one module in ./systems/ exporting `defineSystem({...})` and one
 * line in ./systems.ts (docs/data.md, "Adding a system").
 */
import { ValidationError } from '../core/errors.js';
import { z } from 'zod';
import type { Backend } from '../backend/types.js';
import { MODEL_LIMITS, readoutSchema } from '../core/config.js';
import type { Seed } from '../core/rng.js';
import {
  paramCount,
  wLength,
  type Dataset,
  type ModelParams,
  type Readout,
  type Recurrence,
  type BackendName,
} from '../core/types.js';
import { finite, positiveInt } from '../core/validate.js';
import { inputLawSchema } from './inputs.js';
import type { TransportMap } from './transport.js';

export const NORMALIZATIONS = ['standard', 'scale', 'none'] as const;
export type NormalizeMode = (typeof NORMALIZATIONS)[number];

/** Most input values (n + nTest)*T*d one call may generate (2^27 float64 = 1 GiB). */
export const MAX_GENERATED_VALUES = 2 ** 27;
/** Most transport-teacher particles. */
export const MAX_PARTICLES = 2 ** 26;
/** Most multiply-adds one generation may take (about an hour at 3e8/s). */
export const MAX_GENERATION_WORK = 2 ** 40;

const seedSchema = z.union([z.string().min(1), z.number().int()]);

/** Fields every system has, with their defaults (a system may change the defaults of d, inputs, normalize). */
export function commonFields(
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
    readout: readoutSchema.default('final'),
    inputs: inputLawSchema.default(
      (overrides.inputs ?? { kind: 'gaussian', scale: 1 }) as z.output<typeof inputLawSchema>,
    ),
    /** label noise sigma, added after normalization (in units of the normalized targets) */
    noise: finite()
      .refine((s) => s >= 0, 'must be >= 0')
      .default(0),
    /** system: the system's targets; random: N(0, 1) labels independent of the inputs (a control) */
    labels: z.enum(['system', 'random']).default('system'),
    /** standard: (y - mean)/std; scale: y/rms (keeps a class target in the class); none */
    normalize: z.enum(NORMALIZATIONS).default(overrides.normalize ?? 'standard'),
  };
}

/** Builds the error for a bad field of a data config (the message names the field). */
export type BadField = (field: string, msg: string) => ValidationError;

/** What a system hands to the common pipeline. */
export interface SystemTargets {
  /** clean targets of all n + nTest sequences (train first), before normalization */
  raw: Float64Array;
  /** system-specific facts recorded as meta.teacher */
  teacher: Record<string, unknown>;
  /** Monte-Carlo standard error of each raw target, and the particles it used */
  stdErr?: { raw: Float64Array; particles: number };
  /** the transport map of the raw targets (the pipeline rescales it with the normalization) */
  map?: TransportMap;
  /** the teacher network */
  teacherModel?: ModelParams;
}

/** What the pipeline gives a system to compute its targets with. */
export interface TargetContext {
  /** the inputs of all n + nTest sequences (targets not yet filled in) */
  all: Dataset;
  seed: Seed;
  readout: Readout;
  /** runs `compute` over pieces of `all` (`work`: operations per sequence), stopping on the abort signal */
  pieces(work: number, compute: (part: Dataset) => Float64Array): Promise<Float64Array>;
  /** the backend given to generateData, else the one the config names */
  backend(name: BackendName): Promise<Backend>;
}

/** One data system. `Schema` is the full config object (system literal, common fields, own options). */
export interface DataSystem<Schema extends z.ZodObject = z.ZodObject> {
  readonly schema: Schema;
  /** Cross-field checks on the validated config (sizes, lengths, compute limits). */
  check?(config: z.output<Schema>, bad: BadField): void;
  targets(config: z.output<Schema>, ctx: TargetContext): SystemTargets | Promise<SystemTargets>;
}

/** Declares a system with its config type inferred from the schema. */
export const defineSystem = <Schema extends z.ZodObject>(system: DataSystem<Schema>): DataSystem<Schema> => system;

/** Size and work limits of a teacher network of width m (shared by teacher-rnn and dense-teacher). */
export function checkTeacherSize(
  spec: { recurrence: Recurrence; m: number; d: number },
  steps: number,
  bad: BadField,
): void {
  const limits = MODEL_LIMITS;
  const params = paramCount(spec);
  if (spec.m > limits.m || params > limits.params) {
    throw bad(
      'mTeacher',
      `${spec.m} gives a teacher with ${params} parameters; the limits are m <= ${limits.m} and ${limits.params} parameters`,
    );
  }
  const work = wLength(spec) * steps;
  if (work > MAX_GENERATION_WORK) {
    throw bad(
      'mTeacher',
      `the teacher needs about ${work} operations (width ${spec.m} over ${steps} time steps), more than the limit of 2^40 ` +
        `(hours of compute); use a smaller mTeacher or fewer / shorter sequences`,
    );
  }
}
