/**
 * `rnn-gd demo` (make demo): the project's main job. Quick versions of E1 (width against samples)
 * and E2 (memory cutoff) with an embedded configuration, on worker threads; writes the reports
 * and prints where they are with a short verdict table. Re-running continues an interrupted demo.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { CheckpointError, readManifest } from '../../experiments/checkpoint.js';
import { indexMarkdown, type WrittenReport } from '../../experiments/report.js';
import { runExperiment } from '../../experiments/run-node.js';
import type { ExperimentId } from '../../experiments/types.js';
import { interruptController, parseBackendOption, parseCount, progressReporter, backendOption } from '../options.js';
import { SWEEP_STOPPING, sweepEvent } from './experiment.js';
import { verdictTable, writeIndex } from './report.js';

/** The embedded default: which experiments, at which size. */
const DEMO = { experiments: ['E1', 'E2'] satisfies ExperimentId[], size: 'quick' as const };

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job: quick E1 (m against n) and E2 (memory cutoff) on worker threads, with reports and a verdict table',
    )
    .option('--out <dir>', 'output directory', 'rnn-gd-demo')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .addOption(backendOption())
    .option('--fresh', 'start over instead of continuing an earlier demo in --out')
    .option('--quiet', 'no progress display')
    .action(async (flags: { out: string; workers?: string; backend?: string; fresh?: boolean; quiet?: boolean }) => {
      const out = resolve(flags.out);
      const workers = parseCount('workers', flags.workers, 0);
      const backend = parseBackendOption(flags.backend);
      const reports: WrittenReport[] = [];
      const started = Date.now();
      for (const id of DEMO.experiments) {
        const dir = join(out, id);
        let resume = false;
        if (!flags.fresh && existsSync(join(dir, 'sweep.json'))) {
          try {
            resume = readManifest(dir).size === DEMO.size;
          } catch (err) {
            if (!(err instanceof CheckpointError)) throw err;
          }
        }
        const progress = progressReporter(`demo ${id}`, { quiet: flags.quiet });
        const interrupt = interruptController({ onFirst: () => progress.stop(), message: SWEEP_STOPPING });
        try {
          const r = await runExperiment({
            experiment: id,
            size: DEMO.size,
            out: dir,
            workers,
            backend,
            resume,
            force: !resume,
            signal: interrupt.signal,
            onStart: (info) => progress.start(info.todo),
            onProgress: (p) => progress.update(sweepEvent(p)),
          });
          progress.stop();
          if (r.status === 'aborted') {
            process.stderr.write(
              `rnn-gd demo: stopped; ${r.done} points of ${id} finished this time. Run the demo again to continue.\n`,
            );
            process.exitCode = interrupt.exitCode();
            return;
          }
          if (r.report) reports.push(r.report);
        } finally {
          progress.stop();
          interrupt.dispose();
        }
      }
      const index = writeIndex(out, indexMarkdown(reports, out, 'rnn-gd demo: E1 and E2 (quick)'));
      process.stdout.write(
        `\nrnn-gd demo finished in ${Math.round((Date.now() - started) / 1000)} s. Reports: ${index}\n\n`,
      );
      process.stdout.write(verdictTable(reports));
      for (const r of reports) process.stdout.write(`\n${r.experiment}: ${r.reason}\n`);
    });
}
