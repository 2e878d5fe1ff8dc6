/**
 * The sweep's progress counts (issue 24): with two workers a finished point is reported with two
 * running (the lane has taken its next point), and a width-searched sweep says its total is an
 * estimate (the CLI shows '~N'), while a grid's total is exact.
 */
import { describe, expect, it, vi } from 'vitest';
import { progressReporter } from '../../dist/cli/options.js';
import { errorResult, runSweep, type SweepProgress } from '../../dist/experiments/sweep.js';
import { planSweep, getExperiment } from '../../dist/experiments/index.js';
import type { PointExecutor } from '../../dist/experiments/pool.js';
import type { IndexedPoint, PointResult } from '../../dist/experiments/types.js';

/** Two slots; each point takes a few milliseconds (no two finish in the same tick) and "succeeds". */
function fakeExecutor(): PointExecutor {
  const result = (p: IndexedPoint): PointResult => ({
    ...errorResult(p, new Error('-'), 'fake'),
    status: 'ok',
    error: undefined,
  });
  return {
    size: 2,
    backendDescription: 'fake',
    start: async () => {},
    run: async (p) => result(p),
    runOn: (slot, p) => new Promise((done) => setTimeout(() => done(result(p)), 4 + 9 * slot)),
    cancel: () => {},
    close: async () => {},
  };
}

async function events(experiment: string): Promise<SweepProgress[]> {
  const points = planSweep(getExperiment(experiment), 'quick', { seeds: 1 });
  const seen: SweepProgress[] = [];
  await runSweep({ points, executor: fakeExecutor(), onResult: () => {}, onProgress: (p) => seen.push(p) });
  return seen;
}

describe('sweep progress', () => {
  it('two workers: every finished point but the last ones is reported with 2 running; a grid total is exact', async () => {
    const seen = (await events('E6')).filter((p) => p.last);
    expect(seen.length).toBeGreaterThan(10);
    const total = seen[0].total;
    for (const p of seen) {
      expect(p.estimated).toBe(false);
      expect(p.total).toBe(total);
      if (p.done <= total - 2) expect(p.running, `after ${p.done} of ${p.total}`).toBe(2);
    }
    expect(seen.at(-1)!.done).toBe(total);
  });

  it('a width-searched sweep flags its total as an estimate until the searches end', async () => {
    const seen = await events('E8');
    expect(seen[0].estimated).toBe(true);
    expect(seen.at(-1)!.estimated).toBe(false);
  });

  it("the CLI's plain progress lines mark an estimated total with '~'", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const isTTY = process.stderr.isTTY;
    process.stderr.isTTY = false;
    try {
      const r = progressReporter('E2');
      r.start(240, 0, true);
      r.update({ done: 50, total: 107, running: 2, estimated: true });
      r.update({ done: 168, total: 168, running: 0, estimated: false });
      r.stop();
    } finally {
      process.stderr.isTTY = isTTY;
      spy.mockRestore();
    }
    expect(lines[0]).toBe(
      'E2: up to 240 points to run (the width searches need fewer; the total below is their estimate)\n',
    );
    expect(lines[1]).toMatch(/^E2: 50\/~107 points \(46%\), 2 running/);
    expect(lines[2]).toMatch(/^E2: 168\/168 points \(100%\), 0 running/);
  });
});
