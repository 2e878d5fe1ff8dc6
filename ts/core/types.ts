/**
 * Core value types and the shape vocabulary shared by every room of the package (docs/spec/model.md sections
 * 1-2, docs/formats.md). The helpers below mirror `Spec` in crates/rnn-core/src/model.rs; no other file
 * re-derives these quantities.
 *
 * Glossary (the same letters everywhere, in TS and in rnn-core):
 *   m      width (number of hidden neurons, even)
 *   d      input dimension
 *   T      sequence length
 *   n      number of sequences in a data set; nMax the capacity of a workspace
 *   P      parameter count, len(W) + len(U) (c is fixed, never trained)
 *   per    targets per sequence: T for readout 'all', 1 for readout 'final'
 *   alpha  recurrent scale factor; the recurrence multiplies W by recurrentScale(spec)
 *   wBar   the scale of W that the bounds use (max |w_i| diagonal, ||W||_2 / sqrt(m) dense)
 *   chunk  a contiguous block of sequences (rows) worked on as a unit: ChunkedData's row blocks,
 *          the data-parallel trainer's chunkSize; steps run in calls of a few (TrainSteps), never "chunks"
 */
import type { ActivationName } from './activations.js';

/**
 * The model vocabulary's value lists, each the one spelling of its concept: the schemas in config.ts
 * (recurrenceSchema, ...) are made from them, and `make lint` (scripts/check-vocabulary.mjs) refuses a
 * second list of the same values anywhere in ts/.
 */
export const RECURRENCES = ['dense', 'diagonal'] as const;
export type Recurrence = (typeof RECURRENCES)[number];
export const READOUTS = ['final', 'all'] as const;
export type Readout = (typeof READOUTS)[number];
/**
 * The law of the diagonal recurrent weights w_i(0) (docs/spec/model.md section 4), called wInit:
 * `--w-init`, the data configs' `wInit`; the model config's `init.w` and theory's `law`/`WLaw` are
 * older names of the same thing.
 */
export const W_INITS = ['uniform', 'rademacher', 'normal'] as const;
export type WInit = (typeof W_INITS)[number];
export type FloatArray = Float32Array | Float64Array;

/** true when A and B are the same type (for compile-time checks that two definitions agree). */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * How Theta(0) was drawn (docs/spec/model.md section 4): 'halves' two independent half-width networks
 * (dense default), 'paired' neuron i + m/2 a copy of neuron i (diagonal default; dense before the
 * 'halves' law), 'iid' every neuron independent (f(Theta(0)) != 0).
 */
export const INIT_SCHEMES = ['halves', 'paired', 'iid'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

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
  /** The scheme Theta(0) was drawn by, when known (set by `initialize`, read from model files). */
  init?: InitScheme;
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

/** Projection after every step (docs/spec/model.md section 6). */
export type Projection = { kind: 'none' } | { kind: 'maxnorm'; rho: number } | { kind: 'l2'; rho: number };

/** len(W): m*m (dense) or m (diagonal). */
export const wLength = (spec: Pick<ModelSpec, 'recurrence' | 'm'>): number =>
  spec.recurrence === 'dense' ? spec.m * spec.m : spec.m;
/** len(U) = m*d. */
export const uLength = (spec: Pick<ModelSpec, 'm' | 'd'>): number => spec.m * spec.d;
/** P = len(W) + len(U), the number of trained parameters. */
export const paramCount = (spec: Pick<ModelSpec, 'recurrence' | 'm' | 'd'>): number => wLength(spec) + uLength(spec);
/** Number of targets per sequence for a readout: T ('all') or 1 ('final'). */
export const targetsPerSequence = (readout: Readout, T: number): number => (readout === 'all' ? T : 1);
/** The readout a data set's targets are for, read off Y's length (n values: 'final', n*T: 'all'). */
export const readoutOf = (data: Pick<Dataset, 'n' | 'Y'>): Readout => (data.Y.length === data.n ? 'final' : 'all');
/** The factor the recurrence multiplies W by: alpha/sqrt(m) (dense), alpha (diagonal). */
export const recurrentScale = (spec: Pick<ModelSpec, 'recurrence' | 'm' | 'alpha'>): number =>
  spec.recurrence === 'dense' ? spec.alpha / Math.sqrt(spec.m) : spec.alpha;
/** Memory factor a = alpha * sigma_1 * w_bar: the gain of one step back through the recurrence. */
export const memoryFactor = (alpha: number, sigma1: number, wBar: number): number => alpha * sigma1 * wBar;

/**
 * The backends by name: 'native' (the Rust core as a Node addon, AVX2 where the CPU has it), 'wasm'
 * (the same core in SIMD128 WebAssembly), 'ts' (the TypeScript reference, float64), and 'auto': in
 * Node native when its addon loads, else wasm; in browsers wasm (ts/backend/index.ts getBackend; a name here is vocabulary, the implementations are the backend room).
 */
export const BACKEND_NAMES = ['auto', 'native', 'wasm', 'ts'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** The name of a backend that exists ('auto' chooses one of these). */
export type ConcreteBackendName = Exclude<BackendName, 'auto'>;

/** The setting of a diverged run, for a hint on what to change (the Trainer asks it; the theory answers: theory/eta-hint.ts). */
export type DivergenceHint = (setting: { spec: ModelSpec; n: number; T: number; eta: number }) => string;
