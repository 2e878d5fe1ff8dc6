/**
 * Running experiments from Node: plan -> shard -> checkpoint (resume) -> executor (worker pool or
 * in-process) -> sweep -> report. Also `mergeSweeps`, which joins shard directories.
 */
import type { BackendName } from '../core/types.js';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveBackendName } from '../backend/index.js';
import { CheckpointError } from '../core/errors.js';
import { pathExists, writeFileAtomic } from '../io/fs.js';
import { lockDirectory } from '../io/lock.js';
import { workerCount } from '../core/workers.js';
import {
  openCheckpoint,
  readManifest,
  readPoints,
  refuseLinkedSweepFiles,
  MANIFEST_FILE,
  POINTS_FILE,
  type Checkpoint,
  type SweepManifest,
} from './checkpoint.js';
import { driveSweep, planExperiment, type DriveResult, type SweepPlan } from './driver.js';
import type { planSweep, Shard } from './plan.js';
import { InProcessExecutor } from './pool.js';
import type { EtaChoice } from './step-size.js';
import { createNodePool } from './pool-node.js';
import { shareCounts } from './report-build.js';
import { writeReport, type WrittenReport } from './report.js';
import type { SweepProgress } from './sweep.js';
import type { ExperimentId, PointResult, Size } from './types.js';

export interface RunExperimentOptions {
  /** Which experiment: 'E1'...'E11', 'E1-random', 'E1-dense', 'E2-dense', 'E4-dense' (or in lower case). */
  experiment: ExperimentId | Lowercase<ExperimentId>;
  size: Size;
  out: string;
  /** Replicates per configuration (default: the experiment's default for the size). */
  seeds?: number;
  /** Number of workers; 0 = in-process (no workers). Default: available cores. */
  workers?: number;
  /**
   * Hears a remark on `workers` (more than the cores, or cut to 4 per core: ts/core/workers.ts); default:
   * written to stderr as 'rnn-gd: workers ...'. The CLI words it as its option '--workers'.
   */
  onWarning?: (text: string) => void;
  backend?: BackendName;
  resume?: boolean;
  force?: boolean;
  retryFailed?: boolean;
  shard?: Shard | null;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** Called once the plan is known (before any point runs). */
  onStart?: (info: {
    total: number;
    todo: number;
    skipped: number;
    workers: number;
    backend: string;
    repaired: boolean;
  }) => void;
  /** Write the report when the sweep completes (default true). */
  report?: boolean;
  /**
   * Run every point of the grid where the experiment searches the width (default false). Implied
   * by `limit`.
   */
  grid?: boolean;
  /**
   * The step size of an experiment that takes one (PresetOptions.eta). It changes the points, so
   * the sweep's fingerprint: a --resume must give the same choice.
   */
  eta?: EtaChoice;
  /** Only the first `limit` points of the plan (after sharding), as a grid; for smoke tests. */
  limit?: number;
  /** Override the worker entry (tests). */
  workerUrl?: URL;
  /** Transform the planned points (tests: inject faults). */
  mapPoints?: (points: ReturnType<typeof planSweep>) => ReturnType<typeof planSweep>;
  graceMs?: number;
}

export interface RunExperimentResult extends DriveResult {
  dir: string;
  manifest: SweepManifest;
  report: WrittenReport | null;
}

export async function runExperiment(o: RunExperimentOptions): Promise<RunExperimentResult> {
  // 'auto' (the default) resolved here: the manifest records, and every worker loads, the backend that runs.
  const backend: BackendName = await resolveBackendName(o.backend);
  const plan = planExperiment({ ...o, backend });
  const dir = resolve(o.out);
  const ckpt = openCheckpoint(dir, plan.manifest, { resume: o.resume, force: o.force, retryFailed: o.retryFailed });
  try {
    return await runOpened(o, ckpt, plan, backend);
  } finally {
    ckpt.close();
  }
}

const warnStderr = (text: string): void => void process.stderr.write(`rnn-gd: ${text}\n`);

async function runOpened(
  o: RunExperimentOptions,
  ckpt: Checkpoint,
  plan: SweepPlan,
  backend: BackendName,
): Promise<RunExperimentResult> {
  let workers = 0;
  const outcome = await driveSweep({
    plan,
    store: ckpt,
    executor: (todo) => {
      workers = o.workers === 0 ? 0 : workerCount(o.workers, todo, availableParallelism(), o.onWarning ?? warnStderr);
      return o.workers === 0
        ? new InProcessExecutor(backend)
        : createNodePool({ size: workers, backend, workerUrl: o.workerUrl });
    },
    signal: o.signal,
    onProgress: o.onProgress,
    graceMs: o.graceMs,
    onStart: (info) =>
      o.onStart?.({
        total: info.total,
        todo: info.todo,
        skipped: info.skipped,
        workers,
        backend: info.executor?.backendDescription || backend,
        repaired: ckpt.repaired,
      }),
  });
  let report: WrittenReport | null = null;
  if (outcome.status === 'completed') {
    ckpt.compact();
    if (o.report !== false) report = await writeReport(ckpt.dir);
  }
  return { ...outcome, dir: ckpt.dir, manifest: ckpt.manifest, report };
}

export interface MergeResult {
  out: string;
  points: number;
  missing: number;
  duplicates: number;
  report: WrittenReport | null;
}

/**
 * Joins sweep directories of one sweep (shards, or partial runs) into `out`: one line per point
 * (an ok result is preferred over a failed one for the same point), in point-index order.
 */
export async function mergeSweeps(
  out: string,
  dirs: string[],
  opts: { report?: boolean; force?: boolean } = {},
): Promise<MergeResult> {
  if (dirs.length === 0) throw new CheckpointError('merge: give at least one sweep directory');
  const manifests = dirs.map((d) => readManifest(d));
  const first = manifests[0];
  manifests.forEach((m, i) => {
    if (m.experiment !== first.experiment || m.fingerprint !== first.fingerprint) {
      throw new CheckpointError(
        `merge: ${dirs[i]} holds ${m.experiment} (size ${m.size}, ${m.seeds} seeds, fingerprint ${m.fingerprint}), ` +
          `but ${dirs[0]} holds ${first.experiment} (size ${first.size}, ${first.seeds} seeds, fingerprint ${first.fingerprint}): not parts of one sweep`,
      );
    }
  });
  const backends = [...new Set(manifests.map((m) => m.backend))];
  if (backends.length > 1) {
    throw new CheckpointError(
      `merge: the inputs ran on different backends (${manifests.map((m, i) => `${dirs[i]}: ${m.backend}`).join(', ')}); ` +
        `their results differ in rounding, so they are not parts of one sweep: run every shard with the same --backend`,
    );
  }
  const outDir = resolve(out);
  const lock = lockDirectory(outDir, 'merge');
  try {
    return await mergeLocked(outDir, dirs, manifests, opts);
  } finally {
    lock.release();
  }
}

async function mergeLocked(
  outDir: string,
  dirs: string[],
  manifests: SweepManifest[],
  opts: { report?: boolean; force?: boolean },
): Promise<MergeResult> {
  const first = manifests[0];
  refuseLinkedSweepFiles(outDir);
  if (pathExists(join(outDir, POINTS_FILE)) && !opts.force && !dirs.map((d) => resolve(d)).includes(outDir)) {
    throw new CheckpointError(`merge: ${outDir} already holds points; use --force to overwrite`);
  }
  const byId = new Map<string, PointResult>();
  let duplicates = 0;
  for (const d of dirs) {
    for (const r of readPoints(d)) {
      const prev = byId.get(r.id);
      if (prev) {
        duplicates++;
        if (prev.status !== 'error' || r.status === 'error') continue;
      }
      byId.set(r.id, r);
    }
  }
  const results = [...byId.values()].sort((a, b) => a.index - b.index);
  const manifest: SweepManifest = {
    ...first,
    shard: null,
    backend: first.backend,
    createdAt: new Date().toISOString(),
    mergedFrom: dirs.map((d) => resolve(d)),
  };
  writeFileAtomic(join(outDir, POINTS_FILE), results.map((r) => JSON.stringify(r) + '\n').join(''));
  writeFileAtomic(join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  const report = opts.report === false ? null : await writeReport(outDir);
  const missing = shareCounts(manifest, results).missing;
  return { out: outDir, points: results.length, missing, duplicates, report };
}
