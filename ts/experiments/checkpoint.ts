/**
 * Sweep output directories (Node): sweep.json (the manifest) and points.jsonl (one result per
 * line, appended the moment a point finishes). A resume reads the file back, repairs a last line
 * cut by a kill, and skips every point already there. When a share completes, the file is
 * rewritten in point-index order (atomically), so a merged sharded sweep equals an unsharded one.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  fsyncSync,
  readFileSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/npy.js';
import type { BackendName } from '../backend/types.js';
import { PACKAGE_VERSION } from '../version.js';
import type { Shard } from './plan.js';
import type { PointResult, Size } from './types.js';

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
  /** The experiment's width search was on (absent in sweeps written before it existed: false). */
  search?: boolean;
  package: { name: 'rnn-gd'; version: string };
  createdAt: string;
  /** Set by merge: the directories it joined. */
  mergedFrom?: string[];
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function newManifest(m: Omit<SweepManifest, 'format' | 'package' | 'createdAt'>): SweepManifest {
  return {
    format: 'rnn-gd.sweep/1',
    ...m,
    package: { name: 'rnn-gd', version: PACKAGE_VERSION },
    createdAt: new Date().toISOString(),
  };
}

export function readManifest(dir: string): SweepManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path))
    throw new CheckpointError(
      `${dir}: no ${MANIFEST_FILE} (not a sweep directory: run 'rnn-gd experiment run' into it first)`,
    );
  let m: SweepManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (m?.format !== 'rnn-gd.sweep/1')
    throw new CheckpointError(`${path}: field 'format' must be 'rnn-gd.sweep/1', got ${JSON.stringify(m?.format)}`);
  return m;
}

/** Results in a points file: one per id (the last line of an id wins), in point-index order. A cut last line is ignored. */
export function readPointsFile(path: string): { results: PointResult[]; cutTail: boolean; lines: number } {
  if (!existsSync(path)) return { results: [], cutTail: false, lines: 0 };
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const complete = text.endsWith('\n') || text === '';
  const byId = new Map<string, PointResult>();
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const isLast = i === lines.length - 1;
    let r: PointResult;
    try {
      r = JSON.parse(line);
    } catch (err) {
      if (isLast && !complete) continue; // cut by a kill mid-write
      throw new CheckpointError(`${path}: line ${i + 1} is not valid JSON (${(err as Error).message})`);
    }
    if (r?.format !== 'rnn-gd.point/1' || typeof r.id !== 'string' || typeof r.index !== 'number') {
      throw new CheckpointError(
        `${path}: line ${i + 1} is not a point result (format 'rnn-gd.point/1' with id and index)`,
      );
    }
    byId.set(r.id, r);
    count++;
  }
  const results = [...byId.values()].sort((a, b) => a.index - b.index);
  return { results, cutTail: !complete, lines: count };
}

export function readPoints(dir: string): PointResult[] {
  return readPointsFile(join(dir, POINTS_FILE)).results;
}

/** Drops a last line cut by a kill (everything after the last newline). */
function repairTail(path: string): boolean {
  if (!existsSync(path)) return false;
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return false;
  const lastNl = buf.lastIndexOf(0x0a);
  truncateSync(path, lastNl + 1);
  return true;
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
}

const sameShard = (a: Shard | null, b: Shard | null) => (a?.k ?? 0) === (b?.k ?? 0) && (a?.N ?? 0) === (b?.N ?? 0);

/** Opens (or creates) a sweep directory for writing. */
export function openCheckpoint(dir: string, manifest: SweepManifest, opts: OpenOptions = {}): Checkpoint {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, POINTS_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
  const hasPoints = existsSync(path) && statSync(path).size > 0;
  let done = new Map<string, PointResult>();
  let repaired = false;
  let effective = manifest;
  if (opts.resume && existsSync(manifestPath)) {
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
    repaired = repairTail(path);
    for (const r of readPointsFile(path).results) {
      if (opts.retryFailed && r.status === 'error') continue;
      done.set(r.id, r);
    }
    effective = old;
  } else if (hasPoints && !opts.force && !opts.resume) {
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
      appendFileSync(path, JSON.stringify(result) + '\n');
    },
    compact() {
      const { results } = readPointsFile(path);
      writeFileAtomic(path, results.map((r) => JSON.stringify(r) + '\n').join(''));
      try {
        const fd = openSync(path, 'r');
        fsyncSync(fd);
        closeSync(fd);
      } catch {
        /* best effort */
      }
    },
  };
}
