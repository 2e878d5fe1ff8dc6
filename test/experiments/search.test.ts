/**
 * The width search: the replayed galloping + bisection finds the grid's first reaching width for
 * every monotone predicate; on E1 quick the searched sweep trains exactly the replayed points and
 * gets the grid's m* wherever the grid is monotone in m; shards, an abort with resume and merge
 * give the unsharded search. The plateau rule and the ETA on synthetic profiles.
 */
import { tempDir } from '../support/fs.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaySearch, searchUnits, unitState } from '../../dist/experiments/search.js';
import { estimateRemainingMs } from '../../dist/experiments/eta.js';
import { plateauStop } from '../../dist/experiments/point-train.js';
import { widthUnits } from '../../dist/experiments/common.js';
import { planSweep, getExperiment } from '../../dist/experiments/index.js';
import { mergeSweeps, runExperiment, readPoints } from '../../dist/experiments/node.js';
import { BACKEND, readLines, stable } from './helpers.js';

describe('replaySearch', () => {
  it('finds the first reaching index of every monotone predicate, from every start, and runs the index below it', () => {
    for (let count = 1; count <= 16; count++) {
      for (let first = 0; first <= count; first++) {
        for (let start = 0; start < count; start++) {
          const probed = new Set<number>();
          let state = replaySearch(count, start, () => undefined);
          const outcome = (i: number) => (probed.has(i) ? i >= first : undefined);
          let guard = 0;
          while (state.next !== null) {
            expect(probed.has(state.next)).toBe(false); // never asks twice
            probed.add(state.next);
            state = replaySearch(count, start, outcome);
            expect(++guard).toBeLessThanOrEqual(count);
          }
          expect(state.first).toBe(first < count ? first : null);
          if (first > 0 && first < count) expect(probed.has(first - 1)).toBe(true);
          expect(probed.has(start)).toBe(true);
          // galloping + bisection: logarithmic in the distance from the start, never the whole grid
          expect(probed.size).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(count + 1)) + 1);
        }
      }
    }
  });

  it('ends on a non-monotone predicate too', () => {
    const pattern = [false, true, false, false, true, true, false, true];
    const state = replaySearch(pattern.length, 0, (i) => pattern[i]);
    expect(state.next).toBeNull();
  });
});

describe('plateauStop', () => {
  // Records every 10 steps from step 0, as the point runner feeds them (the risk, not its running minimum).
  const run = (risk: (s: number) => number, budget: number, target: number) => {
    const steps: number[] = [],
      risks: number[] = [];
    for (let s = 0; s <= budget; s += 10) {
      steps.push(s);
      risks.push(risk(s));
      if (plateauStop(steps, risks, budget, target)) return s;
    }
    return null;
  };
  it('never stops linearized GD (a sum of decaying exponentials) that reaches the target in its budget', () => {
    for (const rates of [[1e-2, 1e-3], [5e-3, 2e-4, 1e-5], [3e-3]]) {
      const risk = (s: number) => rates.reduce((a, q) => a + Math.exp(-q * s), 0) / rates.length;
      for (const budget of [500, 1000, 3000]) {
        const atEnd = risk(budget);
        expect(run(risk, budget, atEnd * 1.0001)).toBeNull(); // reaches just at the end: never stopped
        const stoppedAt = run(risk, budget, atEnd / 10); // cannot reach: stopped early
        expect(stoppedAt).not.toBeNull();
        expect(stoppedAt!).toBeLessThan(budget);
      }
    }
  });
  it('stops a flat plateau at half the budget, not before', () => {
    expect(run(() => 0.05, 3000, 0.005)).toBe(1500);
  });
  it('stops a clean exponential decay that cannot reach only from half the budget on', () => {
    for (const [rate, budget] of [
      [1e-3, 5000],
      [2e-4, 3000],
      [5e-3, 1000],
    ]) {
      const risk = (s: number) => 0.5 * Math.exp(-rate * s);
      const stoppedAt = run(risk, budget, risk(budget) / 10);
      expect(stoppedAt).toBe(budget / 2); // the first record it may judge
      expect(run(risk, budget, risk(budget) * 1.0001)).toBeNull(); // reaches at the end: never stopped
    }
  });
  it('never stops an oscillating curve, however far it is from the target', () => {
    // E2's long-memory runs: the risk goes 0.38 -> 0.36 -> 0.37 -> 0.35 of R0 (science review, E2).
    const wobbly = (s: number) => 0.36 + 0.02 * Math.sin(s / 37) - 1e-6 * s;
    const decaying = (s: number) => 0.5 * Math.exp(-1e-4 * s) * (1 + 0.05 * Math.sin(s / 23));
    for (const risk of [wobbly, decaying]) expect(run(risk, 5000, 1e-6)).toBeNull();
    // One rise in an otherwise flat curve is enough.
    expect(run((s) => (s === 400 ? 0.051 : 0.05), 3000, 0.005)).toBeNull();
  });
  it('never stops an accelerating (not log-convex) decay', () => {
    // A slow start, then a faster fall: escaping a plateau. The rate over the last quarter beats the one before it.
    const risk = (s: number) => 0.5 * Math.exp(-1e-4 * s - 4e-7 * s * s);
    expect(run(risk, 4000, risk(4000) / 100)).toBeNull();
  });
  it('keeps the old behaviour on rounding-level rises (float32 risks)', () => {
    const risk = (s: number) => 0.05 * (1 + (s % 20 === 0 ? 1e-8 : 0));
    expect(run(risk, 3000, 0.005)).toBe(1500);
  });
});

describe('estimateRemainingMs', () => {
  it('is within 15% of the truth on a costliest-first profile where the average point is 3x off', () => {
    // 200 points, costs falling geometrically (the scheduler runs the costliest first), 2 lanes;
    // the true time of a point is 0.7 ms per cost unit; list scheduling.
    const costs = Array.from({ length: 200 }, (_, i) => 1000 * Math.exp(-i / 40));
    const msPerCost = 0.7;
    const lanes = [0, 0];
    const finishAt: number[] = [];
    for (const c of costs) {
      const l = lanes[0] <= lanes[1] ? 0 : 1;
      lanes[l] += c * msPerCost;
      finishAt.push(lanes[l]);
    }
    const end = Math.max(...lanes);
    for (const frac of [0.25, 0.5]) {
      const t = end * frac;
      const finished = costs.map((c, i) => ({ c, i })).filter(({ i }) => finishAt[i] <= t);
      const running = costs
        .map((c, i) => ({ c, i }))
        .filter(({ c, i }) => finishAt[i] > t && finishAt[i] - c * msPerCost <= t);
      const pending = costs.map((c, i) => ({ c, i })).filter(({ c, i }) => finishAt[i] - c * msPerCost > t);
      const eta = estimateRemainingMs({
        chains: [
          ...pending.map(({ c }) => ({ pending: c })),
          ...running.map(({ c, i }) => ({
            pending: 0,
            running: { estimate: c, elapsedMs: t - (finishAt[i] - c * msPerCost) },
          })),
        ],
        finished: finished.map(({ c, i }) => ({ estimate: c, wallMs: c * msPerCost })),
        lanes: 2,
      })!;
      const truth = end - t;
      expect(Math.abs(eta - truth) / truth).toBeLessThan(0.15);
      const naive = (t / finished.length) * (costs.length - finished.length); // elapsed per point so far
      expect(naive / truth).toBeGreaterThan(2);
    }
  });
  it('is null before anything finished and counts the longest chain', () => {
    expect(estimateRemainingMs({ chains: [{ pending: 5 }], finished: [], lanes: 2 })).toBeNull();
    const eta = estimateRemainingMs({
      chains: [{ pending: 100 }, { pending: 1 }],
      finished: [{ estimate: 10, wallMs: 20 }],
      lanes: 8,
    });
    expect(eta).toBe(200);
  });
});

describe('E1 quick: searched against the full grid (1 seed)', () => {
  it('trains exactly the replayed probes, equal to the grid points, with the grid m* where the grid is monotone; shards, abort/resume and merge agree', async () => {
    const base = {
      experiment: 'E1' as const,
      size: 'quick' as const,
      seeds: 1,
      backend: BACKEND,
      workers: 2,
      report: false,
    };
    const gridDir = tempDir('grid');
    await runExperiment({ ...base, out: gridDir, grid: true });
    const grid = readPoints(gridDir);
    expect(grid.length).toBe(planSweep(getExperiment('E1'), 'quick', { seeds: 1, grid: true }).length);

    const searchDir = tempDir('search');
    const r = await runExperiment({ ...base, out: searchDir });
    expect(r.status).toBe('completed');
    const searched = readPoints(searchDir);
    expect(searched.length).toBeLessThan(grid.length * 0.7);

    // The probes a replay over the grid's results asks for are exactly the points the sweep ran.
    const gridById = new Map(grid.map((g) => [g.id, g] as const));
    const plan = planSweep(getExperiment('E1'), 'quick', { seeds: 1 });
    const { units } = searchUnits(plan);
    const expected = new Set<string>();
    for (const u of units) {
      const byId = new Map<string, (typeof grid)[number]>();
      for (let s = unitState(u, byId); s.next !== null; s = unitState(u, byId)) {
        const p = u.grid[s.next];
        byId.set(p.id, gridById.get(p.id)!);
        expected.add(p.id);
      }
    }
    expect(new Set(searched.map((p) => p.id))).toEqual(expected);
    for (const p of searched) {
      const { timing: _a, config: _c, index: _i, ...a } = p;
      const { timing: _b, config: _d, index: _j, ...b } = gridById.get(p.id)!;
      expect(a).toEqual(b); // the same run, whether searched or on the grid
    }

    // m* per n: equal wherever the grid's "reaches" is monotone in m.
    let compared = 0;
    for (const n of [...new Set(grid.map((g) => Number(g.params.n)))]) {
      const at = (rs: typeof grid) => rs.filter((x) => Number(x.params.n) === n);
      const col = at(grid).sort((a, b) => Number(a.params.m) - Number(b.params.m));
      const reach = col.map((x) => x.metrics!.reached === true);
      if (reach.some((v, i) => i > 0 && reach[i - 1] && !v)) continue;
      compared++;
      const g = widthUnits(at(grid), 0.005, () => true);
      const s = widthUnits(at(searched), 0.005, () => true);
      expect(s.map((u) => u.interval)).toEqual(g.map((u) => u.interval));
    }
    expect(compared).toBeGreaterThanOrEqual(5);

    // Two shards (the first aborted after 3 points and resumed) merge to the unsharded search.
    const parts = [tempDir('s1'), tempDir('s2')];
    const controller = new AbortController();
    const a1 = await runExperiment({
      ...base,
      out: parts[0],
      shard: { k: 1, N: 2 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 3) controller.abort();
      },
    });
    expect(a1.status).toBe('aborted');
    const b1 = await runExperiment({ ...base, out: parts[0], shard: { k: 1, N: 2 }, resume: true });
    expect(b1.status).toBe('completed');
    await runExperiment({ ...base, out: parts[1], shard: { k: 2, N: 2 } });
    const merged = tempDir('merged');
    const m = await mergeSweeps(merged, parts, { report: false });
    expect(m.missing).toBe(0);
    expect(stable(readLines(join(merged, 'points.jsonl')))).toEqual(stable(readLines(join(searchDir, 'points.jsonl'))));
  }, 600_000);
});
