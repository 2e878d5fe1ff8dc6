/**
 * What a sweep shows where nobody watches a terminal: shard reports say they are partial, the
 * index of `rnn-gd report` links to the directories as they are named, and progress off a
 * terminal is a plain line per few percent or per minute with the ETA.
 */
import { tempDir } from '../support/fs.js';
import { CLI } from '../support/paths.js';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROGRESS_EVERY_MS, formatDuration, progressReporter } from '../../dist/cli/options.js';
import { BACKEND } from './helpers.js';

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const sweep = ['experiment', 'run', 'E4', '--size', 'quick', '--seeds', '1', '--workers', '1', '--backend', BACKEND];

describe('shard reports and the report index', () => {
  it('a shard report carries a partial banner; the merged one does not; the index links to the real directories', () => {
    const dir = tempDir('report-index');
    const s1 = run([...sweep, '--shard', '1/2', '--out', join(dir, 'part one')]);
    expect(s1.status, s1.stderr).toBe(0);
    const s2 = run([...sweep, '--shard', '2/2', '--out', join(dir, 'part-2'), '--no-report']);
    expect(s2.status, s2.stderr).toBe(0);
    const shardReport = readFileSync(join(dir, 'part one/report.md'), 'utf8');
    expect(shardReport.split('\n').slice(0, 4).join('\n')).toMatch(/> \*\*Partial: shard 1\/2\.\*\*/);
    expect(JSON.parse(readFileSync(join(dir, 'part one/report.json'), 'utf8')).partial).toBe('shard 1/2');

    const m = run(['merge', join(dir, 'lazy-merged'), join(dir, 'part one'), join(dir, 'part-2')]);
    expect(m.status, m.stderr).toBe(0);
    const merged = readFileSync(join(dir, 'lazy-merged/report.md'), 'utf8');
    expect(merged).not.toMatch(/Partial: shard/);
    expect(JSON.parse(readFileSync(join(dir, 'lazy-merged/report.json'), 'utf8')).partial).toBeNull();

    // none of the directories is named after its experiment id
    const r = run(['report', dir, '--no-svg']);
    expect(r.status, r.stderr).toBe(0);
    const index = readFileSync(join(dir, 'README.md'), 'utf8');
    const links = [...index.matchAll(/\]\(([^)]+)\)/g)].map((x) => decodeURIComponent(x[1]));
    expect(links.sort()).toEqual(['lazy-merged/report.md', 'part one/report.md', 'part-2/report.md']);
    for (const l of links) expect(existsSync(join(dir, l))).toBe(true);
    // the shard written with --no-report got its report (with the banner) from `rnn-gd report`
    expect(readFileSync(join(dir, 'part-2/report.md'), 'utf8')).toMatch(/Partial: shard 2\/2/);
  });
});

describe('progress off a terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('prints one line per 5% or per minute, each with the ETA', () => {
    vi.useFakeTimers();
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const p = progressReporter('E1 full shard 2/8');
      p.start(200);
      expect(lines).toEqual(['E1 full shard 2/8: 200 points to run\n']);
      // 1 of 200 done is 0.5%: no line; 10 of 200 is 5%: a line
      for (let done = 1; done <= 10; done++)
        p.update({ done, total: 200, failed: 0, running: 2, elapsedMs: done * 1000, etaMs: 3_600_000, finished: true });
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe('E1 full shard 2/8: 10/200 points (5%), 0 failed | 2 running, elapsed 10s, ETA 1h00m\n');
      // no point finishes for a minute: the timer prints where the run is, ETA counted down
      vi.advanceTimersByTime(PROGRESS_EVERY_MS + PROGRESS_EVERY_MS / 4);
      expect(lines).toHaveLength(3);
      expect(lines[2]).toMatch(/10\/200 points \(5%\).*elapsed 1m1\ds, ETA 59m/);
      // the end always gets its line
      p.update({ done: 200, total: 200, failed: 0, running: 0, elapsedMs: 4_000_000, etaMs: 0, finished: true });
      expect(lines[lines.length - 1]).toMatch(/200\/200 points \(100%\).*ETA 0s\n$/);
      p.stop();
      const n = lines.length;
      vi.advanceTimersByTime(10 * PROGRESS_EVERY_MS);
      expect(lines).toHaveLength(n);
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
  });

  it('a sweep run with stderr in a file logs its progress lines', () => {
    const out = tempDir('progress');
    const r = run([...sweep, '--out', out, '--no-report']);
    expect(r.status, r.stderr).toBe(0);
    const progress = r.stderr.split('\n').filter((l) => /^E4 quick: \d+\/6 points/.test(l));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[progress.length - 1]).toMatch(/6\/6 points \(100%\).*ETA 0s$/);
    expect(formatDuration(7_500_000)).toBe('2h05m');
  });
});
