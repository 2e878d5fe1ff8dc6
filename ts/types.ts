/** Core value types shared by every room of the package (MODEL.md sections 1-2, FORMATS.md). */
import type { ActivationName } from './activations.js';

export type Recurrence = 'dense' | 'diagonal';
export type Readout = 'final' | 'all';
export type FloatArray = Float32Array | Float64Array;

/** The architecture: everything but the parameter values. */
export interface ModelSpec {
  readonly recurrence: Recurrence;
  readonly activation: ActivationName;
  readonly readout: Readout;
  /** width (even) */
  readonly m: number;
  /** input dimension */
  readonly d: number;
  readonly alpha: number;
}

/**
 * A model's parameter values (float64 copies, as in the model file).
 * W: dense m*m row-major (W[i*m+j] multiplies h_j into neuron i), diagonal m values.
 * U: m*d row-major. c: output signs. W0/U0: the initialization (projection and distances use it).
 */
export interface ModelParams {
  readonly spec: ModelSpec;
  W: Float64Array;
  U: Float64Array;
  c: Float64Array;
  W0: Float64Array;
  U0: Float64Array;
}

/**
 * A data set: n sequences of length T in R^d, X[(j*T + t)*d + k];
 * Y has n values (readout final) or n*T values, Y[j*T + t] (readout all).
 */
export interface Dataset {
  readonly n: number;
  readonly T: number;
  readonly d: number;
  X: FloatArray;
  Y: FloatArray;
  /** How the data was made (generator config and seed), recorded with results. */
  meta?: Record<string, unknown>;
}

/** Projection after every step (MODEL.md section 6). */
export type Projection = { kind: 'none' } | { kind: 'maxnorm'; rho: number } | { kind: 'l2'; rho: number };

export const wLength = (spec: ModelSpec): number => (spec.recurrence === 'dense' ? spec.m * spec.m : spec.m);
export const uLength = (spec: ModelSpec): number => spec.m * spec.d;
/** Number of targets per sequence for a readout. */
export const targetsPerSequence = (readout: Readout, T: number): number => (readout === 'all' ? T : 1);
