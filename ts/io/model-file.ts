/**
 * Model files on disk (Node only): readModelFile, writeModelFile and readJsonFile. The JSON codec
 * (parseModelFile, modelToJson and the validation helpers) is universal and lives in
 * ./model-json.ts; it is re-exported here.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ModelParams } from '../types.js';
import { ValidationError } from '../validate.js';
import { modelFileText, parseJsonText, parseModelFile, type ModelFile } from './model-json.js';
import { writeFileAtomic } from './npy.js';

export * from './model-json.js';

/** JSON files larger than this are refused (parsing them could exhaust the JavaScript heap, a fatal crash). */
export const MAX_JSON_BYTES = 256 * 2 ** 20;

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_JSON_BYTES) {
      throw new ValidationError(
        `${what} ${path}: the file has ${(size / 2 ** 20).toFixed(0)} MiB, more than the ${MAX_JSON_BYTES / 2 ** 20} MiB read as JSON; ` +
          `store large data sets as .npy (X.npy + Y.npy; \`rnn-gd data generate\` writes both)`,
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(`${what} ${path}: cannot read: ${(err as Error).message}`);
  }
  return parseJsonText(text, `${what} ${path}`);
}

export function readModelFile(path: string): ModelFile {
  return parseModelFile(readJsonFile(path, 'model file'), `model file ${path}`);
}

/** Writes the model file atomically (`path.tmp-<pid>`, then rename). */
export function writeModelFile(path: string, params: ModelParams & { meta?: Record<string, unknown> }): void {
  writeFileAtomic(path, modelFileText(params));
}
