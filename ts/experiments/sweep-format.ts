/**
 * The sweep formats as text (universal: Node and browsers): the manifest `sweep.json`
 * ('rnn-gd.sweep/1') and the points file `points.jsonl` (one 'rnn-gd.point/1' result per line).
 * Reading and writing sweep directories is in ./checkpoint.ts (Node); the browser lab keeps the
 * same records in IndexedDB and downloads them in these formats.
 */
import type { BackendName } from '../backend/types.js';
import { CheckpointError } from '../errors.js';
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

/** A manifest from its JSON text; `where` names the file in errors. */
export function parseManifestText(text: string, where: string): SweepManifest {
  let m: SweepManifest;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (m?.format !== 'rnn-gd.sweep/1')
    throw new CheckpointError(`${where}: field 'format' must be 'rnn-gd.sweep/1', got ${JSON.stringify(m?.format)}`);
  return m;
}

export interface ParsedPoints {
  /** One result per id (the last line of an id wins), in point-index order. */
  results: PointResult[];
  /** The text did not end with a newline: its last line was cut (a kill mid-write) and is ignored. */
  cutTail: boolean;
  /** Result lines read (duplicates included). */
  lines: number;
}

/** The results of a points file's text; `where` names the file in errors. */
export function parsePointsText(text: string, where: string): ParsedPoints {
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
      throw new CheckpointError(`${where}: line ${i + 1} is not valid JSON (${(err as Error).message})`);
    }
    if (r?.format !== 'rnn-gd.point/1' || typeof r.id !== 'string' || typeof r.index !== 'number') {
      throw new CheckpointError(
        `${where}: line ${i + 1} is not a point result (format 'rnn-gd.point/1' with id and index)`,
      );
    }
    byId.set(r.id, r);
    count++;
  }
  const results = [...byId.values()].sort((a, b) => a.index - b.index);
  return { results, cutTail: !complete, lines: count };
}

/** A points file's text: one result per line, in the order given. */
export const pointsText = (results: readonly PointResult[]): string =>
  results.map((r) => JSON.stringify(r) + '\n').join('');
