/**
 * rnn-gd: gradient descent for recurrent neural networks as in Cayci & Eryilmaz,
 * "Convergence of Gradient Descent for Recurrent Neural Networks: A Nonasymptotic Analysis".
 *
 * Data flow: config -> initialize / data (seeded) -> backend (wasm | ts) -> Trainer -> metrics
 * -> experiment results -> reports and plots.
 */
export * from './types.js';
export { activations, ACTIVATIONS, type Activation, type ActivationName } from './activations.js';
export { parseModelSpec, parseTrainOptions, parseInitOptions, type TrainOptions, type TrainOptionsInput, type InitOptions } from './config.js';
export { ValidationError } from './validate.js';
export { initialize, cloneParams } from './init.js';
export { makeRng, permutation, type Rng, type Seed } from './rng.js';
export { project, neuronDistancesSq } from './projection.js';
export { getBackend, tsBackend, type Backend, type BackendName, type Network, type Workspace, type TrainChunk, type ParamName } from './backend/index.js';
export type { Kernels, Particles, TangentSpec } from './backend/types.js';
export { Trainer, type TrainerInit, type TrainResult, type RunOptions, type TrainStatus } from './trainer.js';
export { paramMetrics, operatorNorm, type MetricRecord } from './metrics.js';
export { bounds } from './theory/bounds.js';
export { parseModelFile, modelToJson, readModelFile, writeModelFile } from './io/model-file.js';
export { parseDataFile, dataToJson, readData, writeData } from './io/data-file.js';
export { parseNpy, encodeNpy, readNpy, writeNpy } from './io/npy.js';
export { metricsCsv } from './io/metrics-file.js';
export { runInfo, PACKAGE_VERSION, type RunInfo } from './version.js';
