/**
 * The CLI as users run it: a sweep killed with SIGKILL mid-way and resumed gives exactly the
 * points of an uninterrupted run (no point lost, none run twice); merge and report commands.
 */
import { tempDir } from '../support/fs.js';
import { CLI } from '../support/paths.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND, readLines, stable } from '../experiments/helpers.js';

const sweepArgs = [
  'experiment',
  'run',
  'E1',
  '--size',
  'quick',
  '--seeds',
  '1',
  '--limit',
  '40',
  '--workers',
  '2',
  '--backend',
  BACKEND,
  '--quiet',
  '--no-report',
];

const lineCount = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length
    : 0;

describe('rnn-gd experiment run (CLI)', () => {
  it('resumes after SIGKILL to exactly the uninterrupted result', async () => {
    const killed = tempDir('killed');
    const child = spawn(process.execPath, [CLI, ...sweepArgs, '--out', killed], { stdio: 'ignore' });
    const file = join(killed, 'points.jsonl');
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal ? 1 : _code)),
    );
    let done = false;
    void exited.then(() => {
      done = true;
    });
    const t0 = Date.now();
    while (!done && lineCount(file) < 6 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false); // still running: the kill lands mid-sweep
    child.kill('SIGKILL');
    await exited;
    const before = lineCount(file);
    expect(before).toBeGreaterThanOrEqual(6);
    expect(before).toBeLessThan(40);

    const resumed = spawnSync(process.execPath, [CLI, ...sweepArgs, '--out', killed, '--resume'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.skipped).toBeGreaterThanOrEqual(before - 1); // a line cut by the kill is dropped and re-run
    expect(summary.skipped + summary.done).toBe(40);

    const clean = tempDir('clean');
    const full = spawnSync(process.execPath, [CLI, ...sweepArgs, '--out', clean], { encoding: 'utf8' });
    expect(full.status, full.stderr).toBe(0);
    const a = readLines(join(killed, 'points.jsonl'));
    const b = readLines(join(clean, 'points.jsonl'));
    expect(a.length).toBe(40);
    expect(new Set(a.map((l) => l.id)).size).toBe(40);
    expect(stable(a)).toEqual(stable(b));

    // report command on the resumed directory
    const rep = spawnSync(process.execPath, [CLI, 'report', killed, '--json'], { encoding: 'utf8' });
    expect(rep.status, rep.stderr).toBe(0);
    expect(JSON.parse(rep.stdout)[0].experiment).toBe('E1');
    expect(readFileSync(join(killed, 'E1-mstar.svg'), 'utf8').startsWith('<svg')).toBe(true);
    expect(statSync(join(killed, 'report.md')).size).toBeGreaterThan(500);
  });

  it('stops cleanly on Ctrl-C (SIGINT): exit code 130, finished points kept, a resume command printed', async () => {
    const out = tempDir('sigint');
    const child = spawn(process.execPath, [CLI, ...sweepArgs, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (b) => {
      stdout += b;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const file = join(out, 'points.jsonl');
    const t0 = Date.now();
    while (lineCount(file) < 4 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const summary = JSON.parse(stdout);
    expect(summary.status).toBe('aborted');
    expect(summary.resume).toMatch(/--resume/);
    expect(lineCount(file)).toBe(summary.done);
    expect(summary.done + summary.remaining).toBe(40);
  });

  it('refuses to overwrite without --resume/--force and names the problem', () => {
    const out = tempDir('refuse');
    const args = [
      'experiment',
      'run',
      'E5',
      '--size',
      'quick',
      '--seeds',
      '1',
      '--limit',
      '1',
      '--workers',
      '0',
      '--backend',
      BACKEND,
      '--quiet',
      '--no-report',
      '--out',
      out,
    ];
    expect(spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' }).status).toBe(0);
    const again = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/--resume/);
    const badShard = spawnSync(process.execPath, [CLI, ...args, '--force', '--shard', '3/2'], { encoding: 'utf8' });
    expect(badShard.status).not.toBe(0);
    expect(badShard.stderr).toMatch(/--shard/);
  });

  it('lists the experiments', () => {
    const r = spawnSync(process.execPath, [CLI, 'experiment', 'list', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((e: { id: string }) => e.id)).toEqual([
      'E1',
      'E2',
      'E3',
      'E4',
      'E5',
      'E6',
      'E7',
      'E8',
      'E9',
      'E10',
      'E11',
      'E1-random',
      'E1-dense',
      'E2-dense',
      'E4-dense',
    ]);
  });
});
