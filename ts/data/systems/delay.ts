/** Delay recall y_t = x_{t-k}[coordinate] (../classic.ts). */
import { z } from 'zod';
import { delayOptionsSchema, delayRecall } from '../classic.js';
import { commonFields, defineSystem } from '../system.js';

export const delay = defineSystem({
  schema: z.object({ system: z.literal('delay'), ...commonFields(), ...delayOptionsSchema.shape }).strict(),
  check(config, bad) {
    if (config.k >= config.T)
      throw bad('k', `must be < T = ${config.T} (the recalled input x_{T-1-k} must exist), got ${config.k}`);
    if (config.coordinate >= config.d) throw bad('coordinate', `must be < d = ${config.d}, got ${config.coordinate}`);
  },
  targets(config, { all, readout }) {
    const raw = delayRecall(all, readout, config.k, config.coordinate);
    return { raw, teacher: { kind: 'delay recall', k: config.k, coordinate: config.coordinate } };
  },
});
