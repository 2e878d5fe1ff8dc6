/** Data generators (MODEL.md sections 1 and 9): inputs, the transport-map class, dense teacher, classic systems. */
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
export { oracleParams, linearizedPredictions, approximationFloor } from '../theory/oracle.js';
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
