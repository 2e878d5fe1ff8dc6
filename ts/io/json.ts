/**
 * JSON text (universal): parsing with a nesting limit and errors that name the file, the one-key-
 * per-line writer of model and data files, and the unknown-key check with "did you mean" hints.
 */
import { ValidationError } from '../core/errors.js';

/**
 * Deepest nesting any rnn-gd file has is 4; 64 leaves room for free-form `meta`, and keeps every
 * recursive walk over a parsed value far from the stack limit.
 */
const MAX_JSON_DEPTH = 64;

/** JSON texts larger than this are refused (parsing them could exhaust the JavaScript heap, a fatal crash). */
export const MAX_JSON_BYTES = 256 * 2 ** 20;

/** The nesting depth of JSON text, counted outside strings (stops early past `limit`). */
function nestingDepth(text: string, limit: number): number {
  let depth = 0,
    max = 0,
    inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/**
 * The same limit on a value about to be written (or parsed from an object, not text): a writer must
 * refuse what its reader would refuse. `outer` levels already enclose it (1 for a file's field).
 * A cycle counts as too deep.
 */
export function checkJsonDepth(value: unknown, where: string, outer = 0): void {
  const depth = (v: unknown, level: number): number => {
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return level;
    if (level + 1 > MAX_JSON_DEPTH) return level + 1;
    let max = level + 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      max = Math.max(max, depth(child, level + 1));
      if (max > MAX_JSON_DEPTH) break;
    }
    return max;
  };
  if (depth(value, outer) > MAX_JSON_DEPTH)
    throw new ValidationError(
      `${where}: nested more than ${MAX_JSON_DEPTH} levels deep (or circular); rnn-gd files are at most ${MAX_JSON_DEPTH} levels deep`,
    );
}

/** Parses JSON text, naming the file on a syntax error or nesting deeper than MAX_JSON_DEPTH. */
export function parseJsonText(text: string, where: string): unknown {
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw new ValidationError(`${where}: JSON nested more than ${MAX_JSON_DEPTH} levels deep; not an rnn-gd file`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${where}: invalid JSON: ${(err as Error).message}`);
  }
}

/**
 * Serializes an object with one top-level key per line and each value compact (arrays on one
 * line). Numbers are written as JavaScript's shortest round-trip text, so float64 values survive exactly.
 */
export function stringifyTopLevel(obj: Record<string, unknown>): string {
  const lines = Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${isNumberArray(v) ? numbersText(v) : JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** A number array as JSON, keeping -0 as `-0` (JSON.stringify writes 0; JSON.parse reads `-0` back as -0). */
const numbersText = (v: number[]): string =>
  `[${v.map((x) => (Object.is(x, -0) ? '-0' : JSON.stringify(x))).join(',')}]`;

/** Substitution cost: 0 for equal, 1/2 for look-alikes (case, O/0, l/1), 1 otherwise. */
const CONFUSABLE = ['o0', 'O0', 'l1', 'I1'];
function subCost(x: string, y: string): number {
  if (x === y) return 0;
  if (x.toLowerCase() === y.toLowerCase() || CONFUSABLE.includes(x + y) || CONFUSABLE.includes(y + x)) return 0.5;
  return 1;
}

/** Edit distance with cheap look-alike substitutions (for "did you mean" hints). */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + subCost(a[i - 1], b[j - 1]));
      diag = up;
    }
  }
  return prev[b.length];
}

/** Rejects keys not in `allowed` (typo protection), suggesting the closest allowed key. */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = allowed.map((k) => ({ k, dist: editDistance(k, key) })).sort((x, y) => x.dist - y.dist)[0];
    const hint = near && near.dist <= Math.max(1, Math.floor(key.length / 3)) ? ` (did you mean '${near.k}'?)` : '';
    throw new ValidationError(
      `${where}: unknown field '${key}'${hint}; allowed fields: ${allowed.join(', ')} (put free-form information under 'meta')`,
    );
  }
}
