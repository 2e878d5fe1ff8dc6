/**
 * rnn-gd: gradient descent for recurrent neural networks as in Cayci & Eryilmaz,
 * "Convergence of Gradient Descent for Recurrent Neural Networks: A Nonasymptotic Analysis".
 *
 * Data flow: config -> initialize / data (seeded) -> backend (wasm | ts) -> Trainer -> metrics
 * -> experiment results -> reports and plots.
 *
 * This is the universal entry (browsers, workers, Node): it imports no `node:*` module and loads
 * the wasm inlined as base64. Node resolves the package to ts/node.ts instead, which adds the file
 * functions; `rnn-gd/wasm-file` (ts/wasm-file.ts) loads the separate .wasm file by URL.
 */
export * from './types.js';
export { activations, ACTIVATIONS, type Activation, type ActivationName } from './activations.js';
export {
  parseModelSpec,
  parseTrainOptions,
  parseInitOptions,
  modelSpecSchema,
  initSchema,
  trainSchema,
  projectionSchema,
  type ModelSpecInput,
  type TrainOptions,
  type TrainOptionsInput,
  type InitOptions,
  type InitOptionsInput,
  type InitLaw,
} from './config.js';
export { ValidationError } from './validate.js';
export { initialize, cloneParams } from './init.js';
export { makeRng, permutation, type Rng, type Seed } from './rng.js';
export { project, neuronDistancesSq } from './projection.js';
export {
  getBackend,
  tsBackend,
  type Backend,
  type BackendName,
  type Network,
  type Workspace,
  type TrainChunk,
  type ParamName,
} from './backend/index.js';
export type { Kernels, Particles, TangentSpec } from './backend/types.js';
export {
  Trainer,
  type TrainerInit,
  type TrainerResume,
  type TrainResult,
  type RunOptions,
  type TrainStatus,
} from './trainer.js';
export { prepareRun, type TrainRunConfig, type TrainRunInputs, type TrainerStart, type PreparedRun } from './run.js';
// Memory: sizes of wasm objects, the cap checked before allocation, bounded evaluation of large data sets.
export {
  CapacityError,
  setMemoryCap,
  getMemoryCap,
  workspaceBytes,
  modelBytes,
  featuresBytes,
  teacherBytes,
  checkModel,
  checkWorkspace,
  liveWasmBytes,
  formatBytes,
  parseBytes,
  WASM_MEMORY_LIMIT,
  DEFAULT_MEMORY_CAP,
} from './backend/capacity.js';
export { ChunkedData, rowsForBudget, DEFAULT_MEMORY_BUDGET } from './backend/chunked.js';
export { paramMetrics, wBar, type MetricRecord } from './metrics.js';
export {
  bounds,
  regimeOf,
  seriesS,
  BoundsInputError,
  type BoundsInput,
  type BoundsResult,
  type BoundsTerms,
  type Regime,
} from './theory/bounds.js';
export * from './data/index.js';
// Formats as JSON/bytes (universal); reading and writing files is in the Node entry (ts/node.ts).
export {
  parseModelFile,
  modelToJson,
  modelFileText,
  MODEL_FORMAT,
  type ModelFile,
  type ModelFileJson,
} from './io/model-json.js';
export { parseDataFile, dataToJson, DATA_FORMAT, type DataFileJson } from './io/data-json.js';
export { checkDataset, checkFits, type FitSources } from './dataset.js';
export { parseNpy, encodeNpy, type NpyArray, type NpyDtype } from './io/npy-codec.js';
export { metricsCsv } from './io/metrics-file.js';
export { runInfo, PACKAGE_VERSION, type RunInfo } from './version.js';
export { wasmBackend, UseAfterFreeError } from './backend/wasm-backend.js';
export {
  loadWasm,
  simdSupported,
  relaxedSimdSupported,
  setWasmSource,
  inlineWasmSource,
  wasmSourceName,
  type LoadedWasm,
  type WasmFlavor,
  type WasmSource,
  type WasmSourceProvider,
} from './backend/wasm-loader.js';
