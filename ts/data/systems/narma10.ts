/** NARMA-10 driven by one input coordinate (../classic.ts). */
import { z } from 'zod';
import { narma10 as narma, narmaOptionsSchema } from '../classic.js';
import { commonFields, defineSystem } from '../system.js';

export const narma10 = defineSystem({
  schema: z
    .object({
      system: z.literal('narma10'),
      ...commonFields({ d: 1, inputs: { kind: 'uniform' } }),
      ...narmaOptionsSchema.shape,
    })
    .strict(),
  check(config, bad) {
    if (config.coordinate >= config.d) throw bad('coordinate', `must be < d = ${config.d}, got ${config.coordinate}`);
  },
  targets(config, { all, readout }) {
    const raw = narma(all, readout, config.coordinate);
    const teacher = { kind: 'NARMA-10', coordinate: config.coordinate, input: 'u_t = (1 + x_t[coordinate]) / 4' };
    return { raw, teacher };
  },
});
