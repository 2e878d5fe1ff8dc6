/** Model and training configurations: types, defaults and validation (MODEL.md sections 2-6). */
import { z } from 'zod';
import { ACTIVATIONS } from './activations.js';
import { finite, parseWith, positiveInt } from './validate.js';
import type { ModelSpec, Projection } from './types.js';

export const modelSpecSchema = z.object({
  recurrence: z.enum(['dense', 'diagonal']),
  activation: z.enum(ACTIVATIONS as unknown as ['tanh', 'sigmoid', 'sin', 'relu']).default('tanh'),
  readout: z.enum(['final', 'all']).default('final'),
  m: positiveInt().refine((m) => m % 2 === 0, { message: 'must be even (symmetric initialization pairs neuron i with i+m/2)' }),
  d: positiveInt(),
  alpha: finite(),
}).strict();

export const initSchema = z.object({
  /** Law of the diagonal recurrent weights w_i(0). */
  w: z.enum(['uniform', 'rademacher', 'normal']).default('uniform'),
  /** Seed of every random draw of the initialization. */
  seed: z.union([z.string().min(1), z.number().int()]).default(0),
}).strict();

export const projectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('maxnorm'), rho: finite().refine((r) => r > 0, 'must be > 0') }).strict(),
  z.object({ kind: z.literal('l2'), rho: finite().refine((r) => r > 0, 'must be > 0') }).strict(),
]);

export const trainSchema = z.object({
  /** step size eta */
  eta: finite().refine((e) => e > 0, 'must be > 0'),
  steps: positiveInt(),
  projection: projectionSchema.default({ kind: 'none' }),
  /** 0 = full-batch gradient descent (the paper's algorithm); b > 0 = mini-batch SGD with b samples. */
  batchSize: z.number().int().nonnegative().default(0),
  /** Record metrics every k steps (and at the last step). */
  recordEvery: positiveInt().default(10),
  /** Seed of the mini-batch order. */
  seed: z.union([z.string().min(1), z.number().int()]).default(0),
}).strict();

export type ModelSpecInput = z.input<typeof modelSpecSchema>;
export type InitOptions = z.output<typeof initSchema>;
export type TrainOptions = z.output<typeof trainSchema> & { projection: Projection };
export type TrainOptionsInput = z.input<typeof trainSchema>;

export const parseModelSpec = (value: unknown, where = 'model config'): ModelSpec =>
  parseWith(modelSpecSchema, value, where);
export const parseInitOptions = (value: unknown, where = 'init options'): InitOptions =>
  parseWith(initSchema, value ?? {}, where);
export const parseTrainOptions = (value: unknown, where = 'train options'): TrainOptions =>
  parseWith(trainSchema, value, where) as TrainOptions;
