/** `rnn-gd report DIR`: (re)writes the report of a sweep directory, or of every sweep directory inside DIR. */
import { Command } from 'commander';
import { findSweepDirs, indexMarkdown, writeReport, type WrittenReport } from '../../experiments/report.js';
import { CheckpointError, UsageError } from '../../core/errors.js';
import { pathExists, readTextFile, writeFileAtomic } from '../../io/fs.js';
import { lockDirectory } from '../../io/lock.js';
import { declareInputs } from '../../io/inputs.js';
import { MANIFEST_FILE, POINTS_FILE } from '../../experiments/sweep-format.js';
import { join } from 'node:path';
import { printJson } from '../run.js';

/** First line of every index README rnn-gd writes: only such a file is ever replaced. */
const INDEX_MARK = '<!-- written by rnn-gd (report or demo); rewritten each time -->';

/**
 * Writes DIR/README.md, the index of several reports, unless a README.md that rnn-gd did not
 * write is there (a user's file is never replaced: the index then goes to rnn-gd-index.md).
 */
export function writeIndex(dir: string, markdown: string): string {
  const readme = join(dir, 'README.md');
  let path = readme;
  if (pathExists(readme) && !readTextFile(readme, 'index', 64 * 2 ** 20).startsWith(INDEX_MARK)) {
    path = join(dir, 'rnn-gd-index.md');
    if (pathExists(path) && !readTextFile(path, 'index', 64 * 2 ** 20).startsWith(INDEX_MARK))
      throw new CheckpointError(`${dir}: README.md and rnn-gd-index.md were not written by rnn-gd; not replacing them`);
    process.stderr.write(`rnn-gd: ${readme} was not written by rnn-gd: kept; the index is in ${path}\n`);
  }
  writeFileAtomic(path, `${INDEX_MARK}\n${markdown}`);
  return path;
}

/** A small verdict table for terminals. */
export function verdictTable(reports: WrittenReport[]): string {
  const w = Math.max(...reports.map((r) => r.verdict.length), 7);
  const wi = Math.max(...reports.map((r) => r.experiment.length), 4);
  return reports.map((r) => `  ${r.experiment.padEnd(wi)} ${r.verdict.padEnd(w)}  ${r.reportPath}`).join('\n') + '\n';
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
      if (!pathExists(dir)) throw new UsageError(`report: ${dir} does not exist`);
      const dirs = findSweepDirs(dir);
      if (!dirs.length)
        throw new UsageError(`report: ${dir} holds no sweep (no sweep.json in it or in its subdirectories)`);
      declareInputs(
        dirs.flatMap((d) => [MANIFEST_FILE, POINTS_FILE].map((f) => ({ option: 'DIR', path: join(d, f) }))),
      );
      const reports: WrittenReport[] = [];
      for (const d of dirs) {
        const lock = lockDirectory(d, 'report');
        try {
          reports.push(await writeReport(d, { svg: flags.svg }));
        } finally {
          lock.release();
        }
      }
      if (dirs.length > 1 || dirs[0] !== dir) writeIndex(dir, indexMarkdown(reports, dir));
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
