/**
 * Output-directory locks (Node only): one writer per directory. A second live process is refused
 * with a BusyError naming it; a lock left by a killed process on this host is taken over.
 *
 * The lock appears whole or not at all: its contents are written and synced in a temporary file,
 * which is then hard-linked to `.rnn-gd.lock` (link fails if the name exists: the exclusive
 * create). A full disk therefore leaves no empty lock behind. Anything at the lock's name that is
 * not a regular file (a FIFO, a directory, a symlink) is refused without opening it.
 */
import { closeSync, constants, fsyncSync, linkSync, lstatSync, openSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { BusyError, errnoCode, fileSystemError, ValidationError } from '../core/errors.js';
import { ensureDir, readFileBounded, writeAll } from './fs.js';

const LOCK_FILE = '.rnn-gd.lock';
/** An unreadable lock younger than this may be one being written without hard links (below). */
const DAMAGED_GRACE_MS = 2_000;

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

type Found = { kind: 'missing' } | { kind: 'lock'; info: Partial<LockInfo> | null; ageMs: number };

/** What is at the lock's name, judged by lstat first: only a regular file is ever opened. */
function readLock(path: string, dir: string): Found {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return { kind: 'missing' };
  if (!st.isFile()) {
    const what = st.isFIFO()
      ? 'a FIFO'
      : st.isDirectory()
        ? 'a directory'
        : st.isSymbolicLink()
          ? 'a symlink'
          : 'not a regular file';
    throw new ValidationError(
      `${dir}: the lock file ${path} is ${what}, not a lock rnn-gd wrote; remove it if no rnn-gd process uses ${dir}`,
    );
  }
  let info: Partial<LockInfo> | null = null;
  try {
    const parsed = JSON.parse(readFileBounded(path, 'lock file', 64 * 1024).toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object') info = parsed as Partial<LockInfo>;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { kind: 'missing' };
    /* empty or damaged: no owner can be established */
  }
  return { kind: 'lock', info, ageMs: Date.now() - st.mtimeMs };
}

/** Creates the lock with `text` as a whole: a synced temporary file hard-linked to `path`. False: the name exists. */
function createLock(path: string, text: string): boolean {
  const tmp = `${path}.${hostname()}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    writeAll(fd, Buffer.from(text));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    try {
      linkSync(tmp, path);
      return true;
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') return false;
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(errnoCode(err) ?? '')) throw err;
      return createLockWithoutLinks(path, text);
    }
  } catch (err) {
    throw fileSystemError(err, 'write the lock', path);
  } finally {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
  }
}

/** File systems without hard links: an exclusive create, removed again if its write fails. */
function createLockWithoutLinks(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    writeAll(fd, Buffer.from(text));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(path); // no empty lock left behind
    throw err;
  }
  closeSync(fd);
  return true;
}

/**
 * Takes the write lock of an output directory (creating it): the file `.rnn-gd.lock` with this
 * process's pid and host. A lock held by a live process is refused (BusyError, naming the holder);
 * one left by a dead process on this host (a kill -9) is taken over, and so is an empty or
 * unreadable one, whose owner cannot be established (said on stderr). The lock is released by
 * release() or when the process exits.
 */
export function lockDirectory(dir: string, command: string): DirectoryLock {
  const key = resolve(dir);
  const existing = held.get(key);
  if (existing) return existing;
  ensureDir(dir);
  const path = join(dir, LOCK_FILE);
  const me: LockInfo = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!createLock(path, JSON.stringify(me) + '\n')) {
      const found = readLock(path, dir);
      if (found.kind === 'missing') continue; // released meanwhile
      const other = found.info ?? {};
      const sameHost = other.host === me.host;
      if (typeof other.pid === 'number' && sameHost && !isAlive(other.pid)) {
        unlinkSync(path); // left by a killed process
        continue;
      }
      if (typeof other.pid !== 'number' && found.ageMs > DAMAGED_GRACE_MS) {
        process.stderr.write(
          `rnn-gd: ${path} is empty or damaged (no owner recorded, e.g. a full disk): treated as stale and replaced\n`,
        );
        unlinkSync(path);
        continue;
      }
      throw new BusyError(
        `${dir} is in use by another rnn-gd process (${other.command ?? 'unknown command'}, pid ${other.pid ?? '?'} on ${other.host ?? '?'}, since ${other.startedAt ?? '?'}): ` +
          `wait for it to finish or use another output directory` +
          (sameHost ? '' : `; if no such process runs any more, delete ${path}`),
      );
    }
    const release = () => {
      if (!held.delete(key)) return;
      process.off('exit', release);
      try {
        const now = readLock(path, dir);
        if (now.kind === 'lock' && now.info?.pid === me.pid && now.info?.host === me.host) unlinkSync(path);
      } catch {
        /* already gone, or replaced by something that is not ours */
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
