/**
 * The file-system layer against what a hostile user or a failing machine gives it, built in a
 * temporary directory (never the machine's real /dev): device nodes (mknod, as root), FIFOs with and
 * without a reader, symlinks, a read-only file system and a full disk (small tmpfs mounts; skipped
 * with a note when `mount` is not permitted), a directory lock held by another live process; and
 * the CLI's exit code for every error family.
 */
import { tempDir } from '../support/fs.js';
import { ROOT } from '../support/paths.js';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, EXIT_INTERNAL, EXIT_USER } from '../../ts/cli/run.js';
import {
  BusyError,
  CheckpointError,
  FileSystemError,
  InterruptedError,
  UsageError,
  UserError,
  ValidationError,
} from '../../ts/core/errors.js';
import { appendLines, readFileBounded, writeFileAtomic } from '../../ts/io/fs.js';
import { lockDirectory } from '../../ts/io/lock.js';
import { BoundsInputError, CapacityError } from '../../ts/core/errors.js';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import { initialize } from '../../ts/train/init.js';
import { randomData } from '../helpers.js';
import { cliBuilt, expectCliError, runCli } from '../support/cli.js';

const isRoot = process.getuid?.() === 0;
const dir = tempDir('fs');
const P = (name: string) => join(dir, name);

/** Mounts a tmpfs of `size` (options `opts`) at a fresh directory, or returns null when not permitted. */
const mounts: string[] = [];
function tmpfs(size: string, opts = ''): string | null {
  const at = tempDir('mnt');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${opts ? `,${opts}` : ''}`, 'tmpfs', at]);
  if (r.status !== 0) return null;
  mounts.push(at);
  return at;
}
afterAll(() => {
  for (const at of mounts) spawnSync('umount', [at]);
});

describe('output targets', () => {
  it.skipIf(!isRoot)('a character device node is written through and stays a device', () => {
    const dev = P('null-dev');
    execFileSync('mknod', [dev, 'c', '1', '3']); // the kernel's null device, under a temporary name
    writeFileAtomic(dev, 'written through\n');
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(existsSync(`${dev}.tempDir-${process.pid}`)).toBe(false);
  });

  it('a FIFO without a reader is refused at once (no hang) and stays a FIFO', () => {
    const fifo = P('fifo-no-reader');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(() => writeFileAtomic(fifo, 'x')).toThrow(/FIFO and nothing is reading it/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a FIFO with a reader is written through', async () => {
    const fifo = P('fifo-reader');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (b) => (got += b));
    const closed = new Promise((r) => reader.on('close', r));
    // Wait until cat has opened the FIFO (a writer then finds a reader).
    for (let i = 0; i < 100; i++) {
      try {
        writeFileAtomic(fifo, 'through the pipe\n');
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await closed;
    expect(got).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a symlink is followed: the target is replaced, the link stays', () => {
    writeFileSync(P('target.json'), 'old');
    symlinkSync('target.json', P('link.json'));
    writeFileAtomic(P('link.json'), 'new');
    expect(readFileSync(P('target.json'), 'utf8')).toBe('new');
    expect(lstatSync(P('link.json')).isSymbolicLink()).toBe(true);
    // A dangling link creates its target.
    symlinkSync('made-by-link.json', P('dangling.json'));
    writeFileAtomic(P('dangling.json'), 'fresh');
    expect(readFileSync(P('made-by-link.json'), 'utf8')).toBe('fresh');
    expect(readlinkSync(P('dangling.json'))).toBe('made-by-link.json');
  });

  it('a directory, a socket-like target, and a symlink loop are refused with the path named', () => {
    mkdirSync(P('a-dir'));
    expect(() => writeFileAtomic(P('a-dir'), 'x')).toThrow(/a-dir: it is a directory/);
    symlinkSync('loop-b', P('loop-a'));
    symlinkSync('loop-a', P('loop-b'));
    expect(() => writeFileAtomic(P('loop-a'), 'x')).toThrow(/loop-a.*too many levels of symbolic links/);
  });

  it.skipIf(!isRoot)('rnn-gd step --out a device node writes through it (the node survives)', () => {
    const dev = P('cli-null');
    execFileSync('mknod', [dev, 'c', '1', '3']);
    saveModel(P('m.json'), initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 1 }));
    writeData(P('d.json'), randomData(3, 4, 2, 'final'));
    const r = runCli(['step', '--model', P('m.json'), '--data', P('d.json'), '--lr', '0.1', '--out', dev]);
    expect(r.status, r.stderr).toBe(0);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
  });
});

describe('readers', () => {
  it('a FIFO (no writer) and a character device are refused without blocking or reading', () => {
    const fifo = P('read-fifo');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(() => readFileBounded(fifo, 'model file', 2 ** 20)).toThrow(/model file .*read-fifo: a FIFO/);
    expect(Date.now() - t0).toBeLessThan(2000);
    if (isRoot) {
      const zero = P('zero-dev');
      execFileSync('mknod', [zero, 'c', '1', '5']); // an endless source of zeros
      expect(() => readFileBounded(zero, 'data file', 2 ** 20)).toThrow(/data file .*zero-dev: a character device/);
    }
  });

  it('the CLI refuses a FIFO as --model and as X.npy, exit 2, promptly', () => {
    const fifo = P('cli-fifo.json');
    execFileSync('mkfifo', [fifo]);
    const npyDir = P('npy-fifo');
    mkdirSync(npyDir);
    execFileSync('mkfifo', [join(npyDir, 'X.npy')]);
    writeFileSync(join(npyDir, 'Y.npy'), '');
    for (const args of [
      ['eval', '--model', fifo, '--data', fifo],
      ['eval', '--model', fifo, '--data', npyDir],
    ]) {
      const r = runCli(args, { timeoutMs: 15_000 });
      expectCliError(r, /FIFO/);
      expect(r.status).toBe(2);
    }
  });
});

describe('a read-only file system and a full disk', () => {
  it('read-only: the error names the path and says read-only (not ENOENT); exit 2 in the CLI', () => {
    const ro = tmpfs('64k', 'ro');
    if (!ro) return console.warn('fs.test: mount not permitted here; read-only case not run');
    expect(() => writeFileAtomic(join(ro, 'model.json'), '{}')).toThrow(FileSystemError);
    expect(() => writeFileAtomic(join(ro, 'model.json'), '{}')).toThrow(/model\.json.*read-only \(EROFS\)/);
    if (cliBuilt) {
      const r = runCli(['data', 'generate', '--system', 'delay', '--n', '4', '--T', '5', '--out', join(ro, 'd')]);
      expectCliError(r, /read-only/);
      expect(r.status).toBe(2);
    }
  });

  it('disk full: an atomic write keeps the old file; an append is cut back to whole lines', () => {
    const full = tmpfs('64k');
    if (!full) return console.warn('fs.test: mount not permitted here; disk-full case not run');
    const target = join(full, 'model.json');
    writeFileAtomic(target, 'old contents');
    const big = 'x'.repeat(200 * 1024);
    expect(() => writeFileAtomic(target, big)).toThrow(/model\.json.*no space left on the device \(ENOSPC\)/);
    expect(readFileSync(target, 'utf8')).toBe('old contents');
    expect(existsSync(`${target}.tempDir-${process.pid}`)).toBe(false);
    const lines = join(full, 'points.jsonl');
    appendLines(lines, '{"a":1}\n');
    expect(() => appendLines(lines, `{"b":"${big}"}\n`)).toThrow(/points\.jsonl.*ENOSPC/);
    expect(readFileSync(lines, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(lines).size).toBe(8);
  });
});

describe('directory locks', () => {
  it('a lock held by another live process is refused (BusyError naming it); a dead holder is taken over', async () => {
    const out = P('locked');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { lockDirectory } from ${JSON.stringify(join(ROOT, 'dist/io/lock.js'))};
         lockDirectory(${JSON.stringify(out)}, 'holder'); console.log('held'); setTimeout(() => {}, 60000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.on('data', () => resolve()));
    try {
      expect(() => lockDirectory(out, 'test')).toThrow(BusyError);
      expect(() => lockDirectory(out, 'test')).toThrow(
        new RegExp(`in use by another rnn-gd process \\(holder, pid ${holder.pid}`),
      );
      if (cliBuilt) {
        const r = runCli(['experiment', 'run', 'E1', '--out', out]);
        expectCliError(r, /in use by another rnn-gd process/);
        expect(r.status).toBe(2);
      }
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.on('close', r));
    }
    // The holder died without releasing: the lock is stale and is taken over.
    const lock = lockDirectory(out, 'test');
    lock.release();
  });
});

describe('every error family has one exit code', () => {
  const families: [string, (msg: string) => unknown, number][] = [
    ['ValidationError', (m) => new ValidationError(m), EXIT_USER],
    ['UsageError', (m) => new UsageError(m), EXIT_USER],
    ['CheckpointError', (m) => new CheckpointError(m), EXIT_USER],
    ['BusyError', (m) => new BusyError(m), EXIT_USER],
    ['FileSystemError', (m) => new FileSystemError(m, '/x', 'ENOSPC'), EXIT_USER],
    ['CapacityError', (m) => new CapacityError(m, 1, 1), EXIT_USER],
    ['BoundsInputError', (m) => new BoundsInputError('alpha', m), EXIT_USER],
    [
      'a raw errno error',
      (m) => Object.assign(new Error(m), { code: 'EROFS', path: '/ro/x', syscall: 'open' }),
      EXIT_USER,
    ],
    ['InterruptedError (SIGINT)', (m) => new InterruptedError(m, 'SIGINT'), 130],
    ['InterruptedError (SIGTERM)', (m) => new InterruptedError(m, 'SIGTERM'), 143],
    ['TypeError (a bug)', (m) => new TypeError(m), EXIT_INTERNAL],
    ['a thrown string (a bug)', (m) => m, EXIT_INTERNAL],
  ];
  it('property: any family x any message -> its exit code; user errors print the message, bugs say "internal error"', () => {
    fc.assert(
      fc.property(fc.constantFrom(...families), fc.string({ minLength: 1 }), ([, make, code], msg) => {
        const err = make(msg);
        const { exitCode, text } = describeFailure(err);
        expect(exitCode).toBe(code);
        expect(text.startsWith('rnn-gd: ')).toBe(true);
        if (code === EXIT_INTERNAL) expect(text).toMatch(/internal error/);
        else expect(text).not.toMatch(/internal error/);
        if (err instanceof UserError) expect(text).toContain(msg);
      }),
      { numRuns: 600 },
    );
  });

  // Every command that reads a file or writes an output, given a missing input and a bad output place.
  const commands: [string, string[]][] = [
    ['eval', ['eval', '--model', '@missing', '--data', '@missing']],
    ['step', ['step', '--model', '@missing', '--data', '@missing', '--lr', '0.1', '--out', '@out']],
    ['ntk', ['ntk', '--model', '@missing', '--data', '@missing']],
    ['constants', ['constants', '--model', '@missing', '--data', '@missing']],
    [
      'train',
      [
        'train',
        '--data',
        '@missing',
        '--out',
        '@out',
        '--recurrence',
        'diagonal',
        '--m',
        '4',
        '--alpha',
        '1',
        '--eta',
        '0.1',
        '--steps',
        '1',
      ],
    ],
    ['data show', ['data', 'show', '@missing']],
    ['report', ['report', '@missing']],
    ['merge', ['merge', '@out', '@missing']],
  ];
  it.each(commands)('%s: a missing input is exit 2 naming the path (built CLI)', (_name, args) => {
    const missing = P('does-not-exist');
    const r = runCli(args.map((a) => (a === '@missing' ? missing : a === '@out' ? P(`out-${_name}`) : a)));
    expectCliError(r, /does-not-exist/);
    expect(r.status, r.stderr).toBe(2);
  });
});
