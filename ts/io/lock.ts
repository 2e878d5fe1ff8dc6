/**
 * Output-directory locks (Node only): one writer per directory. A second live process is refused
 * with a BusyError naming it; a lock left by a killed process on this host is taken over.
 */
import { closeSync, constants, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { BusyError, errnoCode, fileSystemError } from '../errors.js';
import { ensureDir, writeAll } from './fs.js';

const LOCK_FILE = '.rnn-gd.lock';

interface LockInfo {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
};

export interface DirectoryLock {
  readonly dir: string;
  release(): void;
}

const held = new Map<string, DirectoryLock>();

/**
 * Takes the write lock of an output directory (creating it): the file `.rnn-gd.lock` with this
 * process's pid and host, created exclusively. A lock held by a live process is refused (BusyError,
 * naming the holder); one left by a dead process on this host (a kill -9) is taken over. The lock is
 * released by release() or when the process exits.
 */
export function lockDirectory(dir: string, command: string): DirectoryLock {
  const key = resolve(dir);
  const existing = held.get(key);
  if (existing) return existing;
  ensureDir(dir);
  const path = join(dir, LOCK_FILE);
  const me: LockInfo = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw fileSystemError(err, 'lock', dir);
      let other: Partial<LockInfo> = {};
      try {
        other = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        /* being written right now, or damaged: judged by its age below */
      }
      const sameHost = other.host === me.host;
      if (typeof other.pid === 'number' && sameHost && !isAlive(other.pid)) {
        unlinkSync(path); // left by a killed process
        continue;
      }
      if (typeof other.pid !== 'number') {
        const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age > 10_000) {
          unlinkSync(path);
          continue;
        }
      }
      throw new BusyError(
        `${dir} is in use by another rnn-gd process (${other.command ?? 'unknown command'}, pid ${other.pid ?? '?'} on ${other.host ?? '?'}, since ${other.startedAt ?? '?'}): ` +
          `wait for it to finish or use another output directory` +
          (sameHost ? '' : `; if no such process runs any more, delete ${path}`),
      );
    }
    try {
      writeAll(fd, Buffer.from(JSON.stringify(me) + '\n'));
    } finally {
      closeSync(fd);
    }
    const release = () => {
      if (!held.delete(key)) return;
      process.off('exit', release);
      try {
        const now = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
        if (now.pid === me.pid && now.host === me.host) unlinkSync(path);
      } catch {
        /* already gone */
      }
    };
    process.on('exit', release);
    const lock = { dir, release };
    held.set(key, lock);
    return lock;
  }
  throw new BusyError(
    `${dir}: cannot take the lock ${path} (it keeps reappearing); is another rnn-gd process starting?`,
  );
}
