/**
 * How a point chooses its step size eta (PointConfig.eta), and the label that says how:
 *
 * - a number: that eta (the same as train.eta);
 * - 'theory' or { theory: c }: eta = c / L_T^2 with L_T measured at Theta(0) on the training data
 *   (the largest ||d h_{i,T-1} / d theta_i||, docs/theory.md "measured constants"); the default c = 1/4
 *   is the step-size condition eta <= 1 / (4 L_T^2) of docs/spec/model.md section 8 [our derivation
 *   of the constants], at its limit;
 * - { grid: [...] }: every eta of the grid is run from the same Theta(0) and the best run is kept:
 *   the fewest steps to eps among the runs that reach it, else the lowest best risk; a run that
 *   diverged ranks last; ties go to the smaller eta. Deterministic, like every run. With the stop
 *   at eps the largest eta runs first and each later run is capped at the fewest steps to eps so
 *   far (gridOrder): the same run is chosen, and a grid costs little more than its best run.
 */
import { ValidationError } from '../core/errors.js';
import type { PointMetrics } from './types.js';

/** PointConfig.eta / PresetOptions.eta. */
export type EtaChoice = number | 'theory' | { theory: number } | { grid: number[] };

/** The c of 'theory': eta = c / L_T^2 at the limit of the condition eta <= 1 / (4 L_T^2). */
export const THEORY_ETA_FACTOR = 0.25;

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** Checks an EtaChoice (a ValidationError naming `where` and the fix otherwise). */
export function checkEtaChoice(value: unknown, where: string): EtaChoice {
  const fix =
    "expected a positive number, 'theory', {theory: c} with c > 0, or {grid: [eta, ...]} of 1 to 8 positive numbers";
  if (positive(value) || value === 'theory') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const v = value as Record<string, unknown>;
    if (keys.length === 1 && keys[0] === 'theory' && positive(v.theory)) return { theory: v.theory };
    if (keys.length === 1 && keys[0] === 'grid' && Array.isArray(v.grid)) {
      const grid = v.grid;
      if (grid.length >= 1 && grid.length <= 8 && grid.every(positive)) {
        if (new Set(grid).size !== grid.length) throw new ValidationError(`${where}: the eta grid repeats a value`);
        return { grid: [...grid] };
      }
    }
  }
  throw new ValidationError(`${where}: ${fix}, got ${JSON.stringify(value)}`);
}

/** The factor c of a theory choice, or null for a number or a grid. */
export const theoryFactor = (choice: EtaChoice): number | null =>
  choice === 'theory' ? THEORY_ETA_FACTOR : typeof choice === 'object' && 'theory' in choice ? choice.theory : null;

/** eta = c / L_T^2 (refused when the measured L_T is 0 or not finite: no condition to follow). */
function theoryEta(c: number, gradConst: number): number {
  if (!(gradConst > 0 && Number.isFinite(gradConst)))
    throw new ValidationError(`eta 'theory': the measured L_T is ${gradConst}; the condition needs L_T > 0`);
  return c / (gradConst * gradConst);
}

/**
 * The step sizes to train with: [undefined] (train.eta) without a choice, one value for a number
 * or a theory choice (`gradConst`, the measured L_T, must then be given), every value of a grid.
 */
export function etasToRun(choice: EtaChoice | undefined, gradConst: number | null): (number | undefined)[] {
  if (choice === undefined) return [undefined];
  if (typeof choice === 'number') return [choice];
  const c = theoryFactor(choice);
  if (c !== null) return [theoryEta(c, gradConst ?? Number.NaN)];
  return [...(choice as { grid: number[] }).grid];
}

/** What metrics.etaRule says for a choice. */
export function etaRule(choice: EtaChoice | undefined): string {
  if (choice === undefined || typeof choice === 'number') return 'fixed';
  const c = theoryFactor(choice);
  if (c !== null) return `theory: eta = ${c} / L_T^2, L_T measured at Theta(0)`;
  const grid = (choice as { grid: number[] }).grid;
  return `grid: best of [${grid.join(', ')}] (fewest steps to eps, else lowest best risk)`;
}

/** One run of a grid, as the choice sees it (and as metrics.etaGrid records it). */
export interface GridRun {
  eta: number;
  stopped: PointMetrics['stopped'];
  stepsToEps: number | null;
  bestRel: number | null;
  /** The steps this run was allowed when fewer than the point's budget (the grid's cap, gridOrder). */
  budget?: number;
}

/**
 * The order a grid is run in: the largest step size first (it usually reaches eps in the fewest
 * steps, which then caps the budget of the rest: point.ts). A single or undefined eta: [0].
 */
export function gridOrder(etas: readonly (number | undefined)[]): number[] {
  return etas.map((_, k) => k).sort((a, b) => (etas[b] ?? 0) - (etas[a] ?? 0) || a - b);
}

/** Index of the best run of a grid (see the module comment). */
export function bestOfGrid(runs: readonly GridRun[]): number {
  const rank = (r: GridRun): [number, number, number, number] => [
    r.stopped === 'diverged' ? 2 : r.stepsToEps !== null ? 0 : 1,
    r.stepsToEps ?? 0,
    r.bestRel !== null && Number.isFinite(r.bestRel) ? r.bestRel : Infinity,
    r.eta,
  ];
  let best = 0;
  for (let k = 1; k < runs.length; k++) {
    const a = rank(runs[k]),
      b = rank(runs[best]);
    const i = a.findIndex((x, p) => x !== b[p]);
    if (i >= 0 && a[i] < b[i]) best = k;
  }
  return best;
}
