/**
 * `rnn-gd ntk` and `rnn-gd constants` in process (ts backend; commander wiring with stdout captured),
 * and the built CLI when dist/ has these commands.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI as cli } from '../support/paths.js';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCommandJson } from '../support/cli.js';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { registerConstants } from '../../ts/cli/commands/constants.js';
import { ntkCommand, registerNtk } from '../../ts/cli/commands/ntk.js';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import { readNpy } from '../../ts/io/npy.js';
import { constants } from '../../ts/theory/constants.js';
import { gramStats, relativeDrift } from '../../ts/theory/ntk.js';
import { randomData, relError } from '../helpers.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('theory-cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const ts = tsBackend();
const init = initialize(
  { recurrence: 'diagonal', activation: 'tanh', readout: 'final', m: 8, d: 2, alpha: 0.9 },
  { seed: 'cli' },
);
const moved = {
  ...init,
  W: init.W.map((v, i) => v + 0.1 * Math.sin(i)),
  U: init.U.map((v, i) => v + 0.1 * Math.cos(i)),
};
const train = randomData(6, 5, 2, 'final', 'cli-train');
const test = randomData(4, 5, 2, 'final', 'cli-test');
const modelPath = join(dir, 'model.json'),
  initPath = join(dir, 'init.json');
const dataPath = join(dir, 'data.json'),
  testPath = join(dir, 'test.json');
saveModel(modelPath, moved);
saveModel(initPath, init);
writeData(dataPath, train);
writeData(testPath, test);

const run = runCommandJson;

describe('rnn-gd ntk', () => {
  it('prints the spectrum and drift, and writes the Gram matrix as float64 .npy', async () => {
    const out = join(dir, 'gram.npy');
    const r = (await run(registerNtk, [
      'ntk',
      '--model',
      modelPath,
      '--data',
      dataPath,
      '--backend',
      'ts',
      '--out',
      out,
    ])) as Record<string, number>;
    const K = ts.kernels.ntkGram(moved, train);
    const st = gramStats(K, 6);
    for (const k of ['n', 'minEigenvalue', 'maxEigenvalue', 'condition', 'trace', 'frobenius'] as const)
      expect(r[k]).toBeCloseTo(st[k] as number, 10);
    expect(r.drift).toBeCloseTo(relativeDrift(ts.kernels.ntkGram(init, train), K), 12);
    expect(r.backend).toBe('ts float64');
    const npy = readNpy(out);
    expect(npy.shape).toEqual([6, 6]);
    expect(npy.dtype).toBe('<f8');
    expect(relError(npy.data, K)).toBe(0);
  });

  it('reports drift 0 at the initialization and adds the kernel baseline with --test', async () => {
    const r = await ntkCommand({ model: initPath, data: dataPath, backend: 'ts', test: testPath });
    expect(r.drift).toBe(0);
    expect(r.baseline!.kernel).toBe('ntk0');
    expect(r.baseline!.kernelTrainRmse).toBeLessThan(1e-6);
    expect(r.baseline!.nTest).toBe(4);
    // At the symmetric init f = 0, so the distance to the kernel predictor is its own size.
    expect(r.baseline!.networkTestRmse).toBeGreaterThan(0);
    const mc = await ntkCommand({
      model: modelPath,
      data: dataPath,
      backend: 'ts',
      test: testPath,
      kernel: 'mc',
      particles: 256,
      ridge: 1e-3,
    });
    expect(mc.baseline!.kernel).toBe('mc');
    expect(mc.baseline!.ridge).toBe(1e-3);
  });

  it('refuses what it cannot do, naming the option or the file', async () => {
    await expect(
      run(registerNtk, ['ntk', '--model', modelPath, '--data', dataPath, '--backend', 'gpu']),
    ).rejects.toThrow(/--backend/);
    await expect(
      ntkCommand({ model: modelPath, data: dataPath, backend: 'ts', test: testPath, kernel: 'rbf' }),
    ).rejects.toThrow(/--kernel/);
    const dense = initialize(
      { recurrence: 'dense', activation: 'tanh', readout: 'final', m: 4, d: 2, alpha: 1 },
      { seed: 1 },
    );
    const densePath = join(dir, 'dense.json');
    saveModel(densePath, dense);
    await expect(
      ntkCommand({ model: densePath, data: dataPath, backend: 'ts', test: testPath, kernel: 'mc' }),
    ).rejects.toThrow(/diagonal recurrence only/);
    const all = initialize(
      { recurrence: 'diagonal', activation: 'tanh', readout: 'all', m: 4, d: 2, alpha: 1 },
      { seed: 1 },
    );
    const allPath = join(dir, 'all.json'),
      allData = join(dir, 'all-data.json');
    saveModel(allPath, all);
    writeData(allData, randomData(3, 5, 2, 'all'));
    await expect(ntkCommand({ model: allPath, data: allData, backend: 'ts' })).rejects.toThrow(
      /readout 'all' is supported with --predict only/,
    );
  });
});

describe('rnn-gd constants', () => {
  it('prints measured and analytic constants side by side, derived: true', async () => {
    const r = (await run(registerConstants, [
      'constants',
      '--model',
      modelPath,
      '--data',
      dataPath,
      '--tau',
      '100',
      '--eps',
      '0.1',
    ])) as ReturnType<typeof constants>;
    const want = JSON.parse(JSON.stringify(constants(moved, train, { tau: 100, eps: 0.1 })));
    expect(r).toEqual(want);
    expect(r.derived).toBe(true);
    for (const k of ['L_w', 'L_u', 'L_T', 'beta_T'] as const) expect(r.measured[k]).toBeLessThanOrEqual(r.analytic![k]);
    expect(r.terms.measured.mRequired).toBeLessThan(r.terms.analytic!.mRequired!);
  });

  it('names bad options', async () => {
    const base = ['constants', '--model', modelPath, '--data', dataPath];
    await expect(run(registerConstants, [...base, '--delta', '2'])).rejects.toThrow(/--delta/);
    await expect(run(registerConstants, [...base, '--hessian-iterations', '0'])).rejects.toThrow(
      /--hessian-iterations/,
    );
    await expect(run(registerConstants, [...base, '--rho', 'x'])).rejects.toThrow(/--rho/);
  });
});

// The built CLI, only when dist/ was built with these commands (the tests never build anything).

describe('built CLI', () => {
  it('ntk and constants print JSON', () => {
    const a = spawnSync(process.execPath, [cli, 'ntk', '--model', modelPath, '--data', dataPath, '--backend', 'ts'], {
      encoding: 'utf8',
    });
    expect(a.status).toBe(0);
    expect(JSON.parse(a.stdout).n).toBe(6);
    const b = spawnSync(process.execPath, [cli, 'constants', '--model', modelPath, '--data', dataPath], {
      encoding: 'utf8',
    });
    expect(b.status).toBe(0);
    expect(JSON.parse(b.stdout).derived).toBe(true);
  });
});
