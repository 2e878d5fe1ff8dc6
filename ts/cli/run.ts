/** Shared CLI plumbing: errors go to stderr with a non-zero exit code, JSON goes to stdout. */
import type { Command } from 'commander';
import { ValidationError } from '../validate.js';

/** An error whose message is meant for the user as it is (no stack trace). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Parses a numeric option, naming the option when the value is not a finite number. */
export function parseNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`option --${name}: expected a finite number, got '${raw}'`);
  }
  return value;
}

export async function runCli(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // commander already printed its message (or help); keep its exit code.
      process.exitCode = e.exitCode ?? 1;
      return;
    }
    // Validation and usage errors are the user's to fix: their message says what and where. Anything
    // else escaped the validation at the boundary: say so, with the stack for a bug report.
    const clear = err instanceof UsageError || err instanceof ValidationError;
    if (clear) {
      process.stderr.write(`rnn-gd: ${e.message ?? String(err)}\n`);
    } else {
      process.stderr.write(
        `rnn-gd: internal error: ${e.message ?? String(err)}\n` +
          `(this input was not caught by validation: please report it with the command line)\n` +
          (process.env.RNN_GD_DEBUG ? `${(err as Error)?.stack ?? ''}\n` : ''),
      );
    }
    process.exitCode = clear ? 2 : 70;
  }
}
