/**
 * Long data generation is interruptible and checked before the work: `train --system` and `data
 * generate` stop on SIGINT / SIGTERM within a second or two (exit 130 / 143, nothing written), a
 * training run that cannot fit is refused before generating anything (with a message whose numbers
 * agree), and generating in pieces gives the same bits as one call.
 */
import { tempDir } from '../support/fs.js';
import { CLI } from '../support/paths.js';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../ts/backend/index.js';
import { checkCapacity, formatBytes } from '../../ts/backend/capacity.js';
import { InterruptedError } from '../../ts/core/errors.js';
import { generateData, parseDataConfig } from '../../ts/data/generate.js';
import { makeTeacherRnn, rnnOutputs } from '../../ts/data/classic.js';
import { makeClassTeacher, teacherValues } from '../../ts/data/transport.js';
import { expectCliError, runCli } from '../support/cli.js';
import { CapacityError } from '../../ts/core/errors.js';

const slowTrain = (out: string) => [
  'train',
  '--system',
  'transport',
  '--n',
  '2',
  '--T',
  '10000',
  '--recurrence',
  'diagonal',
  '--m',
  '64',
  '--alpha',
  '0.5',
  '--eta',
  '0.1',
  '--steps',
  '10',
  '--out',
  out,
  '--quiet',
];
const slowGenerate = (out: string) => [
  'data',
  'generate',
  '--system',
  'transport',
  '--n',
  '2',
  '--T',
  '10000',
  '--out',
  out,
];

/** Starts the CLI, sends `sig` after `afterMs`, and reports the exit and how long the stop took. */
function interruptAfter(args: string[], sig: NodeJS.Signals, afterMs: number) {
  return new Promise<{ status: number | null; stderr: string; stopMs: number }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    let sent = 0;
    setTimeout(() => {
      sent = Date.now();
      child.kill(sig);
    }, afterMs);
    const guard = setTimeout(() => child.kill('SIGKILL'), afterMs + 30_000);
    child.on('close', (status) => {
      clearTimeout(guard);
      resolve({ status, stderr, stopMs: Date.now() - sent });
    });
  });
}

describe('interrupting data generation (built CLI)', () => {
  it.each([
    ['train --system', 'SIGINT', 130, slowTrain],
    ['train --system', 'SIGTERM', 143, slowTrain],
    ['data generate', 'SIGINT', 130, slowGenerate],
  ] as const)('%s stops on %s with exit %d, writing nothing', async (_name, sig, code, args) => {
    const dir = tempDir('int');
    const out = join(dir, 'out');
    const r = await interruptAfter(args(out), sig, 3000);
    expect(r.status, r.stderr).toBe(code);
    expect(r.stderr).toMatch(/interrupted while generating the data \(system 'transport'\)/);
    // Uninterrupted, this generation takes minutes; stopping takes at most a piece of work (~0.1-1 s, more under load).
    expect(r.stopMs).toBeLessThan(10_000);
    const left = existsSync(out) ? readdirSync(out) : [];
    expect(left).toEqual([]);
  });

  it('a run that cannot fit is refused before the data is generated, with numbers that agree', () => {
    const dir = tempDir('cap');
    const args = [
      'train',
      '--system',
      'linear-filter',
      '--n',
      '4096',
      '--T',
      '100',
      '--recurrence',
      'dense',
      '--m',
      '1024',
      '--alpha',
      '0.5',
      '--eta',
      '0.1',
      '--steps',
      '1',
      '--out',
      join(dir, 'run'),
      '--quiet',
    ];
    const r = runCli(args, { timeoutMs: 20_000 });
    expectCliError(r, /workspace for n = 4096 sequences of length T = 100/);
    expect(r.status).toBe(2);
    // "needs X GiB ..., more than the memory cap of 2.00 GiB": X really is more than the cap.
    const m = /needs ([\d.]+) GiB of wasm memory, more than the memory cap of ([\d.]+) GiB/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(Number(m![2]));
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe('capacity messages agree with their numbers', () => {
  it('a buffer over the core limit within the cap says so, not "more than the cap"', () => {
    try {
      checkCapacity({ what: 'thing', bytes: 40 * 2 ** 20, suggestion: 'Use less.', largest: 2 ** 30 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CapacityError);
      const msg = (err as Error).message;
      expect(msg).toContain(`needs ${formatBytes(40 * 2 ** 20)} of wasm memory (within the memory cap`);
      expect(msg).toContain(`${2 ** 30} elements, more than the core's limit of 2^29 elements per buffer`);
      expect(msg).not.toMatch(/more than the memory cap/);
    }
  });
});

describe('generation in pieces', () => {
  it('an aborted signal stops generateData with an InterruptedError', async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    await expect(
      generateData({ system: 'delay', n: 4, T: 5 }, undefined, { signal: controller.signal }),
    ).rejects.toThrow(InterruptedError);
  });

  it('transport and teacher-rnn targets equal one call over all sequences, bit for bit', async () => {
    const backend = await getBackend('wasm');
    // Enough work per sequence that the targets are computed in several pieces.
    const transport = { system: 'transport', n: 300, nTest: 0, T: 12, d: 3, M: 8192, normalize: 'none' } as const;
    const g = await generateData(transport, undefined, { backend });
    const config = parseDataConfig(transport);
    const teacher = makeClassTeacher(config as never, 3, config.seed);
    expect(g.train.Y).toEqual(teacherValues(teacher, { ...g.train, Y: new Float64Array(300) }, backend, 'final'));

    const rnn = { system: 'teacher-rnn', n: 600, nTest: 0, T: 40, d: 2, mTeacher: 512, normalize: 'none' } as const;
    const h = await generateData(rnn);
    const rc = parseDataConfig(rnn);
    const model = makeTeacherRnn(rc as never, 2, rc.seed, 'final');
    expect(h.train.Y).toEqual(rnnOutputs(model, h.train, 'final'));
  });
});
