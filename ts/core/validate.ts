/** Boundary validation: zod schemas turned into errors that name the offending field. */
import { z } from 'zod';
import { ValidationError } from './errors.js';

/** Parses `value` with `schema`, or throws a ValidationError listing every bad field under `where`. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: field '${path}': ${issue.message}`;
  });
  throw new ValidationError(problems.join('\n'));
}

/** A finite number (rejects NaN and ±Infinity, which JSON cannot carry anyway but JS objects can). */
export const finite = () =>
  z.number().refine(Number.isFinite, { message: 'must be a finite number (not NaN or Infinity)' });
/**
 * A positive integer that JavaScript counts exactly (<= 2^53 - 1: a step counter beyond that would
 * stop advancing and loop forever).
 */
export const positiveInt = () =>
  z
    .number()
    .int('must be an integer')
    .positive('must be a positive integer')
    .max(Number.MAX_SAFE_INTEGER, 'must be <= 2^53 - 1');

/** Largest finite float32: the wasm core stores parameters, data and step sizes as float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;
/** Smallest normal float32 (2^-126): below it a float32 is subnormal or 0. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;
/** A finite number that stays finite in float32 (|x| <= 3.4e38). */
export const float32 = () =>
  finite().refine((x) => Math.abs(x) <= FLOAT32_MAX, {
    message: `must fit in float32 (|x| <= ${FLOAT32_MAX.toPrecision(5)}): the wasm core computes in float32`,
  });
