/**
 * The capacity plan (ts/train/capacity.ts) is the one answer to "does this run fit": the Trainer
 * takes its rows from it, the CLI's early check throws its refusal, and the demo page's form and
 * worker (web/src/train/capacity.ts) ask it. Near the boundary all of them flip at the same n and
 * the same batch size.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWorkspace, GiB, setMemoryCap, workspaceBytes } from '../../ts/backend/capacity.js';
import { rowsForBudget } from '../../ts/train/chunked.js';
import { CapacityError } from '../../ts/core/errors.js';
import { checkTrainingCapacity, planTraining } from '../../ts/train/capacity.js';
import type { ModelSpec } from '../../ts/core/types.js';
import { capacityAdvice, planPageRun, SHOWN_TEST_ROWS } from '../../web/src/train/capacity.js';
import type { RunConfig } from '../../web/src/train/protocol.js';
import { runCliInProcess } from '../support/cli.js';
import { tempDir } from '../support/fs.js';

const spec: ModelSpec = { recurrence: 'dense', m: 1024, d: 1, readout: 'final', activation: 'tanh', alpha: 1 };
const T = 200;
const fitsCap = (rows: number) => {
  try {
    checkWorkspace(spec, rows, T);
    return true;
  } catch (err) {
    if (err instanceof CapacityError) return false;
    throw err;
  }
};
const cliFits = (n: number, batchSize: number, nTest = 64) => {
  try {
    checkTrainingCapacity(spec, { n, T }, { n: nTest, T }, { batchSize });
    return true;
  } catch (err) {
    if (err instanceof CapacityError) return false;
    throw err;
  }
};
/** A page setting: the transport teacher with the shape above, as the form builds it. */
const pageRun = (n: number, batchSize: number, nTest = 64): RunConfig => ({
  data: { system: 'transport', n, nTest, T, d: 1 },
  model: { recurrence: 'dense', m: 1024, activation: 'tanh', alpha: 1 },
  init: {},
  train: { steps: 10, eta: 0.1, batchSize },
  seed: 1,
});

afterEach(() => setMemoryCap(null));

describe('planTraining', () => {
  const maxRows = planTraining(spec, { n: 1e6, T }, undefined, { batchSize: 0 }).maxRows;

  it('maxRows is the most rows a workspace may hold under the cap', () => {
    expect(maxRows).toBeGreaterThan(100);
    expect(fitsCap(maxRows)).toBe(true);
    expect(fitsCap(maxRows + 1)).toBe(false);
    expect(workspaceBytes(spec, maxRows + 1, T)).toBeGreaterThan(2 * GiB);
  });

  it('full-batch GD fits up to n = maxRows; the refusal names the workspace and its bytes', () => {
    const ok = planTraining(spec, { n: maxRows, T }, { n: 64, T }, { batchSize: 0 });
    expect(ok).toMatchObject({ fits: true, advice: '', rows: { train: maxRows, test: 64, shown: 0 } });
    expect(ok.error).toBeUndefined();
    const over = planTraining(spec, { n: maxRows + 1, T }, { n: 64, T }, { batchSize: 0 });
    expect(over.fits).toBe(false);
    expect(over.refused).toEqual({ what: 'workspace', bytes: workspaceBytes(spec, maxRows + 1, T), limit: 2 * GiB });
    expect(over.advice).toBe(over.error!.message);
    expect(over.advice).toMatch(/workspace for n = \d+ sequences of length T = 200 .* needs [\d.]+ GiB .*mini-batches/);
  });

  it('SGD: the training workspace holds the budget or one batch; a batch of maxRows fits, one more does not', () => {
    const budget = 256 * 2 ** 20;
    const sgd = planTraining(spec, { n: 1e5, T }, { n: 1e5, T }, { batchSize: 10 });
    expect(sgd.rows).toEqual({
      train: rowsForBudget(spec, 1e5, T, budget, 10),
      test: rowsForBudget(spec, 1e5, T, budget),
      shown: 0,
    });
    expect(sgd.fits).toBe(true);
    expect(planTraining(spec, { n: 1e5, T }, undefined, { batchSize: maxRows }).fits).toBe(true);
    expect(planTraining(spec, { n: 1e5, T }, undefined, { batchSize: maxRows + 1 }).fits).toBe(false);
  });

  it('counts the linearization and the shown rows; all objects together must stay under wasm 4 GiB', () => {
    const base = planTraining(spec, { n: 100, T }, { n: 500, T }, { batchSize: 0 });
    const shown = planTraining(spec, { n: 100, T }, { n: 500, T }, { batchSize: 0, shownRows: SHOWN_TEST_ROWS });
    expect(shown.rows.shown).toBe(SHOWN_TEST_ROWS);
    expect(shown.bytes).toBeGreaterThan(base.bytes + workspaceBytes(spec, SHOWN_TEST_ROWS, T));
    expect(planTraining(spec, { n: 100, T }, { n: 5, T }, { batchSize: 0, shownRows: 200 }).rows.shown).toBe(5);
    const lin = planTraining(spec, { n: 100, T }, { n: 500, T }, { batchSize: 0, linearized: true });
    expect(lin.bytes).toBeGreaterThan(base.bytes + 2 * workspaceBytes(spec, 600, T));
    // A raised cap lets each workspace pass, but the train and linearized ones together pass 4 GiB.
    setMemoryCap('3.9GiB');
    const big = Math.floor(maxRows * 1.5);
    expect(planTraining(spec, { n: big, T }, undefined, { batchSize: 0 }).fits).toBe(true);
    const together = planTraining(spec, { n: big, T }, undefined, { batchSize: 0, linearized: true });
    expect(together.fits).toBe(false);
    expect(together.refused?.what).toBe('linearized workspace');
    const both = planTraining(spec, { n: Math.floor(maxRows * 0.9), T }, undefined, { batchSize: 0, linearized: true });
    expect(both.fits).toBe(false);
    expect(both.refused).toMatchObject({ what: 'together', bytes: both.bytes });
    expect(both.advice).toMatch(/together, more than wasm's 4 GiB limit/);
  });
});

describe("the page's answer is the CLI's", () => {
  const maxRows = planTraining(spec, { n: 1e6, T }, undefined, { batchSize: 0 }).maxRows;

  it('near the boundary of n (full-batch) and of the batch size, the page and the CLI check flip together', () => {
    for (const n of [maxRows - 1, maxRows, maxRows + 1, maxRows + 2]) {
      const page = planPageRun(pageRun(n, 0));
      expect(page.plan.fits, `n = ${n}`).toBe(cliFits(n, 0));
      expect(page.plan.fits).toBe(n <= maxRows);
      expect(page.plan.rows.shown).toBe(Math.min(SHOWN_TEST_ROWS, 64));
    }
    for (const b of [maxRows - 1, maxRows, maxRows + 1]) {
      const page = planPageRun(pageRun(50_000, b));
      expect(page.plan.fits, `batch ${b}`).toBe(cliFits(50_000, b));
      expect(page.plan.fits).toBe(b <= maxRows);
    }
  });

  it("the page's advice names the batch size that the plan then accepts", () => {
    const over = planPageRun(pageRun(4096, 0));
    const advice = capacityAdvice(over)!;
    expect(advice).toMatch(
      /needs [\d.]+ GiB of wasm memory, more than the page's 2\.00 GiB: set Batch size to at most \d+/,
    );
    const fit = Number(/at most (\d+)/.exec(advice)![1]);
    expect(fit).toBe(maxRows);
    expect(capacityAdvice(planPageRun(pageRun(4096, fit)))).toBeNull();
    expect(capacityAdvice(planPageRun(pageRun(4096, fit + 1)))).toMatch(/at most \d+/);
  });

  it("`rnn-gd train --system` refuses before generating, with the plan's advice", async () => {
    const out = join(tempDir('plan'), 'run');
    const n = maxRows + 1;
    const args = ['train', '--system', 'transport', '--n', String(n), '--T', String(T), '--d', '1'];
    const r = await runCliInProcess([
      ...args,
      '--recurrence',
      'dense',
      '--m',
      '1024',
      '--alpha',
      '1',
      '--eta',
      '0.1',
      '--steps',
      '1',
      '--out',
      out,
    ]);
    expect(r.status).toBe(2);
    const plan = planTraining(spec, { n, T }, { n: 64, T }, { batchSize: 0 });
    expect(r.stderr).toContain(plan.advice);
    expect(r.ms).toBeLessThan(20_000);
  });
});
