/**
 * Model files on disk (Node only): readModelFile, writeModelFile and readJsonFile. The JSON codec
 * (parseModelFile, modelToJson and the validation helpers) is universal and lives in
 * ./model-json.ts; it is re-exported here.
 */
import { readFileSync } from 'node:fs';
import type { ModelParams } from '../types.js';
import { ValidationError } from '../validate.js';
import { modelToJson, parseJsonText, parseModelFile, stringifyTopLevel, type ModelFile } from './model-json.js';
import { writeFileAtomic } from './npy.js';

export * from './model-json.js';

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ValidationError(`${what} ${path}: cannot read: ${(err as Error).message}`);
  }
  return parseJsonText(text, `${what} ${path}`);
}

export function readModelFile(path: string): ModelFile {
  return parseModelFile(readJsonFile(path, 'model file'), `model file ${path}`);
}

/** Writes the model file atomically (`path.tmp-<pid>`, then rename). */
export function writeModelFile(path: string, params: ModelParams & { meta?: Record<string, unknown> }): void {
  writeFileAtomic(path, stringifyTopLevel(modelToJson(params) as unknown as Record<string, unknown>));
}
