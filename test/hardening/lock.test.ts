/**
 * Directory locks against what is found at `.rnn-gd.lock` (issue 22, item 6): a FIFO, a directory
 * or a symlink there is refused at once (never opened, so no hang); an empty or damaged lock, whose
 * owner cannot be established, is taken over once it is not being written (said on stderr); and a
 * disk that is full while the lock is taken leaves no lock behind, with an error naming its path.
 */
import { tempDir } from '../support/fs.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BusyError, FileSystemError, ValidationError } from '../../ts/core/errors.js';
import { lockDirectory } from '../../ts/io/lock.js';
import { cliBuilt, expectCliError, runCli } from '../support/cli.js';

const LOCK = '.rnn-gd.lock';
const root = tempDir('lock');
const fresh = (name: string) => {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
};
const mounts: string[] = [];
afterAll(() => {
  for (const at of mounts) spawnSync('umount', [at]);
});

describe('what is at the lock path', () => {
  it('a FIFO is refused at once with a clear error, in the library and in `experiment run --resume`', () => {
    const d = fresh('fifo');
    expect(spawnSync('mkfifo', [join(d, LOCK)]).status).toBe(0);
    const t0 = Date.now();
    expect(() => lockDirectory(d, 'test')).toThrow(ValidationError);
    expect(() => lockDirectory(d, 'test')).toThrow(/lock file .*\.rnn-gd\.lock is a FIFO/);
    if (cliBuilt) {
      const r = runCli(['experiment', 'run', 'E4', '--size', 'quick', '--seeds', '1', '--out', d, '--resume']);
      expectCliError(r, /is a FIFO, not a lock rnn-gd wrote/);
    }
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('a directory or a symlink at the lock path is refused, and left as it is', () => {
    const d1 = fresh('dir');
    mkdirSync(join(d1, LOCK));
    expect(() => lockDirectory(d1, 'test')).toThrow(/is a directory/);
    const d2 = fresh('link');
    writeFileSync(join(root, 'elsewhere'), 'x');
    symlinkSync(join(root, 'elsewhere'), join(d2, LOCK));
    expect(() => lockDirectory(d2, 'test')).toThrow(/is a symlink/);
    expect(existsSync(join(d1, LOCK))).toBe(true);
  });

  it('an empty or damaged lock (no owner recorded) is taken over once it is not being written, and says so', () => {
    for (const [name, text] of [
      ['empty', ''],
      ['half', '{"pid": 12'],
      ['null', 'null'],
    ] as const) {
      const d = fresh(name);
      writeFileSync(join(d, LOCK), text);
      // just written: it may be a lock being written (file systems without hard links)
      expect(() => lockDirectory(d, 'test')).toThrow(BusyError);
      const old = (Date.now() - 60_000) / 1000;
      utimesSync(join(d, LOCK), old, old);
      const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        lockDirectory(d, 'test').release();
        expect(String(said.mock.calls[0]?.[0])).toMatch(/is empty or damaged .*treated as stale/);
      } finally {
        said.mockRestore();
      }
      expect(existsSync(join(d, LOCK))).toBe(false);
    }
  });
});

describe('a full disk', () => {
  it('leaves no lock (nor a temporary file) behind; the error names the lock path; a later run takes the lock', () => {
    const at = tempDir('lock-mnt');
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', at]).status !== 0)
      return console.warn('lock.test: mount not permitted here; disk-full case not run');
    mounts.push(at);
    const d = join(at, 'sweep');
    mkdirSync(d);
    writeFileSync(join(d, 'sweep.json'), '{}');
    const filler = join(at, 'filler');
    let chunk = Buffer.alloc(4096, 1);
    try {
      for (;;) writeFileSync(filler, chunk, { flag: 'a' });
    } catch {
      /* full */
    }
    expect(() => lockDirectory(d, 'test')).toThrow(FileSystemError);
    expect(() => lockDirectory(d, 'test')).toThrow(
      /cannot write the lock .*sweep\/\.rnn-gd\.lock: no space left on the device \(ENOSPC\)/,
    );
    expect(readdirSync(d)).toEqual(['sweep.json']);
    if (cliBuilt) {
      const r = runCli(['report', d]);
      expectCliError(r, /sweep\/\.rnn-gd\.lock: no space left/);
      expect(r.stderr).not.toMatch(/unknown path/);
    }
    rmSync(filler);
    chunk = Buffer.alloc(0);
    const lock = lockDirectory(d, 'test');
    expect(existsSync(join(d, LOCK))).toBe(true);
    lock.release();
    expect(readdirSync(d)).toEqual(['sweep.json']);
  });
});
