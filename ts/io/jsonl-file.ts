/** JSON Lines files on disk (Node): read (bounded, see ./fs.ts) and repair, by ./jsonl.ts's rule. */
import { truncateSync } from 'node:fs';
import { fileSystemError } from '../core/errors.js';
import { pathExists, readFileBounded } from './fs.js';
import { parseJsonLines, type JsonLines } from './jsonl.js';

export * from './jsonl.js';

/** Files larger than this are refused (their lines are held in memory). */
export const MAX_JSONL_BYTES = 2 * 2 ** 30;

/** Reads a JSON Lines file (missing: no lines). `what` names it in errors ('points file'). */
export function readJsonLines(path: string, what: string, maxBytes = MAX_JSONL_BYTES): JsonLines {
  if (!pathExists(path)) return { lines: [], tornTail: false, completeLength: 0 };
  return parseJsonLines(readFileBounded(path, what, maxBytes), `${what} ${path}`);
}

/** Cuts off an unterminated last segment so that appended lines start on a line of their own. */
export function repairJsonLines(path: string, what: string): boolean {
  const { tornTail, completeLength } = readJsonLines(path, what);
  if (tornTail) {
    try {
      truncateSync(path, completeLength);
    } catch (err) {
      throw fileSystemError(err, 'repair', path, what);
    }
  }
  return tornTail;
}
