/** `rnn-gd report DIR`: (re)writes the report of a sweep directory, or of every sweep directory inside DIR. */
import { Command } from 'commander';
import { findSweepDirs, indexMarkdown, writeReport, type WrittenReport } from '../../experiments/report.js';
import { writeFileAtomic } from '../../io/npy.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { printJson, UsageError } from '../run.js';

/** A small verdict table for terminals. */
export function verdictTable(reports: WrittenReport[]): string {
  const w = Math.max(...reports.map((r) => r.verdict.length), 7);
  return reports.map((r) => `  ${r.experiment.padEnd(4)} ${r.verdict.padEnd(w)}  ${r.reportPath}`).join('\n') + '\n';
}

export function registerReport(program: Command): void {
  program
    .command('report <dir>')
    .description(
      'write summary.csv, plots (SVG + vega-lite), report.json and report.md for a sweep directory (or each one inside DIR)',
    )
    .option('--no-svg', 'skip SVG rendering (vega-lite specs are still written)')
    .option('--json', 'print the results as JSON')
    .action(async (dir: string, flags: { svg?: boolean; json?: boolean }) => {
      if (!existsSync(dir)) throw new UsageError(`report: ${dir} does not exist`);
      const dirs = findSweepDirs(dir);
      if (!dirs.length)
        throw new UsageError(`report: ${dir} holds no sweep (no sweep.json in it or in its subdirectories)`);
      const reports: WrittenReport[] = [];
      for (const d of dirs) reports.push(await writeReport(d, { svg: flags.svg }));
      if (dirs.length > 1 || dirs[0] !== dir) writeFileAtomic(join(dir, 'README.md'), indexMarkdown(reports));
      if (flags.json)
        printJson(
          reports.map((r) => ({
            experiment: r.experiment,
            verdict: r.verdict,
            reason: r.reason,
            report: r.reportPath,
          })),
        );
      else process.stdout.write(verdictTable(reports));
    });
}
