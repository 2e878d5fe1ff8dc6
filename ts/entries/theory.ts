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
export { memoryFactor } from '../core/types.js';
export { wBar, predictionDistance, type PredictionDistance } from '../core/metrics.js';
export { etaMaxHint } from '../theory/eta-hint.js';
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
} from '../theory/bounds.js';
export { BoundsInputError, BoundsRangeError } from '../core/errors.js';
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
} from '../theory/constants.js';
export { neuronGradient, diagonalNeuronHessian, denseNeuronHvp } from '../theory/derivatives.js';
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
} from '../theory/ntk.js';
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
} from '../theory/kernel-ridge.js';
export { kernelAlignment, centeredKernelAlignment, centerKernel } from '../theory/alignment.js';
export {
  KernelTracker,
  kernelSubsample,
  KERNEL_SAMPLES,
  KERNEL_TOP,
  type KernelSnapshot,
  type KernelSchedule,
} from '../theory/kernel-track.js';
export {
  KernelRegime,
  kernelRegime,
  outputKernels,
  outputGradients,
  type KernelRegimeInput,
  type KernelRegimePoint,
  type KernelRegimeStart,
  type KernelRoundoff,
} from '../theory/kernel-regime.js';
export { exactDenseKernel } from '../theory/dense-kernel.js';
export {
  meanField,
  criticalAlpha,
  alphaForFactor,
  inputVariance,
  lyapunovExponent,
  memoryReport,
  type MeanField,
  type MeasuredMemory,
  type MemoryReport,
  type LyapunovOptions,
} from '../theory/memory-factor.js';
export { gaussPair, type GaussPair } from '../backend/gauss-pair.js';
export type { DenseKernelSpec } from '../backend/types.js';
export {
  infiniteWidthKernel,
  monteCarloNngp,
  finalStates,
  haltonParticles,
  normalQuantile,
  widthConvergence,
  logLogSlope,
  type KernelEstimate,
  type KernelKind,
  type Sampling,
  type InfiniteWidthOptions,
  type WidthConvergence,
} from '../theory/infinite-width.js';
export { SymmetricEigen } from '../theory/eigen.js';
export type { Kernels, Particles, TangentSpec } from '../backend/types.js';
