/** `rnn-gd kernel --recurrence dense --exact` (ts/cli/commands/kernel-exact.ts). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { registerKernel } from '../../ts/cli/commands/kernel.js';
import { writeData } from '../../ts/io/data-file.js';
import { readNpy } from '../../ts/io/npy.js';
import { exactDenseKernel } from '../../ts/theory/dense-kernel.js';
import { randomData } from '../helpers.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('dense-kernel-cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const data = randomData(5, 4, 2, 'final', 'dense-cli');
const dataPath = join(dir, 'data.json');
writeData(dataPath, data);

async function run(args: string[]): Promise<Record<string, any>> {
  const program = new Command('rnn-gd').exitOverride().configureOutput({ writeErr: () => {} });
  registerKernel(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(['kernel', '--data', dataPath, ...args], { from: 'user' });
  return JSON.parse(out);
}

describe('kernel --recurrence dense --exact', () => {
  it('writes the exact kernel (final and all) as .npy, equal to the API; --widths fits the rate', async () => {
    for (const [readout, N] of [
      ['final', 5],
      ['all', 20],
    ] as const) {
      const out = join(dir, `K-${readout}.npy`);
      const r = await run(['--alpha', '1.1', '--recurrence', 'dense', '--exact', '--readout', readout, '--out', out]);
      expect(r).toMatchObject({ kind: 'ntk', recurrence: 'dense', exact: true, readout, n: 5, T: 4, d: 2 });
      expect(r.source).toMatch(/our derivation/);
      const K = readNpy(out);
      expect(K.shape).toEqual([N, N]);
      const ref = exactDenseKernel(tsBackend(), { kind: 'ntk', activation: 'tanh', alpha: 1.1, readout }, data);
      for (let k = 0; k < ref.length; k++) expect(K.data[k]).toBeCloseTo(ref[k], 9);
    }
    const w = await run(['--alpha', '1.1', '--recurrence', 'dense', '--exact', '--widths', '32,512', '--init', 'iid']);
    expect(w.init).toBe('iid');
    expect(w.widths.map((x: { m: number }) => x.m)).toEqual([32, 512]);
    expect(w.rateExponent).toBeLessThan(-0.2);
  });
  it('refuses dense without --exact, --exact for the diagonal model, a bad --init or --readout', async () => {
    await expect(run(['--alpha', '1', '--recurrence', 'dense'])).rejects.toThrow(/add --exact/);
    await expect(run(['--alpha', '1', '--exact'])).rejects.toThrow(/--exact: .*--recurrence dense/);
    await expect(
      run(['--alpha', '1', '--recurrence', 'dense', '--exact', '--widths', '8', '--init', 'rows']),
    ).rejects.toThrow(/--init/);
    await expect(run(['--alpha', '1', '--recurrence', 'dense', '--exact', '--readout', 'last'])).rejects.toThrow(
      /--readout/,
    );
  });
});
