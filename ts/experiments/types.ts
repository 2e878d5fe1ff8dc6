/**
 * Experiment value types. A sweep is a list of points; a point is a plain JSON config (model,
 * init seed, data config and seed, train options, what to measure) with a stable id; running it
 * gives a plain JSON result. Both cross worker boundaries by structured clone and live one per
 * line in a JSONL checkpoint.
 */
import type { InitOptionsInput, ModelSpecInput, TrainOptionsInput } from '../core/config.js';
import type { Seed } from '../core/rng.js';
import type { DataConfigInput } from '../data/generate.js';
import type { EtaChoice, GridRun } from './step-size.js';

/** The experiments' ids (getExperiment and runExperiment also take them in lower case: 'e1'). */
export type ExperimentId =
  | 'E1'
  | 'E2'
  | 'E3'
  | 'E4'
  | 'E5'
  | 'E6'
  | 'E7'
  | 'E8'
  | 'E9'
  | 'E10'
  | 'E11'
  | 'E1-random'
  | 'E1-dense'
  | 'E2-dense'
  | 'E4-dense';

export type Size = 'quick' | 'full';
export const SIZES: readonly Size[] = ['quick', 'full'];

/** A swept value: what the analysis groups and plots by. */
export type ParamValue = number | string | boolean;

/** What a point measures besides the training metrics (each costs time). */
export interface MeasureOptions {
  /** Relative target: the risk counts as reached when risk <= eps * R(Theta(0)). */
  eps?: number;
  /** Train at all (false: measure at init only, e.g. E6's oracle risk). Default true. */
  train?: boolean;
  /** Empirical NTK at init and at the end: relative drift and smallest eigenvalue. */
  ntk?: boolean;
  /** Measured gradient and Hessian norms of the hidden state (the bounds' constants). */
  constants?: boolean;
  /** Risk of the oracle parameters theta_bar (transport-map teachers only) and the approximation floor. */
  oracle?: boolean;
  /** The measured memory factor at Theta(0): e^lambda, lambda the top Lyapunov exponent of the backward Jacobians on the training data (lyapunov0). */
  memory?: boolean;
  /** Stop training once the risk reaches eps * R(Theta(0)) (saves time when only the crossing matters). */
  stopAtEps?: boolean;
  /**
   * Stop training once the run cannot reach eps within its step budget: see `plateauStop` in
   * point-train.ts (only monotone, log-convex curves, from half the budget on). Saves the budget of
   * runs below the width needed.
   */
  plateau?: boolean;
  /** Keep about this many records of the training curve in the result (default 40). */
  curvePoints?: number;
  /**
   * Train the linearization at Theta(0) side by side (metrics lin*, curve linRisk) and put the
   * closed-form kernel-regime risk (plain GD with K0; curve kernelRisk) beside the measured curve.
   */
  linearized?: boolean;
  /**
   * The regime check (default true): the NTK's relative drift on a fixed seeded subsample of at
   * most 32 training sequences (metrics.drift) and the relative parameter movement
   * ||Theta_end - Theta(0)|| / ||Theta(0)|| (metrics.paramMove). false turns it off (cost).
   */
  regime?: boolean;
  /**
   * The kernel-regression norm of the training targets under the empirical NTK at init,
   * y^T (K + r I)^{-1} y / n with the ridge r = rkhsRidge * trace(K) / n (metrics.rkhsNorm):
   * an estimate of the target's RKHS norm (E11). Final readout only.
   */
  rkhsRidge?: number;
  /**
   * Count a run as reaching eps only when its kernel drift at the end (the regime check, which must
   * be on) is at most this: the width needed read in the theorem's lazy regime (E1). metrics.reached
   * then says both; metrics.reachedRisk says the risk alone.
   */
  maxDrift?: number;
}

/** Deliberate failures, for testing the sweep's crash handling only. */
export interface FaultOptions {
  /** 'throw': the point throws; 'exit': the worker process dies (process.exit / self.close). */
  kind: 'throw' | 'exit';
}

/** One unit of work of a sweep. Plain JSON. */
export interface PointConfig {
  /** Experiment id, e.g. 'E1'. */
  experiment: string;
  /** Stable id: experiment, swept values and seed, e.g. 'E1/n=128/m=16/seed=0'. */
  id: string;
  /** The id without the seed: points of one group are replicates. */
  group: string;
  /** The swept values (also what the CSV summary has as columns). */
  params: Record<string, ParamValue>;
  /** Replicate number (0, 1, ...): init, data and teacher seeds derive from it. */
  seed: number;
  /** The architecture; d defaults to the data's. */
  model: Omit<ModelSpecInput, 'd'> & { d?: number };
  init: InitOptionsInput & { seed: Seed };
  /** Passed to the data generator as it is, with `dataSeed`. */
  data: DataConfigInput;
  dataSeed: number | string;
  train: TrainOptionsInput;
  /**
   * Max-norm projection radius as a multiple of the teacher's transport-map radius nu (known only
   * once the data exist); overrides train.projection. Needs a transport-map teacher.
   */
  rhoOverNu?: number;
  /**
   * How the step size is chosen (step-size.ts): a number, 'theory' (c / L_T^2 with L_T measured at
   * Theta(0)), or the best of a grid; overrides train.eta. Absent: train.eta.
   */
  eta?: EtaChoice;
  measure: MeasureOptions;
  /**
   * Set when the sweep searches this point's parameter `param` (the width) instead of running the
   * whole grid: points with the same `unit` form one search (see search.ts); `start` marks the
   * grid value the search starts from.
   */
  search?: { unit: string; param: string; start: boolean };
  fault?: FaultOptions;
}

/** A point with its position in the sweep (the order of the preset's list). */
export interface IndexedPoint extends PointConfig {
  index: number;
}

export type PointStatus = 'ok' | 'diverged' | 'error';

/** Scalar outcomes of a point (null when not measured or undefined). */
export interface PointMetrics {
  /** R(Theta(0)) on the training data (the scale of the relative risks). */
  risk0: number;
  finalRisk: number;
  bestRisk: number;
  /** bestRisk / risk0 */
  bestRel: number;
  finalRel: number;
  finalTestRisk: number | null;
  /** Average of R(Theta(s)) over the run. */
  avgRisk: number;
  /** First recorded step with risk <= eps * risk0 (null: not reached). */
  stepsToEps: number | null;
  reached: boolean | null;
  /** With measure.maxDrift: whether the risk alone reached eps (reached also asks the drift). */
  reachedRisk?: boolean | null;
  rhoEff: number;
  rhoEffMax: number;
  distL2: number;
  wScale: number;
  memoryFactor: number;
  memoryFactorMax: number;
  gradNorm0: number;
  boundaryFraction: number | null;
  steps: number;
  /** Why training ended: all steps done, stopped at eps (stopAtEps), cannot reach eps (plateau), or diverged. */
  stopped: 'steps' | 'eps' | 'plateau' | 'diverged' | 'init-only';
  /** The max-norm radius used (null: no projection). */
  rho: number | null;
  /**
   * The step size used, how it was chosen ('fixed', 'theory: ...', 'grid: ...'), and
   * eta * L_T^2 with L_T measured at Theta(0) (null when the point measures no constants): the
   * condition of docs/spec/model.md section 8 is etaLT2 <= 1/4. Absent in points written before.
   */
  eta?: number | null;
  etaRule?: string;
  etaLT2?: number | null;
  /** With a grid of step sizes: every run of the grid (the chosen one is `eta`). */
  etaGrid?: GridRun[];
  /** stepsToEps * eta: the iterations to eps in units of 1/eta (the gradient-flow time). */
  stepsToEpsTimesEta?: number | null;
  /**
   * The regime check (measure.regime): relative NTK drift ||K(Theta_end) - K(Theta(0))||_F /
   * ||K(Theta(0))||_F on a fixed seeded subsample of <= 32 training sequences, and the relative
   * parameter movement ||Theta_end - Theta(0)|| / ||Theta(0)|| (W and U).
   */
  drift?: number | null;
  paramMove?: number | null;
  /** Relative kernel drift ||K_end - K_0||_F / ||K_0||_F. */
  ntkDrift?: number | null;
  ntkMinEig0?: number | null;
  /** measure.rkhsRidge: y^T (K0 + r I)^{-1} y / n, the estimated RKHS norm of the targets. */
  rkhsNorm?: number | null;
  /** Measured constants: largest ||grad_theta h_{T-1}|| and Hessian norm over neurons and data. */
  gradConst?: number | null;
  hessConst?: number | null;
  /** Measured memory factor at init: per-step decay of the input sensitivity ||d h_{T-1} / d x_t|| (fitted over the lag). */
  memoryDecay?: number | null;
  /** Spectral radius of the recurrent matrix at init: max_i |w_i(0)| (diagonal) or rho(W(0)/sqrt(m)) (dense). */
  radius0?: number | null;
  /** measure.memory: e^lambda at Theta(0), lambda the top Lyapunov exponent of the backward Jacobian products (ts/theory/memory-factor.ts). */
  lyapunov0?: number | null;
  /** Risk of the linearized network at the oracle parameters theta_bar (the approximation floor). */
  oracleRisk?: number | null;
  oracleRel?: number | null;
  /** The largest per-sequence loss (1/2)(f_lin(X_j; theta_bar) - y_j)^2 over the training data (sup-norm floor). */
  oracleLossMax?: number | null;
  /** Risk of the (nonlinear) network at theta_bar. */
  oracleRiskNonlinear?: number | null;
  /** Transport-map radius nu of the teacher, when known. */
  nu?: number | null;
  /** measure.linearized: ||f - f_lin|| after training (RMS and max over the training outputs; test RMS). */
  linGapRms?: number | null;
  linGapMax?: number | null;
  linTestGapRms?: number | null;
  /** Final risk of the linearized network, and the closed-form kernel-regime risk at the same step. */
  linRisk?: number | null;
  kernelRisk?: number | null;
  /**
   * measure.linearized: whether the linearization diverged ('diverged': its loss became
   * non-finite at step linDivergedAt; linLastFiniteRisk is its last finite risk; its other lin*
   * metrics are then null). The network's own run is judged by `stopped` and the point's status.
   */
  linStatus?: 'ok' | 'diverged';
  linDivergedAt?: number | null;
  linLastFiniteRisk?: number | null;
}

/** One record of the downsampled training curve. */
export interface CurvePoint {
  step: number;
  risk: number;
  avgRisk: number;
  testRisk?: number;
  rhoEff: number;
  distL2: number;
  memoryFactor: number;
  gradNorm: number;
  /** measure.linearized: the linearized network's risk and the closed-form prediction at this step. */
  linRisk?: number;
  kernelRisk?: number;
}

/** What produced a result (no dates: results of the same point must compare equal). */
export interface PointRunInfo {
  package: string;
  version: string;
  backend: string;
  runtime: string;
}

export interface PointResult {
  format: 'rnn-gd.point/1';
  index: number;
  id: string;
  group: string;
  experiment: string;
  params: Record<string, ParamValue>;
  seed: number;
  status: PointStatus;
  /** Why the point failed ('throw': it raised; 'crash': its worker died) or diverged. */
  error?: { kind: 'throw' | 'crash' | 'diverged'; message: string };
  metrics?: PointMetrics;
  curve?: CurvePoint[];
  /** Extra facts from the data generator (teacher, normalization, ...). */
  data?: Record<string, unknown>;
  config: PointConfig;
  run: PointRunInfo;
  /** Timing and placement: differs between runs of the same point (compare results without it). */
  timing: { wallMs: number; finishedAt: string; worker?: number };
}
