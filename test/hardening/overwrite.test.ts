/**
 * An output never overwrites an input (issue 22, item 12): for every command with an output path,
 * an output that is one of the command's inputs — the same path, a symlink to it, or a hard link
 * to it — is refused with exit 2, and the input is left as it was.
 */
import { tempDir } from '../support/fs.js';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import { initialize } from '../../ts/train/init.js';
import { randomData } from '../helpers.js';
import { expectCliError, runCli, runCliAsync } from '../support/cli.js';

const root = tempDir('overwrite');
let n = 0;
/** A fresh directory with a model (m.json) and data (d.json, npy/X.npy + npy/Y.npy). */
function workspace(): string {
  const dir = join(root, `w${n++}`);
  mkdirSync(dir);
  saveModel(join(dir, 'm.json'), initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 0.5 }));
  writeData(join(dir, 'd.json'), randomData(3, 4, 2, 'final'));
  writeData(join(dir, 'npy'), randomData(3, 4, 2, 'final'));
  return dir;
}

/** Runs the CLI and checks it refused with exit 2 naming the input, each file in `kept` unchanged. */
function expectRefused(args: string[], kept: string[], input: RegExp) {
  const before = kept.map((f) => readFileSync(f));
  const r = runCli(args, { timeoutMs: 60_000 });
  expectCliError(r, new RegExp(`it is the input ${input.source}.*choose another output path`));
  expect(r.status).toBe(2);
  kept.forEach((f, i) => expect(readFileSync(f).equals(before[i]), f).toBe(true));
}

/** The three ways an output can be an input: its path, a symlink to it, a hard link to it. */
function aliases(dir: string, input: string, name: string): string[] {
  const sym = join(dir, `${name}-symlink`);
  const hard = join(dir, `${name}-hardlink`);
  symlinkSync(input, sym);
  linkSync(input, hard);
  return [input, sym, hard];
}

describe('an output that is an input is refused (exit 2), the input kept', () => {
  it('ntk --out: the model, the data, the test data', () => {
    const w = workspace();
    const m = join(w, 'm.json');
    const d = join(w, 'd.json');
    for (const out of aliases(w, m, 'model'))
      expectRefused(['ntk', '--model', m, '--data', d, '--out', out], [m], /--model/);
    for (const out of aliases(w, d, 'data'))
      expectRefused(['ntk', '--model', m, '--data', d, '--out', out], [d], /--data/);
    expectRefused(
      ['ntk', '--model', m, '--data', d, '--test', join(w, 'npy'), '--out', join(w, 'npy/Y.npy')],
      [join(w, 'npy/Y.npy')],
      /--test/,
    );
  });

  it('kernel --out: the data (X.npy given: its Y.npy too; a directory: its files)', () => {
    const w = workspace();
    const x = join(w, 'npy/X.npy');
    const y = join(w, 'npy/Y.npy');
    expectRefused(['kernel', '--data', x, '--alpha', '0.5', '--particles', '64', '--out', y], [x, y], /--data/);
    expectRefused(
      ['kernel', '--data', join(w, 'npy'), '--alpha', '0.5', '--particles', '64', '--out', x],
      [x, y],
      /--data/,
    );
    for (const out of aliases(w, join(w, 'd.json'), 'data'))
      expectRefused(
        ['kernel', '--data', join(w, 'd.json'), '--alpha', '0.5', '--particles', '64', '--out', out],
        [join(w, 'd.json')],
        /--data/,
      );
  });

  it('step --out: the model (the issue: the model replaced), the data', () => {
    const w = workspace();
    const m = join(w, 'm.json');
    const d = join(w, 'd.json');
    for (const out of aliases(w, m, 'model'))
      expectRefused(['step', '--model', m, '--data', d, '--eta', '0.1', '--out', out], [m], /--model/);
    for (const out of aliases(w, d, 'data'))
      expectRefused(['step', '--model', m, '--data', d, '--eta', '0.1', '--out', out], [d], /--data/);
    // a different output is written
    const ok = runCli(['step', '--model', m, '--data', d, '--eta', '0.1', '--out', join(w, 'next.json')]);
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('train --out DIR: a run file there that is (a link to) the data or the config', () => {
    const w = workspace();
    const d = join(w, 'd.json');
    const out1 = join(w, 'run1');
    mkdirSync(out1);
    symlinkSync(d, join(out1, 'model.json'));
    expectRefused(
      [
        'train',
        '--data',
        d,
        '--recurrence',
        'diagonal',
        '--alpha',
        '0.5',
        '--eta',
        '0.1',
        '--m',
        '4',
        '--steps',
        '3',
        '--out',
        out1,
        '--quiet',
        '--force',
      ],
      [d],
      /--data/,
    );
    const cfg = join(w, 'cfg.json');
    writeFileSync(
      cfg,
      JSON.stringify({ model: { recurrence: 'diagonal', m: 4, alpha: 0.5 }, train: { eta: 0.1, steps: 3 } }),
    );
    const out2 = join(w, 'run2');
    mkdirSync(out2);
    linkSync(cfg, join(out2, 'run.json'));
    expectRefused(['train', '--config', cfg, '--data', d, '--out', out2, '--quiet', '--force'], [cfg, d], /--config/);
  });

  it('data generate --out DIR: a file there that is (a link to) the config', () => {
    const w = workspace();
    const cfg = join(w, 'gen.json');
    writeFileSync(cfg, JSON.stringify({ n: 8, nTest: 4, T: 4, d: 2 }));
    const out = join(w, 'gen');
    mkdirSync(out);
    symlinkSync(cfg, join(out, 'meta.json'));
    expectRefused(
      ['data', 'generate', '--system', 'linear-filter', '--config', cfg, '--out', out, '--quiet'],
      [cfg],
      /--config/,
    );
  });
});

describe('sweep commands', () => {
  let shardA: string;
  let shardB: string;
  beforeAll(async () => {
    const w = join(root, 'sweeps');
    mkdirSync(w);
    shardA = join(w, 'a');
    shardB = join(w, 'b');
    for (const [out, k] of [
      [shardA, 1],
      [shardB, 2],
    ] as const) {
      const r = await runCliAsync(
        [
          'experiment',
          'run',
          'E4',
          '--size',
          'quick',
          '--seeds',
          '1',
          '--workers',
          '1',
          '--backend',
          'ts',
          '--shard',
          `${k}/2`,
          '--out',
          out,
          '--no-report',
          '--quiet',
        ],
        { timeoutMs: 120_000 },
      );
      expect(r.status, r.stderr).toBe(0);
    }
  }, 240_000);

  it('merge OUT: one of its input directories, or a points file linked to an input', () => {
    expectRefused(['merge', shardA, shardA, shardB], [join(shardA, 'points.jsonl')], /DIR/);
    const out = join(root, 'sweeps', 'merged');
    mkdirSync(out);
    linkSync(join(shardB, 'points.jsonl'), join(out, 'points.jsonl'));
    expectRefused(['merge', out, shardA, shardB, '--force'], [join(shardB, 'points.jsonl')], /DIR/);
  });

  it('report DIR: a report file that is a link to the sweep file it is built from', () => {
    symlinkSync(join(shardA, 'points.jsonl'), join(shardA, 'report.md'));
    linkSync(join(shardA, 'sweep.json'), join(shardB, 'summary.csv'));
    expectRefused(['report', shardA, '--no-svg'], [join(shardA, 'points.jsonl')], /DIR/);
    expectRefused(
      ['report', join(root, 'sweeps'), '--no-svg'],
      [join(shardA, 'points.jsonl'), join(shardA, 'sweep.json')],
      /DIR/,
    );
  });

  it("experiment run --resume: the report written at the end never replaces the sweep's points", async () => {
    const dir = join(root, 'sweeps', 'c');
    const args = [
      'experiment',
      'run',
      'E4',
      '--size',
      'quick',
      '--seeds',
      '1',
      '--workers',
      '1',
      '--backend',
      'ts',
      '--shard',
      '1/2',
      '--out',
      dir,
      '--quiet',
    ];
    const first = await runCliAsync([...args, '--no-report'], { timeoutMs: 120_000 });
    expect(first.status, first.stderr).toBe(0);
    symlinkSync(join(dir, 'points.jsonl'), join(dir, 'report.json'));
    expectRefused([...args, '--resume'], [join(dir, 'points.jsonl')], /sweep file/);
  }, 120_000);
});
