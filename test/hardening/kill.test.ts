/**
 * Nothing lost: `rnn-gd train` runs killed at random moments (SIGKILL, SIGINT, SIGTERM) leave whole
 * JSON lines in metrics.jsonl, a loadable model.json and a parseable run.json; SIGINT/SIGTERM end
 * with status 'aborted' (exit 130 / 143) and every file written; `--resume` then finishes the run
 * with exactly the parameters and metrics of an uninterrupted run.
 */
import { tempDir } from '../support/fs.js';
import { CLI } from '../support/paths.js';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeData } from '../../ts/io/data-file.js';
import { readModelFile } from '../../ts/io/model-file.js';
import { makeRng } from '../../ts/core/rng.js';
import { randomData } from '../helpers.js';
import { runCli } from '../support/cli.js';

const dir = tempDir('kill');
const dataPath = join(dir, 'data.json');
const testPath = join(dir, 'test.json');
const STEPS = 800;
const args = (out: string, extra: string[] = []) => [
  'train',
  '--data',
  dataPath,
  '--test',
  testPath,
  '--out',
  out,
  '--recurrence',
  'dense',
  '--m',
  '64',
  '--alpha',
  '0.7',
  '--eta',
  '0.3',
  '--steps',
  String(STEPS),
  '--batch',
  '32',
  '--record-every',
  '5',
  '--checkpoint-every',
  '2',
  '--project',
  '4',
  '--seed',
  '11',
  '--quiet',
  ...extra,
];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns the CLI; sends `signal` after `delayMs` (or once `when()` holds), returns how it ended. */
function runAndKill(argv: string[], signal: NodeJS.Signals, delayMs: number, when?: () => boolean): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    const started = Date.now();
    const poll = setInterval(() => {
      if (Date.now() - started >= delayMs && (!when || when())) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    const hang = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`train did not exit (hang) after ${signal}`));
    }, 30_000);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      clearTimeout(hang);
      resolve({ code, signal: sig, stdout, stderr });
    });
  });
}

/** Whatever is on disk is whole: metric lines parse, model.json loads, run.json parses. Returns the metric records. */
function checkIntact(out: string): {
  records: Record<string, number>[];
  modelStep: number | null;
  run: Record<string, unknown> | null;
} {
  const jsonl = join(out, 'metrics.jsonl');
  const records: Record<string, number>[] = [];
  if (existsSync(jsonl)) {
    const text = readFileSync(jsonl, 'utf8');
    if (text.length > 0) expect(text.endsWith('\n'), 'metrics.jsonl ends with a whole line').toBe(true);
    for (const line of text.split('\n').filter((l) => l !== '')) records.push(JSON.parse(line));
    records.forEach((r, i) => {
      if (i > 0) expect(r.step).toBeGreaterThan(records[i - 1].step);
    });
  }
  let modelStep: number | null = null;
  if (existsSync(join(out, 'model.json'))) {
    const model = readModelFile(join(out, 'model.json'));
    modelStep = model.meta!.step as number;
    expect(Number.isSafeInteger(modelStep)).toBe(true);
  }
  const run = existsSync(join(out, 'run.json')) ? JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) : null;
  return { records, modelStep, run };
}

const withoutWall = (text: string) => text.replace(/"wallMs":[0-9.e+-]+/g, '');

describe('rnn-gd train killed at random moments', () => {
  let reference: { W: number[]; U: number[]; metrics: string };

  beforeAll(() => {
    writeData(dataPath, randomData(512, 16, 3, 'final', 21));
    writeData(testPath, randomData(64, 16, 3, 'final', 22));
    const out = join(dir, 'reference');
    const r = runCli(args(out), { timeoutMs: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const model = readModelFile(join(out, 'model.json'));
    reference = {
      W: Array.from(model.W),
      U: Array.from(model.U),
      metrics: readFileSync(join(out, 'metrics.jsonl'), 'utf8'),
    };
  }, 60_000);

  it('SIGINT: status aborted, exit 130, all files intact; --resume finishes exactly like the uninterrupted run', async () => {
    const out = join(dir, 'sigint');
    const e = await runAndKill(args(out), 'SIGINT', 150, () => existsSync(join(out, 'model.json')));
    expect(e.code, e.stderr).toBe(130);
    const summary = JSON.parse(e.stdout);
    expect(summary.status).toBe('aborted');
    expect(summary.message).toMatch(/training aborted at step \d+/);
    const { records, modelStep, run } = checkIntact(out);
    expect(run!.status).toBe('aborted');
    expect(modelStep).toBe(summary.steps);
    expect(summary.steps).toBeLessThan(STEPS);
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(records.length + 1);
    const resumed = runCli([...args(out), '--resume'], { timeoutMs: 60_000 });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).resumedFrom).toBe(summary.steps);
    const model = readModelFile(join(out, 'model.json'));
    expect(Array.from(model.W)).toEqual(reference.W);
    expect(Array.from(model.U)).toEqual(reference.U);
    expect(withoutWall(readFileSync(join(out, 'metrics.jsonl'), 'utf8'))).toBe(withoutWall(reference.metrics));
  }, 60_000);

  it('SIGTERM: status aborted, exit 143', async () => {
    const out = join(dir, 'sigterm');
    const e = await runAndKill(args(out), 'SIGTERM', 100, () => existsSync(join(out, 'model.json')));
    expect(e.code, e.stderr).toBe(143);
    expect(JSON.parse(e.stdout).status).toBe('aborted');
    expect(checkIntact(out).run!.status).toBe('aborted');
  }, 60_000);

  it('SIGKILL at random moments: files whole and loadable; --resume (or a restart) reaches the uninterrupted result', async () => {
    const rng = makeRng(2024, 'kill-times');
    let midRun = 0;
    for (let round = 0; round < 5; round++) {
      const out = join(dir, `sigkill-${round}`);
      const delay = 50 + Math.floor(rng.uniform() * 1800);
      // Rounds 0-2 wait until a checkpoint past step 0 can exist (metric lines written), so that
      // kills land mid-run however loaded the machine is; rounds 3-4 kill at any moment.
      const jsonl = join(out, 'metrics.jsonl');
      const pastStart = () => existsSync(jsonl) && (readFileSync(jsonl, 'utf8').match(/\n/g)?.length ?? 0) > 4;
      const e = await runAndKill(args(out), 'SIGKILL', delay, round < 3 ? pastStart : undefined);
      if (e.code === 0) continue; // finished before the kill
      expect(e.signal).toBe('SIGKILL');
      const { records, modelStep, run } = checkIntact(out);
      if (run) expect(['running', 'completed']).toContain(run.status);
      records.forEach((r, i) => expect(r.step).toBe(i * 5));
      const resumed = runCli([...args(out), '--resume'], { timeoutMs: 60_000 });
      if (modelStep === null || run === null) {
        // killed before the first checkpoint: nothing to resume, said clearly; a fresh run works
        expect(resumed.status).toBe(2);
        expect(resumed.stderr).toMatch(/option --resume: .*(not found|no checkpoint)/);
        continue;
      }
      expect(resumed.status, resumed.stderr).toBe(0);
      if (modelStep > 0) midRun++;
      const model = readModelFile(join(out, 'model.json'));
      expect(Array.from(model.W)).toEqual(reference.W);
      expect(Array.from(model.U)).toEqual(reference.U);
      expect(withoutWall(readFileSync(join(out, 'metrics.jsonl'), 'utf8'))).toBe(withoutWall(reference.metrics));
    }
    expect(midRun, 'kills that landed mid-run, after a checkpoint').toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('--resume refuses a different configuration, naming the field; only --steps may change', () => {
    const out = join(dir, 'sigint');
    const r = runCli([...args(out).map((a) => (a === '0.3' ? '0.5' : a)), '--resume']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/option --resume: 'train\.eta' differs from the run/);
    const more = runCli(['train', '--out', out, '--resume', '--steps', String(STEPS + 10), '--quiet'], {
      timeoutMs: 60_000,
    });
    expect(more.status, more.stderr).toBe(0);
    expect(JSON.parse(more.stdout).steps).toBe(STEPS + 10);
    expect(runCli(['train', '--out', join(dir, 'nothing-here'), '--resume']).stderr).toMatch(/no run to resume/);
  }, 60_000);
});
