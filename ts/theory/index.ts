/**
 * `rnn-gd/theory`: the kernel-regime toolkit for recurrent networks (runtime-agnostic, no `node:*`).
 *
 * - the bound calculator (docs/spec/model.md section 8; every constant is our derivation, `derived: true`);
 * - measured gradient/Hessian constants and the memory-decay curve on given parameters and data;
 * - the empirical NTK (Gram matrix, spectrum, drift), the Monte-Carlo infinite-width kernel of the
 *   diagonal model, kernel ridge regression as a baseline and its comparison with a trained network;
 * - the kernel regime: closed-form GD predictions of the linearized network (KernelRegime), the
 *   infinite-width NTK and NNGP with Monte-Carlo standard errors, kernel alignment. The linearized
 *   network itself is `backend.network(params, { linearized: true })` (root entry).
 *
 * Every function that runs the network takes a backend (`getBackend('wasm')` or `tsBackend()` from
 * the root entry), so the same call works in Node, workers and pages. See docs/theory.md.
 */
export { memoryFactor } from '../types.js';
export { wBar, predictionDistance, type PredictionDistance } from '../metrics.js';
export { etaMaxHint } from './eta-hint.js';
export {
  bounds,
  regimeOf,
  seriesS,
  CRITICAL_TOLERANCE,
  type BoundsInput,
  type BoundsResult,
  type BoundsTerms,
  type Regime,
  type TermsSet,
} from './bounds.js';
export { BoundsInputError, BoundsRangeError } from '../errors.js';
export {
  constants,
  measureConstants,
  termsWithConstants,
  type ConstantsOptions,
  type ConstantsResult,
  type MeasuredConstants,
  type NeuronConstants,
  type SampleNeuron,
  type Sensitivity,
} from './constants.js';
export { neuronGradient, diagonalNeuronHessian, denseNeuronHvp } from './derivatives.js';
export {
  empiricalNtk,
  ntkDrift,
  ntkBlocks,
  gramStats,
  symmetricEigenvalues,
  relativeDrift,
  concatData,
  atInit,
  sampleParticles,
  monteCarloKernel,
  type EmpiricalNtk,
  type GramStats,
  type WLaw,
} from './ntk.js';
export {
  kernelBaseline,
  kernelRidgeFit,
  kernelRidgePredict,
  defaultRidge,
  networkPredictions,
  networkVsKernel,
  type BaselineKernel,
  type KernelBaseline,
  type KernelRidgeFit,
  type NetworkVsKernel,
} from './kernel-ridge.js';
export { kernelAlignment, centeredKernelAlignment, centerKernel } from './alignment.js';
export {
  KernelTracker,
  kernelSubsample,
  KERNEL_SAMPLES,
  KERNEL_TOP,
  type KernelSnapshot,
  type KernelSchedule,
} from './kernel-track.js';
export {
  KernelRegime,
  kernelRegime,
  outputKernels,
  outputGradients,
  type KernelRegimeInput,
  type KernelRegimePoint,
} from './kernel-regime.js';
export {
  infiniteWidthKernel,
  monteCarloNngp,
  finalStates,
  haltonParticles,
  normalQuantile,
  widthConvergence,
  type KernelEstimate,
  type KernelKind,
  type Sampling,
  type InfiniteWidthOptions,
  type WidthConvergence,
} from './infinite-width.js';
export { SymmetricEigen } from './eigen.js';
export type { Kernels, Particles, TangentSpec } from '../backend/types.js';
