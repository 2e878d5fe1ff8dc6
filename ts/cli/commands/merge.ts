/** `rnn-gd merge OUT DIR...`: joins the outputs of shards (or partial runs) of one sweep, then writes the report. */
import { Command } from 'commander';
import { mergeSweeps } from '../../experiments/run-node.js';
import { printJson } from '../run.js';
import { declareInputs } from '../../io/inputs.js';
import { MANIFEST_FILE, POINTS_FILE } from '../../experiments/sweep-format.js';
import { join } from 'node:path';

export function registerMerge(program: Command): void {
  program
    .command('merge <out> <dirs...>')
    .description(
      'join sweep directories of one sweep (e.g. --shard outputs) into OUT, in point order, and write its report',
    )
    .option('--force', 'overwrite OUT if it holds points')
    .option('--no-report', 'do not write the report')
    .action(async (out: string, dirs: string[], flags: { force?: boolean; report?: boolean }) => {
      const files = (dir: string, option: string) =>
        [MANIFEST_FILE, POINTS_FILE].map((f) => ({ option, path: join(dir, f) }));
      declareInputs(
        dirs.flatMap((d) => files(d, 'DIR')),
        files(out, 'OUT'),
      );
      const r = await mergeSweeps(out, dirs, { force: flags.force, report: flags.report });
      printJson({
        out: r.out,
        points: r.points,
        missing: r.missing,
        duplicates: r.duplicates,
        ...(r.report ? { report: r.report.reportPath, verdict: r.report.verdict } : {}),
      });
      if (r.missing > 0)
        process.stderr.write(
          `rnn-gd merge: ${r.missing} points of the sweep are in none of the inputs (the report says it is partial)\n`,
        );
    });
}
