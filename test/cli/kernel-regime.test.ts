/**
 * The kernel-regime commands in process: `eval --linearized`, `ntk --predict`, `kernel`, and
 * `train --linearized` (commander wiring with stdout captured).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCommandJson } from '../support/cli.js';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { evaluate, registerEval } from '../../ts/cli/commands/eval.js';
import { registerKernel } from '../../ts/cli/commands/kernel.js';
import { registerNtk } from '../../ts/cli/commands/ntk.js';
import { trainCommand } from '../../ts/cli/commands/train.js';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import { randomData } from '../helpers.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('kernel-cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const init = initialize({ recurrence: 'diagonal', activation: 'tanh', m: 16, d: 2, alpha: 0.7 }, { seed: 'kr' });
const moved = {
  ...init,
  W: init.W.map((v, i) => v + 0.2 * Math.sin(i)),
  U: init.U.map((v, i) => v + 0.2 * Math.cos(i)),
};
const train = randomData(8, 5, 2, 'final', 'kr-train');
const test = randomData(4, 5, 2, 'final', 'kr-test');
const [modelPath, dataPath, testPath] = ['model.json', 'data.json', 'test.json'].map((f) => join(dir, f));
saveModel(modelPath, moved);
writeData(dataPath, train);
writeData(testPath, test);

const run = (register: (p: Command) => void, args: string[]) =>
  runCommandJson(register, args) as Promise<Record<string, any>>;

describe('kernel-regime commands', () => {
  it('eval --linearized prints the linearization around W0, U0 in the shape of eval', async () => {
    const out = await run(registerEval, [
      'eval',
      '--model',
      modelPath,
      '--data',
      dataPath,
      '--linearized',
      '--backend',
      'ts',
    ]);
    const ts = tsBackend();
    using lin = ts.network(moved, { linearized: true });
    using ws = lin.workspace(train.n, train.T);
    ws.setData(train);
    const expected = ws.forward();
    expect(out.predictions).toEqual(Array.from(expected.predictions));
    expect(out.loss).toBe(expected.loss);
    const plain = await evaluate(moved, train, { backend: 'ts' });
    expect(out.predictions).not.toEqual(plain.predictions);
  });

  it('ntk --predict prints the closed-form trajectory with its risk curve, and names missing options', async () => {
    const out = await run(registerNtk, [
      'ntk',
      '--model',
      modelPath,
      '--data',
      dataPath,
      '--test',
      testPath,
      '--predict',
      '--eta',
      '0.5',
      '--steps',
      '30',
      '--backend',
      'ts',
    ]);
    expect(out.predict.steps).toBe(30);
    expect(out.predict.trainPredictions).toHaveLength(train.n);
    expect(out.predict.testPredictions).toHaveLength(test.n);
    expect(out.predict.curve.map((c: { step: number }) => c.step)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    expect(out.predict.curve.at(-1).risk).toBeLessThan(out.predict.curve[0].risk);
    expect(out.predict.derived).toBe(true);
    await expect(
      run(registerNtk, ['ntk', '--model', modelPath, '--data', dataPath, '--predict', '--eta', '1']),
    ).rejects.toThrow(/--predict needs --eta E and --steps S/);
    await expect(
      run(registerNtk, ['ntk', '--model', modelPath, '--data', dataPath, '--predict', '--eta', '-1', '--steps', '3']),
    ).rejects.toThrow(/option --eta: expected a number > 0/);
  });

  it('kernel --kind nngp|ntk prints the Monte-Carlo estimate with its error; --widths the empirical NTK distances', async () => {
    const nngp = await run(registerKernel, [
      'kernel',
      '--data',
      dataPath,
      '--alpha',
      '0.7',
      '--kind',
      'nngp',
      '--particles',
      '512',
    ]);
    expect(nngp).toMatchObject({ kind: 'nngp', sampling: 'iid', M: 512, groups: 16, n: train.n });
    expect(nngp.relativeError).toBeGreaterThan(0);
    const ntk = await run(registerKernel, [
      'kernel',
      '--data',
      dataPath,
      '--alpha',
      '0.7',
      '--particles',
      '1024',
      '--sampling',
      'halton',
      '--widths',
      '16,256',
    ]);
    expect(ntk.widths.map((w: { m: number }) => w.m)).toEqual([16, 256]);
    expect(ntk.widths[1].relativeDistance).toBeLessThan(ntk.widths[0].relativeDistance);
    await expect(run(registerKernel, ['kernel', '--data', dataPath, '--alpha', '1', '--kind', 'gp'])).rejects.toThrow(
      /--kind/,
    );
    await expect(
      run(registerKernel, ['kernel', '--data', dataPath, '--alpha', '1', '--kind', 'nngp', '--widths', '16']),
    ).rejects.toThrow(/--widths/);
  });

  it('train --linearized writes the lin* metrics beside the network metrics', async () => {
    const out = join(dir, 'run');
    await trainCommand(
      {
        data: dataPath,
        test: testPath,
        backend: 'ts',
        model: { recurrence: 'diagonal', m: 8, alpha: 0.7 },
        init: { seed: 1 },
        train: { eta: 0.5, steps: 20, recordEvery: 10 },
      } as never,
      { out, quiet: true, linearized: true },
    );
    expect(existsSync(join(out, 'metrics.csv'))).toBe(true);
    const [header, first, , last] = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    const col = (row: string, name: string) => Number(row.split(',')[header.split(',').indexOf(name)]);
    expect(col(first, 'linGapRms')).toBe(0);
    expect(col(last, 'linGapRms')).toBeGreaterThan(0);
    expect(col(last, 'linRisk')).toBeLessThan(col(first, 'linRisk'));
    expect(col(last, 'linTestGapMax')).toBeGreaterThan(0);
  });
});
