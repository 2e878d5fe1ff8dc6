/**
 * Experiments API (runtime-agnostic part): presets E1..E8, the point runner, the worker pool
 * (give it a worker factory: pool-node.ts for Node worker_threads, pool-browser.ts for Web
 * Workers), the sweep runner, analysis, vega-lite plots, the sweep formats as text and the report
 * builder. Node-only file handling (sweep directories, written reports, merge) is in ./node.js.
 */
export * from './types.js';
export type { Experiment, Analysis, Fit, Plot, Table, Verdict, PointTemplate, PresetOptions } from './experiment.js';
export { expandPoints, paramKey } from './experiment.js';
export { EXPERIMENTS, getExperiment } from './registry.js';
export { planSweep, parseShard, formatShard, inShard, selectShard, sweepFingerprint, type Shard } from './plan.js';
export { runPoint, type RunPointContext } from './point.js';
export { plateauStop } from './point-train.js';
export { THEORY_ETA_FACTOR, type EtaChoice, type GridRun } from './step-size.js';
export { replaySearch, searchUnits, completeness, type SearchState, type SearchUnit } from './search.js';
export { estimateRemainingMs, type EtaChain, type EtaInput } from './eta.js';
export { WorkerCrashError } from '../core/errors.js';
export {
  WorkerPool,
  InProcessExecutor,
  defaultWorkerCount,
  type PointExecutor,
  type WorkerFactory,
  type WorkerHandle,
} from './pool.js';
export { runSweep, errorResult, type SweepProgress, type SweepOutcome, type SweepRunOptions } from './sweep.js';
export {
  driveSweep,
  planExperiment,
  shareStatus,
  type DriveOptions,
  type DriveResult,
  type ShareStatus,
  type SweepPlan,
  type SweepPlanOptions,
  type SweepStore,
} from './driver.js';
export { lineChart, renderSvg, type VlSpec } from './plots.js';
export { createBrowserPool, browserWorkerFactory } from './pool-browser.js';
export {
  CheckpointError,
  MANIFEST_FILE,
  POINTS_FILE,
  newManifest,
  parseManifestText,
  parsePointsText,
  pointsText,
  type ParsedPoints,
  type SweepManifest,
} from './sweep-format.js';
export {
  buildReport,
  reportFiles,
  summaryCsv,
  SUMMARY_METRICS,
  type BuiltReport,
  type ReportOptions,
} from './report-build.js';
export * as fit from './fit.js';
export type { WorkerApi, WorkerInit } from './worker-api.js';
