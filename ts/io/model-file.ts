/**
 * Model files on disk (Node only): readModelFile, writeModelFile and readJsonFile. The JSON codec
 * (parseModelFile, modelToJson and the validation helpers) is universal and lives in
 * ./model-json.ts; it is re-exported here.
 */
import type { ModelParams } from '../types.js';
import { readTextFile, writeFileAtomic } from './fs.js';
import { modelFileText, parseJsonText, parseModelFile, type ModelFile } from './model-json.js';

export * from './model-json.js';

/** JSON files larger than this are refused (parsing them could exhaust the JavaScript heap, a fatal crash). */
export const MAX_JSON_BYTES = 256 * 2 ** 20;

/** Reads and parses a JSON file (a regular file of at most MAX_JSON_BYTES); `what` names it in errors. */
export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(
    path,
    what,
    MAX_JSON_BYTES,
    'read as JSON; store large data sets as .npy (X.npy + Y.npy; `rnn-gd data generate` writes both)',
  );
  return parseJsonText(text, `${what} ${path}`);
}

export function readModelFile(path: string): ModelFile {
  return parseModelFile(readJsonFile(path, 'model file'), `model file ${path}`);
}

/** Writes the model file atomically (`path.tmp-<pid>`, then rename). */
export function writeModelFile(path: string, params: ModelParams & { meta?: Record<string, unknown> }): void {
  writeFileAtomic(path, modelFileText(params));
}
