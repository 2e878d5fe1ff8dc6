/** The experiments E1..E8, by id. */
import type { Experiment } from './experiment.js';
import { E1 } from './presets/e1-width.js';

export const EXPERIMENTS: readonly Experiment[] = [E1];

export function getExperiment(id: string): Experiment {
  const exp = EXPERIMENTS.find((e) => e.id.toLowerCase() === id.toLowerCase());
  if (!exp) throw new RangeError(`unknown experiment '${id}'; known: ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
  return exp;
}
