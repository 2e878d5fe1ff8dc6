/** Shared helpers of the hardening suite: "a bad input ends in a clear error" as a checkable property. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { UsageError } from '../../ts/cli/run.js';
import { BoundsInputError } from '../../ts/theory/bounds.js';
import { ValidationError } from '../../ts/validate.js';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
export const cliBuilt = existsSync(CLI);

export const tmp = (prefix = 'rnn-gd-hard-') => mkdtempSync(join(tmpdir(), prefix));

/** Errors that count as "clear": raised at the boundary with a message meant for people. */
export const CLEAR_ERRORS = [ValidationError, UsageError, BoundsInputError] as const;

/** Messages that betray a crash rather than a validation error. */
const CRASH = /unreachable|RuntimeError|memory access out of bounds|recursive use of an object|attempted to take ownership|null pointer|Cannot read propert|is not a function|is not iterable|undefined is not|of undefined|of null|Maximum call stack/i;

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

export async function expectCleanAsync<T>(fn: () => Promise<T>, opts: { names?: RegExp; check?: (v: T) => void } = {}): Promise<'ok' | 'error'> {
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

export interface CliResult { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

/** Runs the built CLI synchronously (with a timeout: a hang fails the test). */
export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const t0 = Date.now();
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, ...opts.env },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - t0 };
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
  try { json = JSON.parse(r.stdout); } catch { return null; }
  assertAllFinite(json);
  return json;
}
