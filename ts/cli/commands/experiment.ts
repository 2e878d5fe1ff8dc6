/**
 * `rnn-gd experiment list | points | run`: the paper's claims as sweeps on worker threads.
 * `run` writes DIR/sweep.json and DIR/points.jsonl (one line per finished point, appended at
 * once), then the report. Ctrl-C stops cleanly (finished points are kept; `--resume` continues);
 * a second Ctrl-C exits at once.
 */
import { UsageError } from '../../core/errors.js';
import { Command } from 'commander';
import { EXPERIMENTS, getExperiment } from '../../experiments/registry.js';
import { parseShard, planSweep, formatShard, selectShard } from '../../experiments/plan.js';
import { runExperiment, type RunExperimentResult } from '../../experiments/run-node.js';
import { SIZES, type Size } from '../../experiments/types.js';
import type { SweepProgress } from '../../experiments/sweep.js';
import {
  interruptController,
  parseBackendOption,
  parseCount,
  progressReporter,
  type ProgressEvent,
  backendOption,
} from '../options.js';
import { printJson } from '../run.js';
import type { EtaChoice } from '../../experiments/step-size.js';

/**
 * --eta: a number, 'theory' (eta = 1/(4 L_T^2) with the measured L_T), 'theory:C' (C / L_T^2) or
 * 'grid:A,B,...' (the best of these step sizes); see ts/experiments/step-size.ts.
 */
function parseEtaOption(raw: string | undefined): EtaChoice | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const bad = () =>
    new UsageError(
      `option --eta: expected a number, 'theory', 'theory:C' or 'grid:A,B,...' (e.g. grid:0.1,0.3,1), got '${raw}'`,
    );
  const num = (t: string) => {
    const v = Number(t);
    if (t.trim() === '' || !Number.isFinite(v)) throw bad();
    return v;
  };
  if (text === 'theory') return 'theory';
  if (text.startsWith('theory:')) return { theory: num(text.slice(7)) };
  if (text.startsWith('grid:')) return { grid: text.slice(5).split(',').map(num) };
  return num(text);
}

const ETA_HELP =
  "step size of the experiments that take one (E2, E8, E2-dense): a number, 'theory' (1/(4 L_T^2), L_T measured at init), 'theory:C' (C/L_T^2) or 'grid:A,B,...' (the best of these)";

function parseSize(raw: string | undefined): Size {
  const size = (raw ?? 'quick') as Size;
  if (!SIZES.includes(size)) throw new UsageError(`option --size: expected ${SIZES.join(' or ')}, got '${raw}'`);
  return size;
}

export const SWEEP_STOPPING =
  'stopping: finishing the checkpoint; running points are left for --resume (interrupt again to exit now)';

/** A sweep's progress as a reporter event. */
export const sweepEvent = (p: SweepProgress): ProgressEvent => ({
  done: p.done,
  total: p.total,
  failed: p.failed,
  running: p.running,
  elapsedMs: p.elapsedMs,
  etaMs: p.etaMs,
  finished: p.last !== undefined,
  estimated: p.estimated,
});

function runSummary(r: RunExperimentResult) {
  return {
    experiment: r.manifest.experiment,
    size: r.manifest.size,
    status: r.status,
    shard: formatShard(r.manifest.shard),
    done: r.done,
    failed: r.failed,
    skipped: r.skipped,
    remaining: r.remaining.length,
    elapsedSeconds: Math.round(r.elapsedMs / 100) / 10,
    out: r.dir,
    ...(r.report ? { report: r.report.reportPath, verdict: r.report.verdict, reason: r.report.reason } : {}),
    ...(r.status === 'aborted'
      ? {
          resume: `rnn-gd experiment run ${r.manifest.experiment} --size ${r.manifest.size} --out ${r.dir} --resume${r.manifest.shard ? ` --shard ${formatShard(r.manifest.shard)}` : ''}`,
        }
      : {}),
  };
}

interface RunFlags {
  size?: string;
  workers?: string;
  out: string;
  resume?: boolean;
  force?: boolean;
  retryFailed?: boolean;
  shard?: string;
  seeds?: string;
  backend?: string;
  quiet?: boolean;
  report?: boolean;
  limit?: string;
  grid?: boolean;
  eta?: string;
}

export function registerExperiment(program: Command): void {
  const cmd = program.command('experiment').description("the paper's claims as sweeps: list, points, run");

  cmd
    .command('list')
    .description('list the experiments with their claims and sweep sizes')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      const rows = EXPERIMENTS.map((e) => ({
        id: e.id,
        title: e.title,
        claim: e.claim,
        points: { quick: planSweep(e, 'quick').length, full: planSweep(e, 'full').length },
        seeds: e.defaultSeeds,
      }));
      if (flags.json) return printJson(rows);
      for (const r of rows) {
        process.stdout.write(
          `${r.id}  ${r.title}\n    ${r.claim}\n    quick: ${r.points.quick} points (${r.seeds.quick} seeds), full: ${r.points.full} points (${r.seeds.full} seeds)\n`,
        );
      }
    });

  cmd
    .command('points <id>')
    .description('print the point configs of a sweep as JSON lines (index, id, config)')
    .option('--size <size>', 'quick (default) or full')
    .option('--seeds <s>', 'seeds per configuration')
    .option('--shard <k/N>', 'only shard k of N')
    .option('--grid', 'every width of the grid, where the experiment searches the width needed')
    .option('--eta <choice>', ETA_HELP)
    .action((id: string, flags: { size?: string; seeds?: string; shard?: string; grid?: boolean; eta?: string }) => {
      const exp = getExperiment(id);
      const shard = flags.shard ? parseShard(flags.shard) : null;
      const plan = planSweep(exp, parseSize(flags.size), {
        seeds: parseCount('seeds', flags.seeds, 1),
        grid: flags.grid,
        eta: parseEtaOption(flags.eta),
      });
      for (const p of selectShard(plan, shard)) process.stdout.write(JSON.stringify(p) + '\n');
    });

  cmd
    .command('run <id>')
    .description('run an experiment sweep into --out (checkpointed; resumable; shardable), then write its report')
    .requiredOption('--out <dir>', 'output directory (sweep.json, points.jsonl, summary.csv, report.md, plots)')
    .option('--size <size>', 'quick (default; minutes on 2 cores) or full')
    .option('--workers <n>', 'worker threads (default: available cores; 0 = run in this thread)')
    .option('--seeds <s>', "seeds per configuration (default: the experiment's)")
    .option('--resume', 'continue the sweep in --out: skip points already there')
    .option('--force', 'start over even if --out holds points')
    .option('--retry-failed', 'with --resume: run failed points again')
    .option(
      '--shard <k/N>',
      'run only shard k of N (points whose index % N == k-1; a width search stays in one shard); join shards with `rnn-gd merge`',
    )
    .option('--grid', 'train every width of the grid instead of searching the width needed (E1, E2, E7)')
    .option('--eta <choice>', `${ETA_HELP}; --resume needs the same --eta`)
    .addOption(backendOption())
    .option('--limit <n>', 'run only the first n points of the share, as a grid (smoke tests)')
    .option('--no-report', 'do not write the report at the end')
    .option('--quiet', 'no progress display')
    .action(async (id: string, flags: RunFlags) => {
      const exp = getExperiment(id);
      const size = parseSize(flags.size);
      const shard = flags.shard ? parseShard(flags.shard) : null;
      const progress = progressReporter(`${exp.id} ${size}${shard ? ` shard ${formatShard(shard)}` : ''}`, {
        quiet: flags.quiet,
      });
      const interrupt = interruptController({ onFirst: () => progress.stop(), message: SWEEP_STOPPING });
      try {
        const result = await runExperiment({
          experiment: exp.id,
          size,
          out: flags.out,
          shard,
          seeds: parseCount('seeds', flags.seeds, 1),
          workers: parseCount('workers', flags.workers, 0),
          onWarning: (text) => process.stderr.write(`rnn-gd: --${text}\n`),
          backend: parseBackendOption(flags.backend),
          resume: flags.resume,
          force: flags.force,
          retryFailed: flags.retryFailed,
          limit: parseCount('limit', flags.limit, 1),
          grid: flags.grid,
          eta: parseEtaOption(flags.eta),
          report: flags.report,
          signal: interrupt.signal,
          onStart: (info) => {
            if (!flags.quiet) {
              process.stderr.write(
                `${exp.id}: ${info.total} points in this share, ${info.skipped} already done${info.repaired ? ' (a cut last line was dropped)' : ''}; ` +
                  `${info.workers === 0 ? 'in-process' : `${info.workers} workers`}, backend ${info.backend}\n`,
              );
            }
            progress.start(info.todo, 0, Boolean(exp.search) && !flags.grid && flags.limit === undefined);
          },
          onProgress: (p) => progress.update(sweepEvent(p)),
        });
        progress.stop();
        printJson(runSummary(result));
        if (result.status === 'aborted') process.exitCode = interrupt.exitCode();
      } finally {
        progress.stop();
        interrupt.dispose();
      }
    });
}
