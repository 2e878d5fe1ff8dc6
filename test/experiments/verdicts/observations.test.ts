/**
 * The step between a run and a verdict rule: how a run's record becomes an observation. The rules'
 * tests feed them synthetic observations, so a loosening here (a plateau-stopped run taken as a
 * measured iteration count, a run that stopped before eps counted as reaching) would pass them.
 */
import { describe, expect, it } from 'vitest';
import { widthUnits } from '../../../dist/experiments/common.js';
import { stepsObservation } from '../../../dist/experiments/runs.js';
import type { PointResult } from '../../../dist/experiments/types.js';

type Stop = 'eps' | 'steps' | 'plateau' | 'diverged';

/** A run record with only what the observation code reads. */
const run = (m: number, seed: number, stopped: Stop, steps: number, budget = 5000): PointResult =>
  ({
    params: { m },
    seed,
    status: stopped === 'diverged' ? 'diverged' : 'ok',
    config: { train: { steps: budget } },
    metrics: {
      stopped,
      steps,
      reached: stopped === 'eps',
      stepsToEps: stopped === 'eps' ? steps : null,
      bestRel: stopped === 'eps' ? 0.004 : 0.02,
    },
  }) as unknown as PointResult;

describe('iterations to eps as observations', () => {
  it('a run that reached eps is an exact observation', () => {
    expect(stepsObservation(run(32, 0, 'eps', 740))).toMatchObject({ steps: 740, censored: false });
  });
  it('runs stopped first are censored at the steps they made, however they stopped', () => {
    const plateau = stepsObservation(run(32, 0, 'plateau', 510))!;
    expect(plateau).toMatchObject({ steps: 510, censored: true });
    expect(plateau.text).toContain('plateau rule');
    expect(plateau.text).not.toContain('5000'); // not printed as if it had run the budget
    expect(stepsObservation(run(32, 0, 'steps', 5000))).toMatchObject({ steps: 5000, censored: true });
    expect(stepsObservation(run(32, 0, 'diverged', 130))).toMatchObject({ steps: 130, censored: true });
  });
});

describe('m* per seed from the runs of a width search', () => {
  it('only runs that reached eps count as reaching; a plateau-stopped width does not bound m* below', () => {
    const runs = [
      run(4, 0, 'plateau', 510),
      run(6, 0, 'steps', 5000),
      run(8, 0, 'eps', 900),
      run(4, 1, 'plateau', 600),
      run(6, 1, 'eps', 1200),
      run(4, 2, 'diverged', 80),
      run(6, 2, 'plateau', 2600),
      run(8, 2, 'eps', 1500),
    ];
    const units = widthUnits(runs, 0.005, () => true);
    expect(units.map((u) => u.interval)).toEqual([
      { lo: 6, hi: 8 },
      { lo: null, hi: 6 }, // m* <= 6: the plateau rule forecast 4 to fail, no run showed it
      { lo: 4, hi: 8 }, // a plateau stop at 6 between a failure at 4 and a success at 8
    ]);
    expect(units[1].below?.metrics?.stopped).toBe('plateau'); // reported with the unit, for the stop counts
    expect(units[2].below?.metrics?.stopped).toBe('plateau');
  });
});
