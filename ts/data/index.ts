/**
 * `rnn-gd/data`: the data generators (docs/spec/model.md sections 1 and 9, docs/data.md): inputs,
 * the transport-map class, the dense teacher, classic systems, summaries, and the seeded random
 * streams they draw from. The root entry has generateData and its config types; this entry has the
 * rest. Node adds the generated-data directories (./node.ts).
 */
export {
  generateData,
  parseDataConfig,
  dataConfigSchema,
  SYSTEMS,
  NORMALIZATIONS,
  systemOptionKeys,
} from './generate.js';
export type {
  DataConfig,
  DataConfigInput,
  DataConfigInputOf,
  DataMeta,
  GeneratedData,
  GenerateOptions,
  SystemName,
  NormalizeMode,
} from './generate.js';
export {
  generateInputs,
  inputLawSchema,
  projectUnitBall,
  randomUnitVector,
  type InputLaw,
  type InputLawInput,
} from './inputs.js';
export {
  transportOptionsSchema,
  makeClassTeacher,
  resolveMap,
  mapValues,
  drawParticles,
  scaleMap,
  mapRadius,
  teacherValues,
  teacherStdErr,
  prefixData,
  MAP_KINDS,
} from './transport.js';
export { oracleParams, linearizedPredictions, approximationFloor } from './oracle.js';
export type {
  TransportOptions,
  TransportOptionsInput,
  TransportMap,
  ClassTeacher,
  MapKind,
  Normalization,
} from './transport.js';
export {
  denseTeacherOptionsSchema,
  makeDenseTeacher,
  denseJvp,
  denseTeacherValues,
  type DenseTeacher,
  type DenseTeacherOptions,
} from './dense-teacher.js';
export {
  linearFilter,
  delayRecall,
  narma10,
  makeTeacherRnn,
  rnnOutputs,
  linearFilterOptionsSchema,
  delayOptionsSchema,
  narmaOptionsSchema,
  teacherRnnOptionsSchema,
} from './classic.js';
export { datasetStats, describeDataset, sparkline, histogramLine, moments, type DatasetStats } from './summary.js';
export { makeRng, permutation, type Rng, type Seed } from '../core/rng.js';
