/**
 * Sweep output directories (Node): sweep.json (the manifest) and points.jsonl (one result per
 * line, appended the moment a point finishes). A resume reads the file back, repairs a last line
 * cut by a kill, and skips every point already there. When a share completes, the file is
 * rewritten in point-index order (atomically), so a merged sharded sweep equals an unsharded one.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BackendName } from '../backend/types.js';
import { CheckpointError } from '../errors.js';
import { appendLines, ensureDir, lockDirectory, pathExists, writeFileAtomic, type DirectoryLock } from '../io/fs.js';
import { readJsonFile } from '../io/model-file.js';
import { readJsonLines, repairJsonLines } from '../io/jsonl.js';
import { parseWith } from '../validate.js';
import { PACKAGE_VERSION } from '../version.js';
import type { Shard } from './plan.js';
import { SIZES, type PointResult, type Size } from './types.js';

export const MANIFEST_FILE = 'sweep.json';
export const POINTS_FILE = 'points.jsonl';

export interface SweepManifest {
  format: 'rnn-gd.sweep/1';
  experiment: string;
  title: string;
  size: Size;
  seeds: number;
  /** Points of the whole sweep (all shards). */
  totalPoints: number;
  /** Identifies the full point list: resume and merge check it. */
  fingerprint: string;
  shard: Shard | null;
  backend: BackendName;
  package: { name: 'rnn-gd'; version: string };
  createdAt: string;
  /** Set by merge: the directories it joined. */
  mergedFrom?: string[];
}

export { CheckpointError };

export function newManifest(m: Omit<SweepManifest, 'format' | 'package' | 'createdAt'>): SweepManifest {
  return {
    format: 'rnn-gd.sweep/1',
    ...m,
    package: { name: 'rnn-gd', version: PACKAGE_VERSION },
    createdAt: new Date().toISOString(),
  };
}

const count = () => z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The manifest as read: every field checked, so nothing downstream prints NaN or Infinity. */
const manifestSchema = z
  .object({
    format: z.literal('rnn-gd.sweep/1'),
    experiment: z.string().min(1),
    title: z.string(),
    size: z.enum(SIZES as unknown as [Size, ...Size[]]),
    seeds: count(),
    totalPoints: count(),
    fingerprint: z.string().min(1),
    shard: z
      .object({ k: count(), N: count() })
      .strict()
      .refine((s) => s.k <= s.N, { message: 'needs 1 <= k <= N' })
      .nullable(),
    backend: z.enum(['wasm', 'ts']),
    package: z.object({ name: z.literal('rnn-gd'), version: z.string() }).strict(),
    createdAt: z.string(),
    mergedFrom: z.array(z.string()).optional(),
  })
  .strict();

export function readManifest(dir: string): SweepManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!pathExists(path))
    throw new CheckpointError(
      `${dir}: no ${MANIFEST_FILE} (not a sweep directory: run 'rnn-gd experiment run' into it first)`,
    );
  const json = readJsonFile(path, 'sweep manifest');
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== 'rnn-gd.sweep/1')
    throw new CheckpointError(`${path}: field 'format' must be 'rnn-gd.sweep/1', got ${JSON.stringify(format)}`);
  return parseWith(manifestSchema, json, `sweep manifest ${path}`) as SweepManifest;
}

/** Results in a points file: one per id (the last line of an id wins), in point-index order. A torn last line is ignored. */
export function readPointsFile(path: string): { results: PointResult[]; cutTail: boolean; lines: number } {
  const { lines, tornTail } = readJsonLines(path, 'points file');
  const byId = new Map<string, PointResult>();
  for (const { line, value } of lines) {
    const r = value as PointResult;
    if (
      r?.format !== 'rnn-gd.point/1' ||
      typeof r.id !== 'string' ||
      !Number.isSafeInteger(r.index) ||
      r.index < 0 ||
      typeof r.status !== 'string'
    ) {
      throw new CheckpointError(
        `${path}: line ${line} is not a point result (format 'rnn-gd.point/1' with id, index and status)`,
      );
    }
    byId.set(r.id, r);
  }
  const results = [...byId.values()].sort((a, b) => a.index - b.index);
  return { results, cutTail: tornTail, lines: lines.length };
}

export function readPoints(dir: string): PointResult[] {
  return readPointsFile(join(dir, POINTS_FILE)).results;
}

export interface OpenOptions {
  resume?: boolean;
  /** Start afresh even if the directory holds points (they are overwritten). */
  force?: boolean;
  /** Also run points recorded as errors again (on resume). */
  retryFailed?: boolean;
}

export interface Checkpoint {
  dir: string;
  path: string;
  manifest: SweepManifest;
  /** Results already in the file (resume). */
  done: Map<string, PointResult>;
  /** A cut last line was dropped. */
  repaired: boolean;
  append(result: PointResult): void;
  /** Rewrites the file with one line per point, in index order. */
  compact(): void;
  /** Releases the directory's write lock. */
  close(): void;
}

const sameShard = (a: Shard | null, b: Shard | null) => (a?.k ?? 0) === (b?.k ?? 0) && (a?.N ?? 0) === (b?.N ?? 0);

/**
 * Opens (or creates) a sweep directory for writing, holding its lock until close(). Never loses
 * results: points already there are kept unless `force`; `resume` continues only the same sweep
 * (same experiment, point list, shard and backend), and refuses a directory whose points have no
 * manifest to check them against.
 */
export function openCheckpoint(dir: string, manifest: SweepManifest, opts: OpenOptions = {}): Checkpoint {
  ensureDir(dir);
  const lock: DirectoryLock = lockDirectory(dir, `experiment run ${manifest.experiment}`);
  try {
    return openLocked(dir, manifest, opts, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

function openLocked(dir: string, manifest: SweepManifest, opts: OpenOptions, lock: DirectoryLock): Checkpoint {
  const path = join(dir, POINTS_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
  const hasPoints = (lstatSync(path, { throwIfNoEntry: false })?.size ?? 0) > 0;
  let done = new Map<string, PointResult>();
  let repaired = false;
  let effective = manifest;
  if (opts.resume && !pathExists(manifestPath) && hasPoints && !opts.force) {
    throw new CheckpointError(
      `${dir}: cannot resume: it holds points (${POINTS_FILE}) but no ${MANIFEST_FILE} to check them against; ` +
        `restore ${MANIFEST_FILE}, or use --force to start over (the points are then overwritten)`,
    );
  }
  if (opts.resume && pathExists(manifestPath)) {
    const old = readManifest(dir);
    const why =
      old.experiment !== manifest.experiment
        ? `experiment ${old.experiment}, not ${manifest.experiment}`
        : old.fingerprint !== manifest.fingerprint
          ? `a different point list (size ${old.size}, ${old.seeds} seeds, fingerprint ${old.fingerprint}; now size ${manifest.size}, ${manifest.seeds} seeds, ${manifest.fingerprint})`
          : !sameShard(old.shard, manifest.shard)
            ? `shard ${old.shard ? `${old.shard.k}/${old.shard.N}` : 'all'}, not ${manifest.shard ? `${manifest.shard.k}/${manifest.shard.N}` : 'all'}`
            : old.backend !== manifest.backend
              ? `backend ${old.backend}, not ${manifest.backend}`
              : null;
    if (why)
      throw new CheckpointError(
        `${dir}: cannot resume: the sweep there has ${why}. Use the same options, or a new --out.`,
      );
    repaired = repairJsonLines(path, 'points file');
    for (const r of readPointsFile(path).results) {
      if (opts.retryFailed && r.status === 'error') continue;
      done.set(r.id, r);
    }
    effective = old;
  } else if (hasPoints && !opts.force) {
    throw new CheckpointError(
      `${dir} already holds points (${POINTS_FILE}); use --resume to continue that sweep or --force to start over`,
    );
  } else {
    writeFileAtomic(path, '');
    done = new Map();
  }
  writeFileAtomic(manifestPath, JSON.stringify(effective, null, 2) + '\n');
  return {
    dir,
    path,
    manifest: effective,
    done,
    repaired,
    append(result) {
      // One durable line per finished point: a power loss cannot lose a completed point.
      appendLines(path, JSON.stringify(result) + '\n');
    },
    compact() {
      const { results } = readPointsFile(path);
      writeFileAtomic(path, results.map((r) => JSON.stringify(r) + '\n').join(''));
    },
    close() {
      lock.release();
    },
  };
}
