/** The linear fading-memory filter y_t = sum_k r^k <beta, x_{t-k}> (../classic.ts). */
import { ValidationError } from '../../core/errors.js';
import { z } from 'zod';
import { makeRng } from '../../core/rng.js';
import { linearFilter as filter, linearFilterOptionsSchema } from '../classic.js';
import { randomUnitVector } from '../inputs.js';
import { commonFields, defineSystem } from '../system.js';

export const linearFilter = defineSystem({
  schema: z
    .object({ system: z.literal('linear-filter'), ...commonFields(), ...linearFilterOptionsSchema.shape })
    .strict(),
  check(config, bad) {
    if (config.beta && config.beta.length !== config.d)
      throw bad('beta', `has ${config.beta.length} values, expected d = ${config.d}`);
  },
  targets(config, { all, seed, readout }) {
    // Drawn even when beta is given, so the stream is consumed the same way either way.
    let beta = randomUnitVector(config.d, makeRng(seed, 'data/teacher-directions'));
    if (config.beta) {
      const norm = Math.hypot(...config.beta);
      if (!(norm > 0))
        throw new ValidationError(
          `data config: field 'beta' must be a nonzero vector (it is normalized to unit length)`,
        );
      beta = Float64Array.from(config.beta, (x) => x / norm);
    }
    const raw = filter(all, readout, config.r, beta);
    return { raw, teacher: { kind: 'linear fading-memory filter', r: config.r, beta: Array.from(beta) } };
  },
});
