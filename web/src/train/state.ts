/**
 * The training view's state: one small object that the view's actions change and the render
 * functions (train/charts.ts, train/runs.ts, the bound panel) read.
 */
import type { MetricRecord } from 'rnn-gd';
import type { FormValues } from '../shared/schema-form';
import type { RunConfig, SetupInfo, Update } from './protocol';

export type Phase = 'idle' | 'setup' | 'running' | 'paused';

export interface RunView {
  id: number;
  config: RunConfig;
  values: FormValues;
  records: MetricRecord[];
  status: 'setup' | Update['status'] | 'cancelled' | 'failed';
  info: SetupInfo | null;
  message?: string;
  modelText?: string;
  color: string;
  visible: boolean;
}

export interface TrainState {
  phase: Phase;
  /** Every run kept (overlaid on the charts), oldest first. */
  runs: RunView[];
  /** The run set up, training or paused last (the one the status line, predictions and bound panel show). */
  current: RunView | null;
  lastUpdate: Update | null;
  preds: Update['predictions'];
  nextId: number;
  /** Bumped when a worker is replaced or a run ends early: answers for older runs are ignored. */
  generation: number;
}

export const newTrainState = (): TrainState => ({
  phase: 'idle',
  runs: [],
  current: null,
  lastUpdate: null,
  preds: undefined,
  nextId: 1,
  generation: 0,
});

export const isBusy = (s: TrainState) => s.phase === 'running' || s.phase === 'setup';

/** Forgets the current run's worker state (its records stay with the run). */
export function dropCurrent(s: TrainState): void {
  s.current = null;
  s.preds = undefined;
  s.lastUpdate = null;
}

const PALETTE = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4b5563'];

/** A new run of the setting `values` (as `config`), in set-up, with the next colour. */
export function addRun(s: TrainState, config: RunConfig, values: FormValues): RunView {
  const run: RunView = {
    id: s.nextId++,
    config,
    values,
    records: [],
    status: 'setup',
    info: null,
    color: PALETTE[(s.nextId - 2) % PALETTE.length],
    visible: true,
  };
  s.runs.push(run);
  s.current = run;
  s.preds = undefined;
  s.lastUpdate = null;
  return run;
}

/** The projection radius of a max-norm projection (undefined without one). */
export const rhoOf = (c: RunConfig) =>
  (c.train.projection as { kind?: string; rho?: number } | undefined)?.kind === 'maxnorm'
    ? (c.train.projection as { rho: number }).rho
    : undefined;

/** "#3 transport, diagonal m=256, α=0.5, T=10, η=0.2, seed 1" */
export const runLabel = (r: RunView) => {
  const d = r.config.data,
    m = r.config.model,
    t = r.config.train;
  return `#${r.id} ${d.system}, ${m.recurrence} m=${m.m}, α=${m.alpha}, T=${d.T ?? 10}, η=${t.eta}, seed ${r.config.seed}`;
};
