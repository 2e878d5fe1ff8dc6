/**
 * Training run directories (Node): what `rnn-gd train` writes into --out and reads back on resume.
 *
 *   model.json     Theta(step) with W0/U0, and meta {step, lossSum, wallMs, run, integrity}: the
 *                  checkpoint, replaced atomically and durably (fsync of file and directory)
 *   metrics.jsonl  one record per line, appended whole (a failed append is cut back)
 *   metrics.csv    the records as CSV, written at the end
 *   run.json       config (data paths absolute), versions, data fingerprint, status
 *   .rnn-gd.lock   held while a process writes the directory
 *
 * readCheckpoint checks that the checkpoint belongs to the run: the architecture, Theta(0) and the
 * output signs c (which follow from the recorded seed), and an integrity hash over Theta(step) and
 * the counters, so an edited model.json is refused rather than continued.
 */
import { join } from 'node:path';
import { CheckpointError, UsageError } from '../core/errors.js';
import type { MetricRecord } from '../core/metrics.js';
import type { Dataset, ModelParams } from '../core/types.js';
import { appendLines, pathExists, syncFile, writeFileAtomic } from './fs.js';
import { lockDirectory, type DirectoryLock } from './lock.js';
import { readJsonLines } from './jsonl-file.js';
import { metricsCsv, metricsJsonLine } from './metrics-file.js';
import { readJsonFile, readModelFile, saveModel } from './model-file.js';

const RUN_FILES = {
  model: 'model.json',
  metrics: 'metrics.jsonl',
  csv: 'metrics.csv',
  run: 'run.json',
} as const;

/** 64-bit FNV-1a over the float64 bit patterns of arrays (and numbers), as 16 hex digits. Not cryptographic. */
function hashNumbers(parts: readonly (ArrayLike<number> | number)[]): string {
  let h1 = 0x811c9dc5 | 0,
    h2 = 0xcbf29ce4 | 0;
  const scratch = new Float64Array(1);
  const words = new Uint32Array(scratch.buffer);
  const mix = (v: number) => {
    scratch[0] = v;
    for (let k = 0; k < 2; k++) {
      h1 = Math.imul(h1 ^ words[k], 0x01000193);
      h2 = Math.imul(h2 ^ words[k] ^ (h1 >>> 7), 0x01000193);
    }
  };
  for (const p of parts) {
    if (typeof p === 'number') mix(p);
    else {
      mix(p.length);
      for (let i = 0; i < p.length; i++) mix(p[i]);
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** The fingerprint of a data set: shape and every value of X and Y. */
export const dataFingerprint = (ds: Dataset): string => hashNumbers([ds.n, ds.T, ds.d, ds.X, ds.Y]);

const integrity = (p: ModelParams, step: number, lossSum: number) => hashNumbers([p.W, p.U, p.c, step, lossSum]);

export interface RunDirectory {
  readonly out: string;
  /** Appends metric records (whole lines; not fsynced: resume drops lines after the checkpoint anyway). */
  appendMetrics(records: readonly MetricRecord[]): void;
  /** Replaces metrics.jsonl (start or resume). */
  resetMetrics(records: readonly MetricRecord[]): void;
  /** The checkpoint: Theta(step) and the trainer's counters, durably. */
  saveCheckpoint(params: ModelParams, state: { step: number; lossSum: number; wallMs: number }, run: unknown): void;
  writeCsv(records: readonly MetricRecord[]): void;
  writeRun(value: Record<string, unknown>): void;
  close(): void;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The run files already in `out` (any of model.json, metrics.jsonl, run.json). */
const existingRunFiles = (out: string): string[] =>
  [RUN_FILES.run, RUN_FILES.model, RUN_FILES.metrics].filter((f) => pathExists(join(out, f)));

/**
 * Opens `out` for a run: takes its lock; a new run refuses a directory that holds one (nothing is
 * replaced without `force`).
 */
export function openRunDirectory(out: string, opts: { resume?: boolean; force?: boolean }): RunDirectory {
  const lock: DirectoryLock = lockDirectory(out, 'train');
  try {
    const existing = existingRunFiles(out);
    if (!opts.resume && !opts.force && existing.length > 0) {
      throw new UsageError(
        `--out ${out} already holds a training run (${existing.join(', ')}): use --resume to continue it, ` +
          `--force to replace it, or another --out`,
      );
    }
  } catch (err) {
    lock.release();
    throw err;
  }
  const path = (f: string) => join(out, f);
  return {
    out,
    appendMetrics(records) {
      if (records.length)
        appendLines(path(RUN_FILES.metrics), records.map(metricsJsonLine).join(''), { durable: false });
    },
    resetMetrics(records) {
      writeFileAtomic(path(RUN_FILES.metrics), records.map(metricsJsonLine).join(''));
    },
    saveCheckpoint(params, state, run) {
      // Metric lines are appended without fsync (cheap); the ones the checkpoint covers are made durable with it.
      syncFile(path(RUN_FILES.metrics));
      saveModel(path(RUN_FILES.model), {
        ...params,
        meta: { ...state, run, integrity: integrity(params, state.step, state.lossSum) },
      });
    },
    writeCsv(records) {
      writeFileAtomic(path(RUN_FILES.csv), metricsCsv(records));
    },
    writeRun(value) {
      writeFileAtomic(path(RUN_FILES.run), JSON.stringify(value, null, 2) + '\n');
    },
    close() {
      lock.release();
    },
  };
}

/** run.json of the run in `out`, or an error saying there is none to resume. */
export function readRunFile(out: string): Record<string, any> {
  const runPath = join(out, RUN_FILES.run);
  if (!pathExists(runPath))
    throw new UsageError(`option --resume: ${runPath} not found: there is no run to resume in --out ${out}`);
  const run = readJsonFile(runPath, 'run file');
  if (!isObject(run) || !isObject(run.config))
    throw new CheckpointError(`run file ${runPath}: field 'config' is missing; cannot resume`);
  return run;
}

/** Equal entries, compared in the precision the backend computes in (wasm: float32). */
const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>, f32: boolean): boolean => {
  if (a.length !== b.length) return false;
  const round = f32 ? Math.fround : (x: number) => x;
  for (let i = 0; i < a.length; i++) if (!Object.is(round(a[i]), round(b[i]))) return false;
  return true;
};

export interface Checkpoint {
  params: ModelParams;
  resume: { step: number; lossSum: number; wallMs: number; records: MetricRecord[] };
}

/**
 * Reads the checkpoint of the run in `out`: Theta(step) with W0/U0, the step, the loss sum and the
 * metric records before the step. `initial` is Theta(0) as the run's config and seed give it: the
 * checkpoint must have the same architecture, W0, U0 (to the backend's `precision`) and c, and an
 * intact integrity hash.
 */
export function readCheckpoint(
  out: string,
  initial: ModelParams,
  maxSteps: number,
  precision: 'float32' | 'float64',
): Checkpoint {
  const f32 = precision === 'float32';
  const modelPath = join(out, RUN_FILES.model);
  if (!pathExists(modelPath))
    throw new UsageError(
      `option --resume: ${modelPath} not found: the run has no checkpoint yet; start it again with --force`,
    );
  const model = readModelFile(modelPath);
  const bad = (why: string): never => {
    throw new CheckpointError(`option --resume: ${modelPath} ${why}; it is not this run's checkpoint (or was edited)`);
  };
  for (const k of ['recurrence', 'activation', 'readout', 'm', 'd', 'alpha'] as const) {
    if (model.spec[k] !== initial.spec[k])
      bad(`has ${k} = ${model.spec[k]} but the run's config gives ${initial.spec[k]}`);
  }
  if (initial.init && model.init !== initial.init)
    bad(
      `was initialized by scheme '${model.init}' but the run's config gives '${initial.init}' ` +
        `(to resume it, set "init": {"scheme": "${model.init}"} in the config)`,
    );
  if (!sameValues(model.W0, initial.W0, f32) || !sameValues(model.U0, initial.U0, f32))
    bad("has an initialization W0/U0 that the run's seed does not give");
  if (!sameValues(model.c, initial.c, false)) bad("has output signs c that the run's seed does not give");
  const meta = model.meta ?? {};
  const { step, lossSum } = meta;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0)
    bad(`has no valid checkpoint step (meta.step = ${JSON.stringify(step)})`);
  if ((step as number) > maxSteps)
    throw new UsageError(`option --steps: the checkpoint in ${out} is at step ${step}, beyond --steps ${maxSteps}`);
  if (typeof lossSum !== 'number' || !Number.isFinite(lossSum) || lossSum < 0)
    bad(`has no valid loss sum (meta.lossSum = ${JSON.stringify(lossSum)}; a sum of squared losses is >= 0)`);
  if (meta.integrity !== integrity(model, step as number, lossSum as number))
    bad('fails its integrity check (parameters or counters differ from what was written)');
  const records: MetricRecord[] = [];
  for (const { value } of readJsonLines(join(out, RUN_FILES.metrics), 'metrics file').lines) {
    if (isObject(value) && typeof value.step === 'number' && value.step < (step as number))
      records.push(value as MetricRecord);
  }
  const wallMs = typeof meta.wallMs === 'number' && Number.isFinite(meta.wallMs) && meta.wallMs >= 0 ? meta.wallMs : 0;
  return { params: model, resume: { step: step as number, lossSum: lossSum as number, wallMs, records } };
}
