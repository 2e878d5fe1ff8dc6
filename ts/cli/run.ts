/** Shared CLI plumbing: errors go to stderr with a non-zero exit code, JSON goes to stdout. */
import type { Command } from 'commander';

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
    process.stderr.write(`rnn-gd: ${e.message ?? String(err)}\n`);
    process.exitCode = 2;
  }
}
