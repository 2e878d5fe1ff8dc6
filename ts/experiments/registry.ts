/** The experiments E1..E11 and the dense variants, by id. */
import { ValidationError } from '../core/errors.js';
import type { Experiment } from './experiment.js';
import { E1 } from './presets/e1-width.js';
import { E2 } from './presets/e2-memory.js';
import { E3 } from './presets/e3-projection.js';
import { E4 } from './presets/e4-laziness.js';
import { E5 } from './presets/e5-rate.js';
import { E6 } from './presets/e6-floor.js';
import { E7 } from './presets/e7-dimension.js';
import { E8 } from './presets/e8-activation.js';
import { E9 } from './presets/e9-linearization.js';
import { E10 } from './presets/e10-projection-gain.js';
import { E11 } from './presets/e11-out-of-class.js';
import { E1_RANDOM } from './presets/e1-random.js';
import { DENSE_EXPERIMENTS } from './presets/dense.js';

export const EXPERIMENTS: readonly Experiment[] = [
  E1,
  E2,
  E3,
  E4,
  E5,
  E6,
  E7,
  E8,
  E9,
  E10,
  E11,
  E1_RANDOM,
  ...DENSE_EXPERIMENTS,
];

export function getExperiment(id: string): Experiment {
  const exp = EXPERIMENTS.find((e) => e.id.toLowerCase() === id.toLowerCase());
  if (!exp) throw new ValidationError(`unknown experiment '${id}'; known: ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
  return exp;
}
