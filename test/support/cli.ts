/**
 * Running the CLI in tests (spawned from dist/, or in process) and "a bad input ends in a clear error"
 * as a checkable property, for the CLI and the library.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { expect, vi } from 'vitest';
import { BoundsInputError, ValidationError, UsageError } from '../../ts/core/errors.js';
import { CLI } from './paths.js';

export const cliBuilt = existsSync(CLI);

/** Errors that count as "clear": raised at the boundary with a message meant for people. */
export const CLEAR_ERRORS = [ValidationError, UsageError, BoundsInputError] as const;

/** Messages that betray a crash rather than a validation error. */
const CRASH =
  /internal error|unreachable|RuntimeError|memory access out of bounds|recursive use of an object|attempted to take ownership|null pointer|Cannot read propert|is not a function|is not iterable|undefined is not|of undefined|of null|Maximum call stack/i;

/**
 * Runs `fn`: it may return (then `check` inspects the result) or throw; a throw must be one of the
 * clear error classes, with a message that names something (`names`, default: any quoted field,
 * option or file) and no crash marker.
 */
export function expectClean<T>(fn: () => T, opts: { names?: RegExp; check?: (v: T) => void } = {}): 'ok' | 'error' {
  let value: T;
  try {
    value = fn();
  } catch (err) {
    assertClearError(err, opts.names);
    return 'error';
  }
  opts.check?.(value);
  return 'ok';
}

export async function expectCleanAsync<T>(
  fn: () => Promise<T>,
  opts: { names?: RegExp; check?: (v: T) => void } = {},
): Promise<'ok' | 'error'> {
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    assertClearError(err, opts.names);
    return 'error';
  }
  opts.check?.(value);
  return 'ok';
}

export function assertClearError(err: unknown, names?: RegExp): void {
  const e = err as Error;
  const clear = CLEAR_ERRORS.some((C) => err instanceof C);
  if (!clear) throw new Error(`not a clear error: ${e?.name}: ${e?.message}\n${e?.stack}`);
  expect(e.message.length).toBeGreaterThan(10);
  expect(e.message).not.toMatch(CRASH);
  expect(e.message).toMatch(names ?? /'[^']+'|--[a-zA-Z]|field|option|\.json|\.npy|must|expected/);
}

/** Every number in a JSON-like value is finite (no NaN/Infinity smuggled out as null or numbers). */
export function assertAllFinite(value: unknown, path = '$'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`non-finite number at ${path}: ${value}`);
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const a = value as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) assertAllFinite(a[i], `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertAllFinite(v, `${path}.${k}`);
  }
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI synchronously (with a timeout: a hang fails the test). */
export function runCli(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const t0 = Date.now();
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
    env: { ...process.env, ...opts.env },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - t0 };
}

/** Runs the built CLI asynchronously (same contract as runCli), so that many cases can run side by side. */
export function runCliAsync(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    // 'close', not 'exit': only then has all of stdout/stderr been read
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/**
 * Runs the CLI in this process (the same commands, commander parsing and error reporting as
 * dist/cli/main.js, from the TypeScript sources): fast enough for hundreds of cases. Output is
 * captured; process.exitCode is read and restored.
 */
export async function runCliInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const { runCli: run } = await import('../../ts/cli/run.js');
  const { createProgram } = await import('../../ts/cli/program.js');
  const program = createProgram();
  let stdout = '',
    stderr = '';
  const out = process.stdout.write,
    err = process.stderr.write;
  const saved = process.exitCode;
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  process.exitCode = undefined;
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  const t0 = Date.now();
  let status: number;
  try {
    await run(program, ['node', 'rnn-gd', ...args]);
    status = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = saved;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { status, signal: null, stdout, stderr, ms: Date.now() - t0 };
}

/** Runs async jobs with at most `limit` at a time, in order of the results. */
export async function pool<T, R>(items: T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await job(items[i]);
      }
    }),
  );
  return out;
}

/**
 * The CLI contract for a bad input: exit code != 0 (not killed, not timed out), a one-line-ish
 * message on stderr starting with "rnn-gd:" or commander's "error:", naming `names`, no stack, no crash marker.
 */
export function expectCliError(r: CliResult, names?: RegExp): void {
  const ctx = `stderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`;
  expect(r.signal, `killed by a signal (hang?) ${ctx}`).toBeNull();
  expect(r.status, ctx).not.toBe(0);
  expect(r.stderr, ctx).toMatch(/^(rnn-gd: |error: )/m);
  expect(r.stderr, ctx).not.toMatch(CRASH);
  expect(r.stderr, ctx).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  if (names) expect(r.stderr, ctx).toMatch(names);
}

/** The CLI contract for a good input: exit 0 and, when stdout is JSON, every number finite. */
export function expectCliOk(r: CliResult): unknown {
  const ctx = `stderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`;
  expect(r.status, ctx).toBe(0);
  let json: unknown = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    return null;
  }
  assertAllFinite(json);
  return json;
}

/**
 * One command registered on a fresh program and run in this process (no build, no spawn): the JSON
 * it prints to stdout. Errors are thrown (commander's exitOverride), not printed.
 */
export async function runCommandJson(register: (program: Command) => void, args: string[]): Promise<unknown> {
  const program = new Command('rnn-gd').exitOverride().configureOutput({ writeErr: () => {} });
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out);
}
