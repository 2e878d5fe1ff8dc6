/**
 * rnn-gd: gradient descent for recurrent neural networks as in Cayci & Eryilmaz,
 * "Convergence of Gradient Descent for Recurrent Neural Networks: A Nonasymptotic Analysis".
 *
 * Data flow: config -> initialize / generateData (seeded) -> backend (wasm | ts) -> Trainer ->
 * metrics; predict, save and load a model in one call each.
 *
 * This is the universal entry (browsers, workers, Node), curated to the API of the README: it
 * imports no `node:*` module and loads the wasm inlined as base64. Node resolves the package to
 * ts/entries/node.ts instead, which adds the file functions. The long tail lives in subpath entries:
 * `rnn-gd/data` (every generator, inputs, teachers, seeded randomness), `rnn-gd/memory` (sizes and
 * the wasm memory cap), `rnn-gd/theory`, `rnn-gd/experiments`, `rnn-gd/parallel`, and
 * `rnn-gd/wasm-file` (the wasm loaded from its .wasm file by URL).
 */
export type {
  Recurrence,
  Readout,
  FloatArray,
  ModelSpec,
  ModelParams,
  Dataset,
  Projection,
  InitScheme,
} from '../core/types.js';
export { paramCount, targetsPerSequence, readoutOf } from '../core/types.js';
export { ACTIVATIONS, type ActivationName } from '../core/activations.js';
export type { Seed } from '../core/rng.js';
// Configs: the input types a user writes, their parsers (runtime validation), and the schemas (forms).
export {
  parseModelSpec,
  parseTrainOptions,
  parseInitOptions,
  modelSpecSchema,
  initSchema,
  trainSchema,
  type ModelSpecInput,
  type TrainOptions,
  type TrainOptionsInput,
  type InitOptions,
  type InitOptionsInput,
  type InitLaw,
} from '../core/config.js';
export { initialize, cloneParams } from '../train/init.js';
export {
  generateData,
  parseDataConfig,
  dataConfigSchema,
  SYSTEMS,
  type DataConfig,
  type DataConfigInput,
  type DataConfigInputOf,
  type DataMeta,
  type GeneratedData,
  type GenerateOptions,
  type SystemName,
} from '../data/generate.js';
export { checkDataset, checkFits, type FitSources } from '../core/dataset.js';
export {
  getBackend,
  tsBackend,
  type Backend,
  type BackendName,
  type BackendOptions,
  type Network,
  type Workspace,
  type TrainSteps,
  type ParamName,
} from '../backend/index.js';
export {
  Trainer,
  type TrainerInit,
  type TrainerResume,
  type TrainResult,
  type RunOptions,
  type TrainStatus,
} from '../train/trainer.js';
export {
  prepareRun,
  type TrainRunConfig,
  type TrainRunInputs,
  type TrainerStart,
  type PreparedRun,
} from '../train/run.js';
export { predict, type PredictInputs, type PredictOptions } from '../train/predict.js';
export { paramMetrics, wBar, type MetricRecord } from '../core/metrics.js';
export { bounds, type BoundsInput, type BoundsResult, type BoundsTerms, type Regime } from '../theory/bounds.js';
// Formats as JSON/bytes (universal); the Node entry (ts/entries/node.ts) adds paths and files.
export { loadModel, modelBlob, type ModelSource } from '../io/model-source.js';
export type { FetchLimits } from '../io/fetch-bounded.js';
export {
  parseModelFile,
  modelToJson,
  modelFileText,
  MODEL_FORMAT,
  type ModelFile,
  type ModelFileJson,
} from '../io/model-json.js';
export { parseDataFile, dataToJson, DATA_FORMAT, type DataFileJson } from '../io/data-json.js';
export { parseNpy, encodeNpy, type NpyArray, type NpyDtype } from '../io/npy-codec.js';
export { metricsCsv } from '../io/metrics-file.js';
export { runInfo, PACKAGE_VERSION, type RunInfo } from '../core/version.js';
// Errors: UserError is the family of everything a caller has to fix (the CLI exits 2 on them).
export { UserError, ValidationError, UsageError } from '../core/errors.js';
export { BoundsInputError, CapacityError, UseAfterFreeError } from '../core/errors.js';
// The wasm build and where it is loaded from. These stay at the root (not a subpath) because
// pages set the source before the first getBackend, and the browser bundles (rnn-gd/bundle) hold
// one loader that a separate entry could not reach.
export { wasmBackend } from '../backend/wasm-backend.js';
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
} from '../backend/wasm-loader.js';
