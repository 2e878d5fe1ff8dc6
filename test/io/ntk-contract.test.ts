/**
 * docs/formats.md's `rnn-gd ntk` contract: the field names of the two JSON examples in the page are
 * exactly those the built CLI prints (with and without --predict, with --test and --out), and the
 * --out file is the kernel the command used.
 */
import { tempDir } from '../support/fs.js';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import { readNpy } from '../../ts/io/npy.js';
import { randomData } from '../helpers.js';
import { expectCliOk, runCli } from '../support/cli.js';

const page = readFileSync(fileURLToPath(new URL('../../docs/formats.md', import.meta.url)), 'utf8');
/** The json block after the marker comment naming this test. */
const example = (marker: string): unknown => {
  const re = new RegExp(`<!-- ${marker}: the field names below[^\\n]*-->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``);
  const block = re.exec(page)?.[1];
  if (!block) throw new Error(`docs/formats.md has no example after '<!-- ${marker}: ...'`);
  return JSON.parse(block);
};

/** Every key path of a JSON value (array elements share the path `[]`). */
function paths(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.length ? [...new Set(v.flatMap((x) => paths(x, `${at}[]`)))] : [`${at}[]`];
  if (v !== null && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => [at + '.' + k, ...paths(x, at + '.' + k)]);
  return [];
}
const sorted = (v: unknown) => [...new Set(paths(v))].sort();

const dir = tempDir('ntk-contract');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const params = initialize(
  { recurrence: 'diagonal', activation: 'tanh', m: 16, d: 2, alpha: 0.6 },
  { seed: 'contract' },
);
const trained = { ...params, W: params.W.map((w, i) => w + 0.1 * Math.sin(i)) };
const [model, train, test] = ['model.json', 'train.json', 'test.json'].map((f) => join(dir, f));
saveModel(model, trained);
writeData(train, randomData(6, 4, 2, 'final', 'contract-train'));
writeData(test, randomData(3, 4, 2, 'final', 'contract-test'));

describe('docs/formats.md: the ntk contract', () => {
  it('ntk: the documented fields are the printed ones; --out is K(W, U)', () => {
    const out = join(dir, 'K.npy');
    const json = expectCliOk(runCli(['ntk', '--model', model, '--data', train, '--test', test, '--out', out])) as {
      kernelAt: string;
      trace: number;
    };
    expect(sorted(json)).toEqual(sorted(example('ntk output')));
    expect(json.kernelAt).toBe('current');
    const K = readNpy(out);
    expect(K.shape).toEqual([6, 6]);
    let trace = 0;
    for (let a = 0; a < 6; a++) trace += K.data[a * 6 + a];
    expect(trace).toBeCloseTo(json.trace, 12);
  });

  it.each(['init', 'current'])('ntk --predict --from %s: the documented fields; --out is the kernel used', (from) => {
    const out = join(dir, `K-${from}.npy`);
    const r = runCli([
      'ntk',
      '--model',
      model,
      '--data',
      train,
      '--test',
      test,
      '--predict',
      '--eta',
      '1',
      '--steps',
      '50',
      '--from',
      from,
      '--out',
      out,
    ]);
    const json = expectCliOk(r) as { kernelAt: string; trace: number; predict: { from: string } };
    expect(sorted(json)).toEqual(sorted(example('ntk --predict output')));
    expect(json.kernelAt).toBe(from);
    expect(json.predict.from).toBe(from);
    const K = readNpy(out);
    let trace = 0;
    for (let a = 0; a < 6; a++) trace += K.data[a * 6 + a];
    expect(trace).toBeCloseTo(json.trace, 12);
  });

  it('--from init and --from current differ for a trained model, and init is the default', () => {
    const run = (extra: string[]) =>
      expectCliOk(
        runCli(['ntk', '--model', model, '--data', train, '--predict', '--eta', '1', '--steps', '5', ...extra]),
      ) as {
        trace: number;
        predict: { risk: number };
      };
    const byDefault = run([]),
      init = run(['--from', 'init']),
      current = run(['--from', 'current']);
    expect(byDefault).toEqual(init);
    expect(current.trace).not.toBe(init.trace);
  });

  it('refuses --from without --predict and an unknown --from', () => {
    const a = runCli(['ntk', '--model', model, '--data', train, '--from', 'init']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/--from belong to --predict/);
    const b = runCli([
      'ntk',
      '--model',
      model,
      '--data',
      train,
      '--predict',
      '--eta',
      '1',
      '--steps',
      '5',
      '--from',
      'W0',
    ]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/option --from: expected init or current, got 'W0'/);
  });
});
