/**
 * What a new user meets in the CLI's first hour (issue 24): a data directory of `data generate`
 * given whole names its train/ and test/ sets; `train --resume --steps` is a total, and says so;
 * `train --linearized` summarizes the linearization it trained.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../support/fs.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** A small diagonal training setting the `train` tests share (the flags before their own). */
const SMALL_TRAIN = [
  '--system',
  'linear-filter',
  '--n',
  '16',
  '--T',
  '4',
  '--recurrence',
  'diagonal',
  '--m',
  '8',
  '--alpha',
  '0.5',
  '--eta',
  '0.5',
];

describe('the CLI for a new user', () => {
  it('`constants --data DIR` on the folder `data generate` wrote suggests DIR/train', () => {
    const cwd = tempDir('first-hour');
    const gen = runCli(
      ['data', 'generate', '--system', 'linear-filter', '--n', '16', '--n-test', '8', '--T', '4', '--out', 'data/tm'],
      { cwd },
    );
    expect(gen.status, gen.stderr).toBe(0);
    const model = runCli(
      [
        'train',
        '--data',
        'data/tm/train',
        '--recurrence',
        'diagonal',
        '--m',
        '8',
        '--alpha',
        '0.5',
        '--eta',
        '0.5',
        '--steps',
        '2',
        '--out',
        'run',
        '--quiet',
      ],
      { cwd },
    );
    expect(model.status, model.stderr).toBe(0);
    const r = runCli(['constants', '--model', 'run/model.json', '--data', 'data/tm'], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('data data/tm: directory holds neither data.json nor X.npy + Y.npy');
    expect(r.stderr).toContain(
      'it holds the data sets data/tm/train, data/tm/test: give one of them (e.g. --data data/tm/train)',
    );
    expect(runCli(['constants', '--model', 'run/model.json', '--data', 'data/tm/train'], { cwd }).status).toBe(0);
  });

  it('`train --resume --steps S` trains up to step S in all, as --help says', () => {
    const help = runCli(['train', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('counted from step 0: with --resume the total to reach');
    const cwd = tempDir('first-hour');
    const base = ['train', ...SMALL_TRAIN, '--record-every', '5', '--out', 'run', '--quiet'];
    expect(runCli([...base, '--steps', '20'], { cwd }).status).toBe(0);
    const resumed = runCli(['train', '--out', 'run', '--resume', '--steps', '30', '--quiet'], { cwd });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed', steps: 30, resumedFrom: 20 });
  });

  it('`train --linearized` prints the linearization beside the network', () => {
    const cwd = tempDir('first-hour');
    const r = runCli(['train', ...SMALL_TRAIN, '--steps', '20', '--linearized', '--out', 'run', '--quiet'], { cwd });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.linearized.around).toBe('W0, U0 (the initialization)');
    for (const k of ['finalRisk', 'finalTestRisk', 'finalGapRms', 'finalGapMax', 'largestGapMax'])
      expect(summary.linearized[k], k).toBeGreaterThanOrEqual(0);
    expect(summary.linearized.largestGapMax).toBeGreaterThanOrEqual(summary.linearized.finalGapMax);
    expect(summary.linearized.finalRisk).not.toBe(summary.finalRisk);
    // docs/formats.md names exactly these fields.
    const page = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const documented = /the summary adds `linearized`: `\{ (.*?) \}`/.exec(page)![1];
    expect(documented.match(/"(\w+)"/g)!.map((k) => k.slice(1, -1))).toEqual(Object.keys(summary.linearized));
  });

  it('a reader that stops early (`experiment points E1 | head -1`) ends the command quietly, without an EPIPE trace', () => {
    const r = spawnSync(
      'bash',
      ['-o', 'pipefail', '-c', 'node dist/cli/main.js experiment points E1 --size full | head -1'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).experiment).toBe('E1');
  });
});
