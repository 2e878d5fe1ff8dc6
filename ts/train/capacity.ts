/**
 * The capacity plan of a training run: from the shapes alone (no data, no wasm module), the rows of
 * each workspace the run allocates, the wasm bytes they hold together, and whether every one fits.
 * One function answers for every caller: the Trainer takes its rows from it, the CLI's early check
 * (`train --system`, before a long generation) and the demo page's form and worker ask it whether a
 * setting fits, so that none of them can refuse what another would run.
 *
 * "Fits" is what the wasm backend's allocations will check: each object under the memory cap and
 * the core's buffer limit (backend/capacity.ts checkModel/checkWorkspace), and all of them together
 * under wasm's 4 GiB limit (the live-memory tracking of trackAllocation).
 */
import { DEFAULT_MEMORY_BUDGET, rowsForBudget, trainingRows } from './chunked.js';
import {
  checkModel,
  checkWorkspace,
  formatBytes,
  linearizationBytes,
  modelBytes,
  WASM_USABLE_BYTES,
  workspaceBytes,
} from '../backend/capacity.js';
import { CapacityError } from '../core/errors.js';
import type { ModelSpec } from '../core/types.js';

/** The shape of a set of sequences: n sequences of length T. */
export interface Shape {
  n: number;
  T: number;
}

export interface CapacityOptions {
  /** The train option batchSize (0: full-batch GD, which holds all n training sequences at once). */
  batchSize: number;
  /** TrainerInit.memoryBudget (default DEFAULT_MEMORY_BUDGET, 256 MiB). */
  memoryBudget?: number;
  /** TrainerInit.linearized: the linearization's workspaces on all train and test rows as well. */
  linearized?: boolean;
  /**
   * A second network with a workspace on the first `shownRows` test sequences (at most nTest), as
   * the demo page keeps for its prediction plot.
   */
  shownRows?: number;
}

export interface CapacityPlan {
  /** Wasm bytes the run's models and workspaces hold together. */
  bytes: number;
  /** Rows (sequences) of each workspace: train and test (the Trainer's), shown (CapacityOptions.shownRows). */
  rows: { train: number; test: number; shown: number };
  fits: boolean;
  /** Empty when the run fits; else what does not fit, its bytes, and what to change. */
  advice: string;
  /**
   * The most training sequences of length T one workspace may hold under the cap (0: not even one):
   * the largest batch size that fits, and, for full-batch GD, the largest n.
   */
  maxRows: number;
  /** What does not fit, for callers that word their own advice (the page names its fields). */
  refused?: { what: Allocation; bytes: number; limit: number };
  /** The refusal the allocations would throw (undefined when the run fits). */
  error?: CapacityError;
}

/** The run's allocations, as `refused` names them ('together': all of them, against wasm's 4 GiB). */
export type Allocation = 'model' | 'workspace' | 'linearized workspace' | 'together';

/** The capacity plan of training `spec` on `train` (and `test`) data of these shapes. */
export function planTraining(
  spec: ModelSpec,
  train: Shape,
  test: Shape | undefined,
  options: CapacityOptions,
): CapacityPlan {
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const nTest = test && test.n > 0 ? test.n : 0;
  const rows = {
    train: trainingRows(spec, train.n, train.T, options.batchSize, budget),
    test: test && nTest > 0 ? rowsForBudget(spec, nTest, test.T, budget) : 0,
    shown: test ? Math.min(options.shownRows ?? 0, nTest) : 0,
  };
  // In the order the run allocates them; the first refusal is the one a user meets.
  const checks: Check[] = [{ what: 'model', bytes: modelBytes(spec), check: () => checkModel(spec) }];
  const workspace = (n: number, T: number, linearized = false) =>
    checks.push({
      what: linearized ? 'linearized workspace' : 'workspace',
      bytes: (linearized ? linearizationBytes : workspaceBytes)(spec, n, T),
      check: () => checkWorkspace(spec, n, T, undefined, linearized),
    });
  workspace(rows.train, train.T);
  if (test && rows.test > 0) workspace(rows.test, test.T);
  if (options.linearized) {
    workspace(train.n, train.T, true);
    if (test && nTest > 0) workspace(nTest, test.T, true);
  }
  if (test && rows.shown > 0) {
    checks.push(checks[0]!);
    workspace(rows.shown, test.T);
  }
  const bytes = checks.reduce((sum, c) => sum + c.bytes, 0);
  const plan: CapacityPlan = { bytes, rows, fits: true, advice: '', maxRows: largestFitting(spec, train.T, train.n) };
  for (const c of [...checks, { what: 'together' as const, bytes, check: () => checkTogether(bytes) }]) {
    const error = refusal(c.check);
    if (error)
      return {
        ...plan,
        fits: false,
        advice: error.message,
        refused: { what: c.what, bytes: c.bytes, limit: error.cap },
        error,
      };
  }
  return plan;
}

interface Check {
  what: Allocation;
  bytes: number;
  check: () => void;
}

/**
 * Refuses (CapacityError, naming the bytes and what to change) a wasm training run whose model or
 * workspaces would not fit: planTraining's answer as an exception, for callers that must fail
 * before any data exists (`train --system` checks before it generates).
 */
export function checkTrainingCapacity(
  spec: ModelSpec,
  train: Shape,
  test: Shape | undefined,
  options: CapacityOptions,
): void {
  const plan = planTraining(spec, train, test, options);
  if (plan.error) throw plan.error;
}

/** The CapacityError `check` throws, if any. */
function refusal(check: () => void): CapacityError | undefined {
  try {
    check();
  } catch (err) {
    if (err instanceof CapacityError) return err;
    throw err;
  }
  return undefined;
}

/** All live wasm objects together stay under wasm's limit (what trackAllocation refuses past). */
function checkTogether(bytes: number): void {
  if (bytes <= WASM_USABLE_BYTES) return;
  throw new CapacityError(
    `the run's models and workspaces need ${formatBytes(bytes)} of wasm memory together, more than wasm's 4 GiB limit ` +
      `(${formatBytes(WASM_USABLE_BYTES)} usable). Use mini-batches with a smaller batch size, ` +
      `a smaller T, or fewer sequences n.`,
    bytes,
    WASM_USABLE_BYTES,
  );
}

/** The most sequences (at most n) whose workspace passes checkWorkspace: a bisection over its answer. */
function largestFitting(spec: ModelSpec, T: number, n: number): number {
  const fits = (rows: number) => refusal(() => checkWorkspace(spec, rows, T)) === undefined;
  if (!fits(1)) return 0;
  let lo = 1,
    hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
