/**
 * The file-system layer of every command (Node only). One policy for each concern:
 *
 * - Output targets (writeFileAtomic): a regular file (or a new name) is replaced atomically: a
 *   temp file beside it, fsync, rename, fsync of the directory, so a crash or power loss leaves the
 *   old file or the new one, never a mix and never nothing. A symlink is followed to its target and
 *   the target is replaced (the link stays). A character device (/dev/null, a terminal) or a FIFO
 *   with a reader is written through; a FIFO without a reader, a socket, a block device or a
 *   directory is refused. Nothing that is not a regular file is ever replaced.
 * - Appends (appendLine): one line in one write, fsynced; a failed write (disk full) is cut back,
 *   so the file never ends in a torn line.
 * - Reads (readFileBounded): only regular files, opened without blocking (a FIFO cannot hang a
 *   command), with a size cap checked before anything is read (a device or a huge file cannot
 *   exhaust memory).
 * - Directories (ensureDir): created one level at a time, so no path can loop (Node's recursive
 *   mkdir spins forever under /proc).
 * - Output directories: one writer at a time (./lock.ts).
 * - Inputs: no write replaces a file the command reads (./inputs.ts).
 *
 * Every failure is a UserError (./errors.ts) that names the path.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { errnoCode, fileSystemError, ValidationError } from '../core/errors.js';
import { refuseInputAsOutput } from './inputs.js';

const MiB = 2 ** 20;

/** Directories: created with their missing parents one level at a time. Errors name the directory. */
export function ensureDir(dir: string): void {
  let st: Stats | null;
  try {
    st = statSync(dir);
  } catch {
    st = null;
  }
  if (st) {
    if (!st.isDirectory()) throw new ValidationError(`cannot create directory ${dir}: a file of that name exists`);
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    mkdirSync(dir);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST' && statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return;
    throw fileSystemError(err, 'create directory', dir);
  }
}

/** What a path names, after following symlinks (`path` is the final target). */
interface OutputTarget {
  path: string;
  kind: 'missing' | 'file' | 'directory' | 'char-device' | 'fifo' | 'other';
  mode?: number;
}

/** Follows symlinks (up to 40, as the kernel does), keeping a dangling link's target name. */
function resolveOutputTarget(path: string): OutputTarget {
  let current = path;
  for (let hops = 0; hops <= 40; hops++) {
    let st: Stats;
    try {
      st = lstatSync(current);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return { path: current, kind: 'missing' };
      throw fileSystemError(err, 'write', path);
    }
    if (st.isSymbolicLink()) {
      const link = readlinkSync(current);
      current = isAbsolute(link) ? link : resolve(dirname(current), link);
      continue;
    }
    const kind = st.isFile()
      ? 'file'
      : st.isDirectory()
        ? 'directory'
        : st.isCharacterDevice()
          ? 'char-device'
          : st.isFIFO()
            ? 'fifo'
            : 'other';
    return { path: current, kind, mode: st.mode & 0o7777 };
  }
  throw fileSystemError(Object.assign(new Error('ELOOP'), { code: 'ELOOP' }), 'write', path);
}

/** fsync of a directory, so a rename or a new file in it survives a power loss. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch (err) {
    // Some file systems cannot fsync a directory (EINVAL); the data itself was synced.
    if (errnoCode(err) !== 'EINVAL') throw fileSystemError(err, 'sync directory', dir);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** fsync of a regular file's data (e.g. lines appended without fsync, before a checkpoint that counts on them). */
export function syncFile(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY);
    fsyncSync(fd);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw fileSystemError(err, 'sync', path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes all of `bytes` at fd's position (waiting out a slow FIFO reader, at most 60 s idle). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  let idle = 0;
  while (offset < bytes.length) {
    let n: number;
    try {
      n = writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      // A FIFO opened without blocking: its reader is slow; wait a little (bounded: 60 s idle).
      if (errnoCode(err) !== 'EAGAIN' || ++idle > 60_000) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      continue;
    }
    idle = 0;
    offset += n;
  }
}

const toBytes = (contents: Uint8Array | string): Uint8Array =>
  typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;

/** Writes through to a character device or a FIFO that has a reader. */
function writeThrough(target: OutputTarget, bytes: Uint8Array, shown: string): void {
  let fd: number;
  try {
    fd = openSync(target.path, constants.O_WRONLY | (target.kind === 'fifo' ? constants.O_NONBLOCK : 0));
  } catch (err) {
    if (errnoCode(err) === 'ENXIO')
      throw new ValidationError(`cannot write ${shown}: it is a FIFO and nothing is reading it`);
    throw fileSystemError(err, 'write', shown);
  }
  try {
    writeAll(fd, bytes);
  } catch (err) {
    throw fileSystemError(err, 'write', shown);
  } finally {
    closeSync(fd);
  }
}

export interface WriteOptions {
  /** fsync the file and its directory before returning (default true). */
  durable?: boolean;
}

/**
 * Writes `contents` to `path` by the output-target policy above (atomic replace of regular files,
 * through symlinks; write-through to devices and FIFOs). Creates missing parent directories.
 */
export function writeFileAtomic(path: string, contents: Uint8Array | string, opts: WriteOptions = {}): void {
  const durable = opts.durable ?? true;
  refuseInputAsOutput(path);
  ensureDir(dirname(path));
  const target = resolveOutputTarget(path);
  const bytes = toBytes(contents);
  const shown = target.path === path ? path : `${path} (-> ${target.path})`;
  if (target.kind === 'directory') throw new ValidationError(`cannot write ${shown}: it is a directory`);
  if (target.kind === 'other')
    throw new ValidationError(`cannot write ${shown}: not a regular file (a socket or block device); give a file path`);
  if (target.kind === 'char-device' || target.kind === 'fifo') return writeThrough(target, bytes, shown);
  const dir = dirname(target.path);
  ensureDir(dir);
  const tmp = `${target.path}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_EXCL,
      target.mode ?? 0o666,
    );
    writeAll(fd, bytes);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target.path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw fileSystemError(err, 'write', shown);
  }
  if (durable) syncDirectory(dir);
}

/**
 * Appends whole lines (text ending in '\n') to a regular file in one write, fsynced by default.
 * On a failed or short write (disk full) the file is cut back to its old length, so it never ends
 * in a torn line, and the error names the file.
 */
export function appendLines(path: string, text: string, opts: WriteOptions = {}): void {
  if (!text.endsWith('\n')) throw new Error(`appendLines: text must end with a newline (${path})`);
  const bytes = Buffer.from(text, 'utf8');
  refuseInputAsOutput(path);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o666);
  } catch (err) {
    throw fileSystemError(err, 'append to', path);
  }
  let before = -1;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ValidationError(`cannot append to ${path}: not a regular file`);
    before = st.size;
    writeAll(fd, bytes);
    if (opts.durable ?? true) fsyncSync(fd);
  } catch (err) {
    if (before >= 0) {
      try {
        ftruncateSync(fd, before);
      } catch {
        /* the error below says what happened; a reader drops a torn last line */
      }
    }
    throw fileSystemError(err, 'append to', path);
  } finally {
    closeSync(fd);
  }
}

const kindOf = (st: Stats): string =>
  st.isDirectory()
    ? 'a directory'
    : st.isFIFO()
      ? 'a FIFO (named pipe)'
      : st.isCharacterDevice()
        ? 'a character device'
        : st.isBlockDevice()
          ? 'a block device'
          : st.isSocket()
            ? 'a socket'
            : 'not a regular file';

/**
 * Reads a regular file of at most `maxBytes`. FIFOs, devices, sockets and directories are refused
 * without blocking; the size is checked before reading. `what` names the file in errors ('model file'),
 * `limit` completes "more than the N MiB ..." ('read as JSON; store large data as .npy').
 */
export function readFileBounded(path: string, what: string, maxBytes: number, limit = 'that are read'): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw fileSystemError(err, 'read', path, what);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ValidationError(`${what} ${path}: ${kindOf(st)}, not a regular file; give a file path`);
    if (st.size > maxBytes) {
      throw new ValidationError(
        `${what} ${path}: the file has ${(st.size / MiB).toFixed(0)} MiB, more than the ${(maxBytes / MiB).toFixed(0)} MiB ${limit}`,
      );
    }
    // Read what stat said, and stop at the cap even if the file grows meanwhile.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got === buf.length) {
        if (got > maxBytes)
          throw new ValidationError(
            `${what} ${path}: the file grew past ${(maxBytes / MiB).toFixed(0)} MiB while being read`,
          );
        break;
      }
    }
    return buf.subarray(0, got);
  } catch (err) {
    throw fileSystemError(err, 'read', path, what);
  } finally {
    closeSync(fd);
  }
}

/** True when `path` exists (any kind of file), without following a dangling symlink into an error. */
export const pathExists = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

/** Reads a whole regular file as UTF-8 text (bounded, see readFileBounded). */
export function readTextFile(path: string, what: string, maxBytes: number, limit?: string): string {
  return readFileBounded(path, what, maxBytes, limit).toString('utf8');
}
