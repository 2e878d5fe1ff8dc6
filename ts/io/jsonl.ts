/**
 * JSON Lines (universal): the one parser of train's metrics.jsonl and the sweeps' points.jsonl
 * (./jsonl-file.ts reads and repairs them on disk).
 *
 * The torn-last-line rule: a line counts only once its newline is written. Writers append a whole
 * line (with its newline) in one write (./fs.ts appendLines), so a kill or a full disk can leave at
 * most an unterminated last segment; it is dropped. Any other line that is not valid JSON is damage,
 * refused with its line number. Bytes are decoded line by line, so a file may be larger than the
 * longest JavaScript string.
 */
import { CheckpointError } from '../core/errors.js';
import { parseJsonText } from './json.js';

export interface JsonLine {
  /** 1-based line number. */
  line: number;
  value: unknown;
}

export interface JsonLines {
  lines: JsonLine[];
  /** An unterminated last segment was dropped. */
  tornTail: boolean;
  /** Length (bytes, or characters for text) up to and including the last newline. */
  completeLength: number;
}

const decoder = new TextDecoder('utf-8');

/** Parses JSON Lines from bytes or text; `where` names the file in errors ('points file runs/p.jsonl'). */
export function parseJsonLines(data: Uint8Array | string, where: string): JsonLines {
  const text = typeof data === 'string';
  const NL = text ? '\n' : 0x0a;
  const indexOf = (from: number): number =>
    text ? (data as string).indexOf('\n', from) : (data as Uint8Array).indexOf(NL as number, from);
  const completeLength =
    (text ? (data as string).lastIndexOf('\n') : (data as Uint8Array).lastIndexOf(NL as number)) + 1;
  const lines: JsonLine[] = [];
  let start = 0;
  for (let line = 1; start < completeLength; line++) {
    const end = indexOf(start);
    const s = text ? (data as string).slice(start, end) : decoder.decode((data as Uint8Array).subarray(start, end));
    start = end + 1;
    if (s.trim() === '') continue;
    let value: unknown;
    try {
      value = parseJsonText(s, `${where} line ${line}`);
    } catch (err) {
      throw new CheckpointError(
        `${where}: line ${line} is not valid JSON (${(err as Error).message.replace(/^.*?line \d+: /, '')}); ` +
          `the file is damaged: restore it, or delete that line to run its entry again`,
      );
    }
    lines.push({ line, value });
  }
  return { lines, tornTail: completeLength < data.length, completeLength };
}
