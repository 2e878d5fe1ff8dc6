/**
 * `rnn-gd train`'s session in its run directory (io/run-dir.ts): a prepared run (run.ts) trained
 * with everything written as it comes, so a kill at any moment leaves loadable files.
 */
import type { TrainConfig } from '../core/config.js';
import type { MetricRecord } from '../core/metrics.js';
import type { Checkpoint, RunDirectory } from '../io/run-dir.js';
import type { PreparedRun } from '../train/run.js';
import { runInfo } from '../core/version.js';
import { progressReporter } from './options.js';

export interface TrainRunOptions {
  out: string;
  quiet?: boolean;
  checkpointEvery?: number;
  signal?: AbortSignal;
  /** Continue the run in `out` from its checkpoint (model.json + metrics.jsonl). */
  resume?: boolean;
  /** Replace a run already in `out` (otherwise refused). */
  force?: boolean;
  /** Train the linearization at the initialization side by side (metrics lin*; full-batch GD, not with resume). */
  linearized?: boolean;
  /** Record the NTK every `kernelEvery` steps on `kernelSamples` training sequences (TrainerInit.kernelEvery). */
  kernelEvery?: number;
  kernelSamples?: number;
}

/**
 * Trains a prepared run (from Theta(0), or from `checkpoint`) into its run directory and returns the
 * summary that `rnn-gd train` prints: the checkpoint at the start step, metric lines as records
 * arrive, a checkpoint every `checkpointEvery` records, the CSV and run.json's status at the end
 * (also 'failed' with the message when it throws), a progress bar on a terminal.
 */
export async function trainIntoDirectory(
  dir: RunDirectory,
  config: TrainConfig,
  run: PreparedRun,
  fingerprint: string,
  checkpoint: Checkpoint | undefined,
  opts: TrainRunOptions,
) {
  const info = runInfo(run.backend);
  const resume = checkpoint?.resume;
  const writeRun = (extra: Record<string, unknown>) =>
    dir.writeRun({ config, run: info, data: { ...(run.data.meta ?? {}), fingerprint }, ...extra });

  const { linearized, kernelEvery, kernelSamples } = opts;
  const trainer = run.trainer({ from: checkpoint, linearized, kernelEvery, kernelSamples });

  const progress = progressReporter('train', { quiet: opts.quiet || !process.stderr.isTTY, unit: 'steps' });
  const started = Date.now();
  const checkpointEvery = opts.checkpointEvery ?? 20;
  let written = trainer.records.length;
  const flushRecords = () => {
    dir.appendMetrics(trainer.records.slice(written));
    written = trainer.records.length;
  };
  const checkpointNow = () => dir.saveCheckpoint(trainer.params(), trainer.state(), info);
  try {
    // The metric lines of the checkpoint (resume) or none, then a checkpoint at the start step:
    // from here on a kill at any moment leaves loadable files.
    dir.resetMetrics(resume?.records ?? []);
    writeRun({ status: 'running', ...(resume ? { resumedFrom: resume.step } : {}) });
    checkpointNow();
    progress.start(config.train.steps, trainer.step);
    const result = await trainer.run({
      signal: opts.signal,
      onProgress: (record) => {
        flushRecords();
        if (trainer.records.length % checkpointEvery === 0) checkpointNow();
        const elapsedMs = Date.now() - started;
        const doneHere = record.step - (resume?.step ?? 0);
        const left = config.train.steps - record.step;
        progress.update({
          done: record.step,
          total: config.train.steps,
          detail: `risk ${record.risk.toExponential(3)}`,
          elapsedMs,
          etaMs: doneHere > 0 ? (elapsedMs / doneHere) * left : null,
        });
      },
    });
    flushRecords();
    progress.stop();
    checkpointNow();
    dir.writeCsv(result.records);
    const last = result.records[result.records.length - 1];
    const summary = {
      status: result.status,
      message: result.message,
      steps: result.steps,
      finalRisk: last?.risk,
      finalTestRisk: last?.testRisk,
      avgRisk: last?.avgRisk,
      rhoEff: last?.rhoEff,
      // The linearization side by side may diverge while the network goes on: say so, with where.
      ...(linearized ? { linearization: trainer.linearStatus() } : {}),
      out: opts.out,
      ...(resume ? { resumedFrom: resume.step } : {}),
      ...(opts.linearized ? { linearized: linearizationSummary(result.records) } : {}),
    };
    writeRun(summary);
    return summary;
  } catch (err) {
    // Keep what was written; say in run.json that the run failed and why.
    try {
      writeRun({ status: 'failed', message: (err as Error).message, steps: trainer.step });
    } catch {
      /* the error below matters more */
    }
    throw err;
  } finally {
    progress.stop();
    trainer.free();
  }
}

/**
 * What `train --linearized` adds to the summary: the linearization's final risks (it is trained by
 * the same GD from the same Theta(0)) and the gap ||f - f_lin|| on the training inputs, last and
 * largest over the records (docs/theory.md, the kernel regime).
 */
function linearizationSummary(records: readonly MetricRecord[]) {
  const last = records[records.length - 1];
  return {
    around: 'W0, U0 (the initialization)',
    finalRisk: last?.linRisk,
    finalTestRisk: last?.linTestRisk,
    finalGapRms: last?.linGapRms,
    finalGapMax: last?.linGapMax,
    largestGapMax: Math.max(...records.map((r) => r.linGapMax ?? 0)),
  };
}
