/**
 * Compile-time checks of the public input types (type-checked by `make lint` through
 * tsconfig.test.json): every `@ts-expect-error` line must be an error, so a parameter type that
 * loosens back to `unknown` or `string` fails lint.
 */
import {
  getBackend,
  initialize,
  parseTrainOptions,
  type InitOptionsInput,
  type ModelSpecInput,
  type TrainOptionsInput,
} from '../../ts/entries/index.js';
import type { RunExperimentOptions } from '../../ts/experiments/run-node.js';

export const spec: ModelSpecInput = { recurrence: 'diagonal', m: 8, d: 2, alpha: 0.5 };
export const init: InitOptionsInput = { w: 'rademacher', seed: 'a' };
export const train: TrainOptionsInput = { eta: 0.1, steps: 10, projection: { kind: 'maxnorm', rho: 2 } };

export const run: RunExperimentOptions = { experiment: 'e4-dense', size: 'quick', out: 'sweep' };
// @ts-expect-error an unknown experiment id
export const noSuchExperiment: RunExperimentOptions = { experiment: 'E12', size: 'quick', out: 'sweep' };

export async function misspelled(): Promise<void> {
  initialize(spec, init);
  // @ts-expect-error a misspelled recurrence
  initialize({ recurrence: 'dens', m: 8, d: 2, alpha: 0.5 });
  // @ts-expect-error an unknown activation
  initialize({ recurrence: 'dense', activation: 'gelu', m: 8, d: 2, alpha: 0.5 });
  // @ts-expect-error m is a number
  initialize({ recurrence: 'dense', m: '8', d: 2, alpha: 0.5 });
  // @ts-expect-error alpha is required
  initialize({ recurrence: 'dense', m: 8, d: 2 });
  // @ts-expect-error an unknown init law
  initialize(spec, { w: 'gaussian' });
  // @ts-expect-error a misspelled init option
  initialize(spec, { sede: 1 });
  // @ts-expect-error a misspelled backend name
  await getBackend('wsam');
  // @ts-expect-error a projection without its radius
  const noRho: TrainOptionsInput = { eta: 0.1, steps: 10, projection: { kind: 'l2' } };
  void noRho;
  // The parsers still take unknown (JSON files): they validate at run time.
  parseTrainOptions(JSON.parse('{"eta": 0.1, "steps": 3}'));
}
