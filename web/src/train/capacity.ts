/**
 * The page's capacity check: the package's plan (planTraining, the one the trainer and the CLI's
 * `train --system` check use) for a page run, which also keeps a second network on the first
 * SHOWN_TEST_ROWS test sequences for the prediction plot. The form asks it before set-up, and the
 * worker asks it again before it generates any data, so both answer what the package would.
 */
import { parseDataConfig, parseModelSpec, parseTrainOptions, type ModelSpec } from 'rnn-gd';
import { formatBytes, planTraining, type CapacityPlan } from 'rnn-gd/memory';
import type { RunConfig } from './protocol.js';

/** Test sequences whose predictions the page plots (the worker keeps a workspace on them). */
export const SHOWN_TEST_ROWS = 200;

export interface PagePlan {
  spec: ModelSpec;
  batchSize: number;
  plan: CapacityPlan;
}

/** The package's validation of a page run (throws its ValidationError) and its capacity plan. */
export function planPageRun(c: RunConfig): PagePlan {
  const readout = (c.model.readout as string | undefined) ?? 'final';
  const data = parseDataConfig({ ...c.data, readout, seed: c.seed }, 'data');
  if (data.nTest < 1) throw new RangeError("data: field 'nTest': the page needs a test set (at least 1 sequence)");
  const spec = parseModelSpec({ ...c.model, d: data.d }, 'model');
  const { batchSize } = parseTrainOptions(c.train, 'training');
  const shape = (n: number) => ({ n, T: data.T });
  const plan = planTraining(spec, shape(data.n), shape(data.nTest), { batchSize, shownRows: SHOWN_TEST_ROWS });
  return { spec, batchSize, plan };
}

const WHAT = {
  model: 'The model',
  workspace: 'One workspace',
  'linearized workspace': 'The linearized workspace',
  together: 'All models and workspaces together',
} as const;

/** null when the plan fits; else what does not fit, in the page's words, and which of its fields to change. */
export function capacityAdvice({ spec, batchSize, plan }: PagePlan): string | null {
  if (plan.fits || !plan.refused) return null;
  const { what, bytes, limit } = plan.refused;
  const fit = plan.maxRows;
  const fixes =
    what !== 'model' && fit >= 1
      ? `set Batch size to at most ${fit} (mini-batch SGD: the memory depends on the batch, not on n)${batchSize === 0 ? `, or Sequences n to at most ${fit}` : ''}, or lower Length T or Width m`
      : `lower Width m${spec.recurrence === 'dense' ? ' or use the diagonal recurrence (the dense one stores m² weights)' : ''}${what === 'model' ? '' : ' or Length T'}`;
  return `${WHAT[what]} of this setting needs ${formatBytes(bytes)} of wasm memory, more than the page's ${formatBytes(limit)}: ${fixes}.`;
}
