/**
 * The experiments view's state: one small object that the view's actions (lab/view.ts) change and
 * the render functions (lab/status.ts, lab/report-pane.ts) read.
 */
import {
  shareStatus,
  type BuiltReport,
  type PointResult,
  type ShareStatus,
  type SweepManifest,
  type SweepPlan,
  type SweepProgress,
} from 'rnn-gd/experiments';

export type LabPhase = 'idle' | 'running' | 'stopping' | 'done';

export interface LabState {
  phase: LabPhase;
  /** The sweep shown (running, stopped or finished), as its sweep.json. */
  manifest: SweepManifest | null;
  /** Its checkpoint key in IndexedDB (lab/sweep-store.ts). */
  key: string;
  /** Its finished points, in the order they finished. */
  results: PointResult[];
  built: BuiltReport | null;
  progress: SweepProgress | null;
  controller: AbortController | null;
  /** Points found in the checkpoint when the run started (not run again). */
  resumed: number;
  total: number;
  /** The sweep's plan (its points decide when a width-searched sweep is done). */
  planned: SweepPlan | null;
}

export const newLabState = (): LabState => ({
  phase: 'idle',
  manifest: null,
  key: '',
  results: [],
  built: null,
  progress: null,
  controller: null,
  resumed: 0,
  total: 0,
  planned: null,
});

export const isLabBusy = (s: LabState) => s.phase === 'running' || s.phase === 'stopping';

/** Trained, not needed, complete: what `rnn-gd experiment run` reports for the same points. */
export const counts = (s: LabState): ShareStatus | null => (s.planned ? shareStatus(s.planned.share, s.results) : null);

/** Shows the sweep `plan` with its stored `results` (or nothing, with null). */
export function showSweep(
  s: LabState,
  sweep: { manifest: SweepManifest; plan: SweepPlan; key: string; results: PointResult[] } | null,
): void {
  s.manifest = sweep?.manifest ?? null;
  s.planned = sweep?.plan ?? null;
  s.key = sweep?.key ?? '';
  s.results = sweep?.results ?? [];
  s.total = sweep ? sweep.plan.share.length : 0;
  s.resumed = s.results.length;
  s.progress = null;
}
