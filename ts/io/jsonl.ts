/**
 * JSON Lines files (Node): the one reader of train's metrics.jsonl and the sweeps' points.jsonl.
 *
 * The torn-last-line rule: a line counts only once its newline is written. Writers append a whole
 * line (with its newline) in one write (./fs.ts appendLines), so a kill or a full disk can leave at
 * most an unterminated last segment; the reader drops it (and `repairJsonLines` cuts it off before
 * new lines are appended). Any other line that is not valid JSON is damage, refused with its line
 * number. Lines are decoded one by one from the bytes, so a file may be larger than the longest
 * JavaScript string.
 */
import { truncateSync } from 'node:fs';
import { CheckpointError } from '../errors.js';
import { pathExists, readFileBounded } from './fs.js';
import { parseJsonText } from './json.js';

/** Files larger than this are refused (the lines are held in memory). */
export const MAX_JSONL_BYTES = 2 * 2 ** 30;

export interface JsonLine {
  /** 1-based line number. */
  line: number;
  value: unknown;
}

export interface JsonLines {
  lines: JsonLine[];
  /** An unterminated last segment was dropped. */
  tornTail: boolean;
  /** Bytes up to and including the last newline. */
  completeBytes: number;
}

/** Reads a JSON Lines file (missing: no lines). `what` names it in errors ('points file'). */
export function readJsonLines(path: string, what: string, maxBytes = MAX_JSONL_BYTES): JsonLines {
  if (!pathExists(path)) return { lines: [], tornTail: false, completeBytes: 0 };
  const buf = readFileBounded(path, what, maxBytes);
  const completeBytes = buf.lastIndexOf(0x0a) + 1;
  const lines: JsonLine[] = [];
  let start = 0;
  for (let line = 1; start < completeBytes; line++) {
    const end = buf.indexOf(0x0a, start);
    const text = buf.toString('utf8', start, end);
    start = end + 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = parseJsonText(text, `${what} ${path} line ${line}`);
    } catch (err) {
      throw new CheckpointError(
        `${what} ${path}: line ${line} is not valid JSON (${(err as Error).message.replace(/^.*?: /, '')}); ` +
          `the file is damaged: restore it, or remove the line to run its entry again`,
      );
    }
    lines.push({ line, value });
  }
  return { lines, tornTail: completeBytes < buf.length, completeBytes };
}

/** Cuts off an unterminated last segment so that appended lines start on a line of their own. */
export function repairJsonLines(path: string, what: string): boolean {
  const { tornTail, completeBytes } = readJsonLines(path, what);
  if (tornTail) truncateSync(path, completeBytes);
  return tornTail;
}
