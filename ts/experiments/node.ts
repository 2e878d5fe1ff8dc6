/** Experiments API, Node part: worker_threads pool, sweep directories (checkpoint, resume, merge) and reports. */
export * from './index.js';
export { createNodePool, nodeWorkerFactory, nodeDefaultWorkers, NODE_WORKER_URL } from './pool-node.js';
export { openCheckpoint, readManifest, readPoints, readPointsFile, type Checkpoint } from './checkpoint.js';
export {
  runExperiment,
  mergeSweeps,
  type RunExperimentOptions,
  type RunExperimentResult,
  type MergeResult,
} from './run-node.js';
export { writeReport, findSweepDirs, indexMarkdown, type WrittenReport } from './report.js';
