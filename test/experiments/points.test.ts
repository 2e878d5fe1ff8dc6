/**
 * What every point records beyond its training metrics (science review 5057b33, E2, E9, defects 2
 * and 8): the step size and how it was chosen (fixed, the theory's condition with the measured L_T,
 * the best of a grid), eta * L_T^2 and the iterations in units of 1/eta; the regime check (kernel
 * drift on a subsample, parameter movement); a linearization that diverged, as diverged.
 */
import { tempDir } from '../support/fs.js';
import { describe, expect, it } from 'vitest';
import { runPoint } from '../../dist/experiments/point.js';
import { expandPoints, getExperiment, planSweep, type IndexedPoint } from '../../dist/experiments/index.js';
import { getBackend } from '../../dist/entries/index.js';
import { join } from 'node:path';
import { runExperiment } from '../../dist/experiments/node.js';
import { estimateCost } from '../../dist/experiments/queue.js';
import { runCliInProcess } from '../support/cli.js';
import { BACKEND, readLines } from './helpers.js';
import { bestOfGrid, gridOrder, type GridRun } from '../../dist/experiments/step-size.js';
import { stopCounts, stopReason } from '../../dist/experiments/runs.js';

const backend = await getBackend(BACKEND);

/** An E2 quick point made small, at the fixed eta = 1 and without constants: alpha = 0.5, T = 8, m = 16, n = 32, 400 steps. */
function e2Point(): IndexedPoint {
  const p = planSweep(getExperiment('E2'), 'quick', { grid: true }).find(
    (q) => q.params.alpha === 0.5 && q.params.T === 8 && q.seed === 0,
  )!;
  const { eta: _theory, ...fixed } = p;
  return {
    ...fixed,
    model: { ...p.model, m: 16 },
    data: { ...p.data, n: 32 },
    train: { ...p.train, steps: 400 },
    measure: { ...p.measure, constants: false },
  };
}

const run = async (p: IndexedPoint) => {
  const r = await runPoint(p, { backend });
  if (!r?.metrics) throw new Error('no result');
  return r;
};

describe('step sizes', () => {
  it('records the fixed eta, its label, steps to eps in units of 1/eta, and no eta L_T^2 without constants', async () => {
    const m = (await run(e2Point())).metrics!;
    expect(m.eta).toBe(1);
    expect(m.etaRule).toBe('fixed');
    expect(m.etaLT2).toBeNull();
    expect(m.stepsToEps).not.toBeNull();
    expect(m.stepsToEpsTimesEta).toBe(m.stepsToEps! * 1);
  });

  it("'theory' takes eta = 1/(4 L_T^2) with L_T measured at Theta(0), and says so", async () => {
    const p = e2Point();
    const m = (await run({ ...p, eta: 'theory' })).metrics!;
    // The same L_T as the constants measurement of the same point.
    const withConstants = (await run({ ...p, measure: { ...p.measure, constants: true } })).metrics!;
    expect(m.gradConst).toBe(withConstants.gradConst);
    expect(m.eta).toBeCloseTo(0.25 / m.gradConst! ** 2, 14);
    expect(m.etaLT2).toBeCloseTo(0.25, 14);
    expect(m.etaRule).toBe('theory: eta = 0.25 / L_T^2, L_T measured at Theta(0)');
    expect(withConstants.etaLT2).toBeCloseTo(withConstants.gradConst! ** 2, 12); // eta = 1
    const c2 = (await run({ ...p, eta: { theory: 2 } })).metrics!;
    expect(c2.etaLT2).toBeCloseTo(2, 14);
    if (c2.stepsToEps !== null) expect(c2.stepsToEpsTimesEta).toBeCloseTo(c2.stepsToEps * c2.eta!, 12);
  });

  it('a grid keeps the run with the fewest steps to eps, records every run, and is deterministic', async () => {
    const p = { ...e2Point(), eta: { grid: [0.25, 1, 4] } };
    const r = await run(p);
    const m = r.metrics!;
    expect(m.etaGrid!.map((g) => g.eta)).toEqual([0.25, 1, 4]);
    const reached = m.etaGrid!.filter((g) => g.stepsToEps !== null);
    expect(reached.length).toBeGreaterThan(0);
    const fewest = Math.min(...reached.map((g) => g.stepsToEps!));
    expect(m.stepsToEps).toBe(fewest);
    expect(m.eta).toBe(reached.find((g) => g.stepsToEps === fewest)!.eta);
    expect(m.etaRule).toMatch(/^grid: best of \[0\.25, 1, 4\]/);
    // The chosen run is the same run as that eta alone.
    const alone = (await run({ ...e2Point(), eta: m.eta! })).metrics!;
    expect(alone.bestRisk).toBe(m.bestRisk);
    expect(alone.drift).toBe(m.drift);
    const again = await run(p);
    expect({ ...again, timing: null }).toEqual({ ...r, timing: null });
    // The largest eta ran first; the runs after the first reach were capped at the fewest steps so far,
    // and the uncapped grid (each eta alone, full budget) chooses the same eta.
    const capped = m.etaGrid!.filter((g) => g.budget !== undefined);
    expect(capped.length).toBeGreaterThan(0);
    for (const g of capped) expect(g.budget).toBeLessThan(p.train.steps);
    const uncapped = await Promise.all(p.eta.grid.map(async (eta) => (await run({ ...e2Point(), eta })).metrics!));
    const runs = uncapped.map((u) => ({
      eta: u.eta!,
      stopped: u.stopped,
      stepsToEps: u.stepsToEps,
      bestRel: u.bestRel,
    }));
    expect(runs[bestOfGrid(runs)].eta).toBe(m.eta);
  });

  it('a grid runs its largest step size first', () => {
    expect(gridOrder([0.25, 1, 4])).toEqual([2, 1, 0]);
    expect(gridOrder([1, 0.04, 0.2])).toEqual([0, 2, 1]);
    expect(gridOrder([undefined])).toEqual([0]);
  });

  it('a grid ranks: reached (fewest steps, then lowest risk), then not reached (lowest risk), diverged last; ties to the smaller eta', () => {
    const g = (eta: number, stopped: string, stepsToEps: number | null, bestRel: number | null) =>
      ({ eta, stopped, stepsToEps, bestRel }) as GridRun;
    expect(bestOfGrid([g(1, 'diverged', null, null), g(0.1, 'steps', null, 0.5), g(0.3, 'plateau', null, 0.2)])).toBe(
      2,
    );
    expect(bestOfGrid([g(1, 'steps', null, 0.001), g(0.1, 'eps', 300, 0.01)])).toBe(1);
    expect(bestOfGrid([g(1, 'eps', 40, 0.009), g(0.5, 'eps', 40, 0.008), g(2, 'eps', 50, 0.001)])).toBe(1);
    expect(bestOfGrid([g(2, 'eps', 40, 0.008), g(0.5, 'eps', 40, 0.008)])).toBe(1);
    expect(bestOfGrid([g(2, 'diverged', null, null), g(0.5, 'diverged', null, null)])).toBe(1);
  });

  it('a grid point is costed (for the scheduler and the ETA) as one training run per step size', () => {
    const p = e2Point();
    // The training part: the cost of 400 steps less that of 200.
    const training = (q: IndexedPoint) => estimateCost(q) - estimateCost({ ...q, train: { ...q.train, steps: 200 } });
    expect(training({ ...p, eta: { grid: [0.1, 0.3, 1] } })).toBe(3 * training(p));
    expect(estimateCost({ ...p, eta: 'theory' })).toBe(estimateCost(p));
  });

  it('refuses a bad choice (naming the field) and an eta option for an experiment that keeps its own', () => {
    for (const bad of [0, -1, 'fast', { grid: [] }, { grid: [1, 1] }, { theory: 0 }, { grid: [1], theory: 1 }]) {
      expect(() => expandPoints(getExperiment('E2'), 'quick', { eta: bad as never })).toThrow(
        /E2: option eta: (expected|the eta grid repeats)/,
      );
    }
    expect(() => expandPoints(getExperiment('E1'), 'quick', { eta: 'theory' })).toThrow(/keeps its own step size/);
    for (const id of ['E2', 'E8', 'E2-dense']) {
      const pts = expandPoints(getExperiment(id), 'quick', { eta: 1 });
      expect(pts.every((q) => q.eta === 1)).toBe(true);
    }
    // Without the option E2-dense keeps its points of before (no eta field: the same sweep fingerprint);
    // E2 and E8 (issue 28) take the theory's step size by default.
    expect(expandPoints(getExperiment('E2-dense'), 'quick').some((q) => 'eta' in q)).toBe(false);
    for (const id of ['E2', 'E8'])
      expect(expandPoints(getExperiment(id), 'quick').every((q) => q.eta === 'theory')).toBe(true);
  });
});

describe('regime check', () => {
  it('records kernel drift and parameter movement; the subsample drift is the full NTK drift when n <= 32', async () => {
    const p = e2Point();
    const m = (await run({ ...p, measure: { ...p.measure, ntk: true } })).metrics!;
    expect(m.drift).toBeGreaterThan(0);
    expect(m.drift).toBeCloseTo(m.ntkDrift!, 12); // n = 32: the subsample is the whole training set
    expect(m.paramMove).toBeGreaterThan(0);
    expect(m.paramMove).toBeLessThan(m.distL2 / 0.1); // ||Theta(0)|| is far from 0
    const off = (await run({ ...p, measure: { ...p.measure, regime: false } })).metrics!;
    expect(off.drift).toBeUndefined();
    expect(off.paramMove).toBeUndefined();
    expect(off.bestRisk).toBe(m.bestRisk); // the check does not touch the run
  });

  it('drift falls with the width (lazier) on a subsample of 32 of 128 sequences', async () => {
    const p = planSweep(getExperiment('E2'), 'quick', { grid: true }).find(
      (q) => q.params.alpha === 0.5 && q.params.T === 4 && q.seed === 0,
    )!;
    const drift = async (m: number) =>
      (await run({ ...p, eta: 1, model: { ...p.model, m }, train: { ...p.train, steps: 200 } })).metrics!.drift!;
    const [small, large] = [await drift(4), await drift(64)];
    expect(small).toBeGreaterThan(2 * large);
  });
});

describe('maxDrift: reaching eps in the lazy regime', () => {
  it('counts a run under eps as reaching only when its drift is within the limit; the risk alone stays in reachedRisk', async () => {
    const p = e2Point();
    const measure = { ...p.measure, stopAtEps: true };
    const free = (await run({ ...p, measure })).metrics!;
    expect(free.reached).toBe(true);
    expect(free.reachedRisk).toBeUndefined();
    const strict = await run({ ...p, measure: { ...measure, maxDrift: free.drift! / 2 } });
    expect(strict.metrics!.reached).toBe(false);
    expect(strict.metrics!.reachedRisk).toBe(true);
    expect(strict.metrics!.stepsToEps).toBe(free.stepsToEps); // the run itself is the same
    expect(stopReason(strict)).toBe('not-lazy');
    expect(stopCounts([strict])).toBe('1 reached eps not lazy');
    const loose = (await run({ ...p, measure: { ...measure, maxDrift: free.drift! * 2 } })).metrics!;
    expect([loose.reached, loose.reachedRisk]).toEqual([true, true]);
  });

  it('refuses maxDrift without the regime check or without eps', async () => {
    const p = e2Point();
    await expect(run({ ...p, measure: { ...p.measure, maxDrift: 0.05, regime: false } })).rejects.toThrow(
      /maxDrift needs eps and the regime check/,
    );
    const { eps: _eps, ...noEps } = p.measure;
    await expect(run({ ...p, measure: { ...noEps, maxDrift: 0.05 } })).rejects.toThrow(/maxDrift needs eps/);
  });
});

describe('a linearization that diverges', () => {
  it('is recorded as diverged with its step and last finite risk, the network run staying ok', async () => {
    const p = planSweep(getExperiment('E9'), 'quick').find(
      (q) => q.params.sweep === 'length' && q.params.alpha === 1.5 && q.seed === 0,
    )!;
    // alpha = 1.5 above the cutoff and a large step: the linear model's risk grows ~1e15 per 10 steps.
    const point = {
      ...p,
      model: { ...p.model, m: 16 },
      data: { ...p.data, T: 8 },
      train: { ...p.train, eta: 20, steps: 250 },
    };
    const r = await run(point);
    const m = r.metrics!;
    expect(r.status).toBe('ok');
    expect(m.linStatus).toBe('diverged');
    expect(m.linDivergedAt).toBeGreaterThan(0);
    expect(m.linDivergedAt).toBeLessThanOrEqual(250);
    expect(m.linLastFiniteRisk).toBeGreaterThan(1e30);
    expect(Number.isFinite(m.linLastFiniteRisk)).toBe(true);
    expect(m.linRisk).toBeNull(); // the lin metrics stop at the divergence
    const calm = (await run({ ...point, train: { ...point.train, eta: 0.5, steps: 40 } })).metrics!;
    expect(calm.linStatus).toBe('ok');
    expect(calm.linDivergedAt).toBeNull();
  });
});

describe('the eta option of a sweep', () => {
  it('runs E2 with the theory step size; a resume needs the same choice', async () => {
    const out = tempDir('eta');
    const base = {
      experiment: 'E2',
      size: 'quick',
      seeds: 1,
      limit: 2,
      workers: 0,
      backend: BACKEND,
      out,
      report: false,
    } as const;
    const r = await runExperiment({ ...base, eta: 'theory' });
    expect(r.status).toBe('completed');
    const lines = readLines(join(out, 'points.jsonl')) as unknown as { metrics: Record<string, unknown> }[];
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.metrics.etaRule).toBe('theory: eta = 0.25 / L_T^2, L_T measured at Theta(0)');
      expect(l.metrics.etaLT2).toBeCloseTo(0.25, 12);
    }
    await expect(runExperiment({ ...base, resume: true, eta: 1 })).rejects.toThrow(/different point list/);
    const again = await runExperiment({ ...base, resume: true, eta: 'theory' });
    expect(again.skipped).toBe(2);
  });

  it('rnn-gd experiment points --eta: a grid, theory:C, and exit 2 for a bad choice or an experiment without one', async () => {
    const r = await runCliInProcess(['experiment', 'points', 'E8', '--eta', 'grid:0.1,0.3,1']);
    expect(r.status, r.stderr).toBe(0);
    const pts = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(pts.length).toBeGreaterThan(10);
    expect(pts.every((p) => JSON.stringify(p.eta) === '{"grid":[0.1,0.3,1]}')).toBe(true);
    const t = await runCliInProcess(['experiment', 'points', 'E2-dense', '--eta', 'theory:0.5']);
    expect(JSON.parse(t.stdout.split('\n')[0]).eta).toEqual({ theory: 0.5 });
    for (const [args, message] of [
      [['E1', '--eta', 'theory'], /E1: option eta: this experiment keeps its own step size/],
      [['E2', '--eta', 'grid:0.1,x'], /option --eta: expected a number, 'theory'/],
      [['E2', '--eta', 'theory:0'], /E2: option eta: expected/],
      [['E2', '--eta', '-1'], /E2: option eta: expected/],
    ] as const) {
      const bad = await runCliInProcess(['experiment', 'points', ...args]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  });
});
