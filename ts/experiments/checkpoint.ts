/**
 * Sweep output directories (Node): sweep.json (the manifest) and points.jsonl (one result per
 * line, appended the moment a point finishes). A resume reads the file back, repairs a last line
 * cut by a kill, and skips every point already there. When a share completes, the file is
 * rewritten in point-index order (atomically), so a merged sharded sweep equals an unsharded one.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { appendLines, ensureDir, pathExists, readFileBounded, writeFileAtomic } from '../io/fs.js';
import { lockDirectory, type DirectoryLock } from '../io/lock.js';
import { MAX_JSONL_BYTES, repairJsonLines } from '../io/jsonl-file.js';
import { MAX_JSON_BYTES } from '../io/json.js';
import {
  CheckpointError,
  MANIFEST_FILE,
  parseManifestText,
  parsePointsText,
  POINTS_FILE,
  pointsText,
  type ParsedPoints,
  type SweepManifest,
} from './sweep-format.js';
import type { Shard } from './plan.js';
import { checkPointsAgainstPlan } from './plan-check.js';
import type { PointResult } from './types.js';

export {
  CheckpointError,
  MANIFEST_FILE,
  newManifest,
  parseManifestText,
  parsePointsText,
  POINTS_FILE,
  type SweepManifest,
} from './sweep-format.js';

export function readManifest(dir: string): SweepManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!pathExists(path))
    throw new CheckpointError(
      `${dir}: no ${MANIFEST_FILE} (not a sweep directory: run 'rnn-gd experiment run' into it first)`,
    );
  return parseManifestText(
    readFileBounded(path, 'sweep manifest', MAX_JSON_BYTES).toString('utf8'),
    `sweep manifest ${path}`,
  );
}

/** Results in a points file: one per id (the last line of an id wins), in point-index order. A torn last line is ignored. */
export function readPointsFile(path: string): ParsedPoints {
  if (!pathExists(path)) return { results: [], cutTail: false, lines: 0, lineOf: new Map() };
  return parsePointsText(readFileBounded(path, 'points file', MAX_JSONL_BYTES), `points file ${path}`);
}

/** The points of a sweep directory, each checked against the plan of its manifest (./plan-check.ts). */
export function readPoints(dir: string): PointResult[] {
  const path = join(dir, POINTS_FILE);
  const parsed = readPointsFile(path);
  checkPointsAgainstPlan(parsed, readManifest(dir), `points file ${path}`);
  return parsed.results;
}

/**
 * The sweep files of a directory that is written must be its own: a symlink there (say to another
 * sweep's points.jsonl) is refused, never written through.
 */
export function refuseLinkedSweepFiles(dir: string): void {
  for (const name of [POINTS_FILE, MANIFEST_FILE]) {
    const path = join(dir, name);
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink())
      throw new CheckpointError(
        `${path} is a symlink: rnn-gd never writes a sweep through a link (it could be another sweep's file); ` +
          `replace it with a copy of the file, or use another directory`,
      );
  }
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
    refuseLinkedSweepFiles(dir);
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
    const parsed = readPointsFile(path);
    checkPointsAgainstPlan(parsed, old, `points file ${path}`);
    for (const r of parsed.results) {
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
      writeFileAtomic(path, pointsText(results));
    },
    close() {
      lock.release();
    },
  };
}
