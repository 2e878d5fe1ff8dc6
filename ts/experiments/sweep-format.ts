/**
 * The sweep formats as text (universal: Node and browsers): the manifest `sweep.json`
 * ('rnn-gd.sweep/1') and the points file `points.jsonl` (one 'rnn-gd.point/1' result per line).
 * Reading and writing sweep directories is in ./checkpoint.ts (Node); the browser lab keeps the
 * same records in IndexedDB and downloads them in these formats.
 */
import type { BackendName } from '../core/types.js';
import { z } from 'zod';
import { CheckpointError } from '../core/errors.js';
import { parseJsonText } from '../io/json.js';
import { parseJsonLines } from '../io/jsonl.js';
import { parseWith } from '../core/validate.js';
import { PACKAGE_VERSION } from '../core/version.js';
import type { Shard } from './plan.js';
import { checkEtaChoice, type EtaChoice } from './step-size.js';
import { SIZES, type PointResult, type Size } from './types.js';
import { BACKEND_NAMES } from '../backend/index.js';

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
  /** The step-size choice given to the experiment (absent: the preset's own), needed to replan the sweep. */
  eta?: EtaChoice;
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
    backend: z.enum(BACKEND_NAMES),
    search: z.boolean().optional(),
    eta: z
      .unknown()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        try {
          return checkEtaChoice(v, 'eta');
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
    package: z.object({ name: z.literal('rnn-gd'), version: z.string() }).strict(),
    createdAt: z.string(),
    mergedFrom: z.array(z.string()).optional(),
  })
  .strict();

/** A manifest from its JSON text, every field validated; `where` names the file in errors. */
export function parseManifestText(text: string, where: string): SweepManifest {
  const json = parseJsonText(text, where);
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== 'rnn-gd.sweep/1')
    throw new CheckpointError(`${where}: field 'format' must be 'rnn-gd.sweep/1', got ${JSON.stringify(format)}`);
  return parseWith(manifestSchema, json, where) as SweepManifest;
}

export interface ParsedPoints {
  /** One result per id (the last line of an id wins), in point-index order. */
  results: PointResult[];
  /** The last line had no newline: it was cut (a kill mid-write) and is ignored. */
  cutTail: boolean;
  /** Result lines read (duplicates included). */
  lines: number;
  /** The line (1-based) each id's result was read from. */
  lineOf: Map<string, number>;
}

/** The results of a points file (bytes or text, by the JSON Lines rule of io/jsonl.ts); `where` names the file. */
export function parsePointsText(data: string | Uint8Array, where: string): ParsedPoints {
  const { lines, tornTail } = parseJsonLines(data, where);
  const byId = new Map<string, PointResult>();
  const lineOf = new Map<string, number>();
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
        `${where}: line ${line} is not a point result (format 'rnn-gd.point/1' with id, index and status)`,
      );
    }
    byId.set(r.id, r);
    lineOf.set(r.id, line);
  }
  const results = [...byId.values()].sort((a, b) => a.index - b.index);
  return { results, cutTail: tornTail, lines: lines.length, lineOf };
}

/** A points file's text: one result per line, in the order given. */
export const pointsText = (results: readonly PointResult[]): string =>
  results.map((r) => JSON.stringify(r) + '\n').join('');
