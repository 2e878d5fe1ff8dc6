/** Shared CLI plumbing: errors go to stderr with a non-zero exit code, JSON goes to stdout. */
import type { Command } from 'commander';
import { InterruptedError, isEnvironmentError, UserError, ValidationError, fileSystemError } from '../core/errors.js';
import { signalExitCode } from './options.js';

/** Exit codes: 2 for every user or environment error, 70 for internal errors (bugs). */
export const EXIT_USER = 2;
export const EXIT_INTERNAL = 70;

/**
 * Every command's one JSON output. A NaN or +-Infinity anywhere in it is refused (a ValidationError,
 * exit 2, naming the field) before anything is printed: JSON would print it as `null`, a number
 * silently lost. `null` itself (a quantity that is undefined by design, e.g. a condition number) is kept.
 */
export function printJson(value: unknown): void {
  const bad = nonFiniteField(value, '');
  if (bad)
    throw new ValidationError(
      `the result's field '${bad.path || '(root)'}' is ${bad.value}, not a finite number: the inputs or options are ` +
        `too extreme for this computation (values overflowed float64, or a quantity is undefined for these inputs); nothing was printed`,
    );
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** The first NaN or +-Infinity in a JSON-bound value (numbers, typed arrays, arrays, plain objects), with its path. */
function nonFiniteField(value: unknown, path: string): { path: string; value: number } | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, value };
  if (value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number>;
    for (let k = 0; k < arr.length; k++) if (!Number.isFinite(arr[k])) return { path: `${path}[${k}]`, value: arr[k] };
    return null;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return null;
  const entries = Array.isArray(value)
    ? value.map((v, k) => [`[${k}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [path ? `.${k}` : k, v] as const);
  for (const [key, v] of entries) {
    const found = nonFiniteField(v, path + key);
    if (found) return found;
  }
  return null;
}

/** The message and exit code the CLI gives for an error that ended a command. */
export function describeFailure(err: unknown): { exitCode: number; text: string } {
  const e = err as { message?: string; path?: string; syscall?: string } | null;
  if (err instanceof UserError) return { exitCode: EXIT_USER, text: `rnn-gd: ${err.message}\n` };
  if (err instanceof InterruptedError) {
    const sig = err.signalName === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    return { exitCode: signalExitCode(sig), text: `rnn-gd: ${err.message}\n` };
  }
  if (isEnvironmentError(err)) {
    // A system error that escaped wrapping: still the environment's, and it names its path.
    const text = fileSystemError(err, e?.syscall ?? 'access', e?.path ?? '(unknown path)').message;
    return { exitCode: EXIT_USER, text: `rnn-gd: ${text}\n` };
  }
  return {
    exitCode: EXIT_INTERNAL,
    text:
      `rnn-gd: internal error: ${e?.message ?? String(err)}\n` +
      `(this input was not caught by validation: please report it with the command line)\n` +
      (process.env.RNN_GD_DEBUG ? `${(err as Error)?.stack ?? ''}\n` : ''),
  };
}

export async function runCli(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // commander already printed its message (or help); help and --version exit 0, usage errors 2.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USER;
      return;
    }
    const { exitCode, text } = describeFailure(err);
    process.stderr.write(text);
    process.exitCode = exitCode;
  }
}
