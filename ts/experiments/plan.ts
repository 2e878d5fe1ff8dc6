/** Sweep plans: the indexed point list of an experiment, deterministic shards, and a fingerprint. */
import { UsageError } from '../core/errors.js';
import type { Experiment, PresetOptions } from './experiment.js';
import { expandPoints } from './experiment.js';
import type { IndexedPoint, PointConfig, Size } from './types.js';

export interface Shard {
  /** 1-based shard number */
  k: number;
  N: number;
}

/** Parses 'k/N' (1 <= k <= N). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`option --shard: expected k/N (e.g. 2/4), got '${text}'`);
  const k = Number(m[1]),
    N = Number(m[2]);
  if (!Number.isSafeInteger(N) || N < 1 || k < 1 || k > N)
    throw new UsageError(`option --shard: need 1 <= k <= N, got ${k}/${N}`);
  return { k, N };
}

export const formatShard = (s: Shard | null | undefined): string => (s ? `${s.k}/${s.N}` : 'all');

/** Shard k of N holds the points whose index % N == k - 1: a round-robin share, balanced over configurations. */
export const inShard = (index: number, shard: Shard | null | undefined): boolean =>
  !shard || index % shard.N === shard.k - 1;

/**
 * The points of shard k of N. Plain points go round-robin by index; the points of one width search
 * stay together (they depend on each other), its units round-robin in order of first appearance.
 */
export function selectShard<P extends IndexedPoint>(points: readonly P[], shard: Shard | null | undefined): P[] {
  if (!shard) return [...points];
  const unitOrdinal = new Map<string, number>();
  for (const p of points)
    if (p.search && !unitOrdinal.has(p.search.unit)) unitOrdinal.set(p.search.unit, unitOrdinal.size);
  return points.filter((p) => inShard(p.search ? unitOrdinal.get(p.search.unit)! : p.index, shard));
}

export function planSweep(exp: Experiment, size: Size, opts: PresetOptions = {}): IndexedPoint[] {
  return expandPoints(exp, size, opts).map((p, index) => ({ ...p, index }));
}

/** Keys in sorted order, so that the same config always prints the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a (64-bit, as two 32-bit halves) of a string: a compact fingerprint (not cryptographic). */
function fnv1a64(text: string): string {
  let h1 = 0x811c9dc5,
    h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 7), 0x01000193) >>> 0;
  }
  return h2.toString(16).padStart(8, '0') + h1.toString(16).padStart(8, '0');
}

/**
 * Identifies a sweep's full point list (all shards): resume and merge refuse points of another
 * sweep. Injected faults (a testing hook) are not part of a sweep's identity.
 */
export function sweepFingerprint(points: readonly (PointConfig & { index: number })[]): string {
  return fnv1a64(canonicalJson(points.map(({ fault: _fault, ...p }) => p)));
}
