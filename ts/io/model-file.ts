/**
 * Model files on disk (Node only): saveModel, loadModel (paths, plus the universal sources of
 * ./model-source.ts), readModelFile and readJsonFile. The JSON codec (parseModelFile, modelToJson
 * and the validation helpers) is universal and lives in ./model-json.ts; it is re-exported here.
 */
import { fileURLToPath } from 'node:url';
import type { ModelParams } from '../core/types.js';
import { readTextFile, writeFileAtomic } from './fs.js';
import { MAX_JSON_BYTES } from './json.js';
import { modelFileText, parseJsonText, parseModelFile, type ModelFile } from './model-json.js';
import { loadModel as loadModelFrom, withMeta, type ModelSource } from './model-source.js';
import type { FetchLimits } from './fetch-bounded.js';

export * from './model-json.js';

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

/**
 * Writes the model file (rnn-gd.model/1, docs/formats.md) atomically (`path.tmp-<pid>`, then
 * rename), with `meta` (when given) in place of the model's own; the parameters are validated first.
 */
export function saveModel(
  path: string,
  params: ModelParams & { meta?: Record<string, unknown> },
  meta?: Record<string, unknown>,
): void {
  writeFileAtomic(path, modelFileText(withMeta(params, meta)));
}

/**
 * Reads a model file: a path or `file:` URL (read from disk), or any source of the universal
 * `loadModel` (a Blob, a fetch Response, an http(s) URL object). Every field is validated.
 */
export async function loadModel(source: ModelSource, limits: FetchLimits = {}): Promise<ModelFile> {
  if (typeof source === 'string') return readModelFile(source);
  if (source instanceof URL && source.protocol === 'file:') return readModelFile(fileURLToPath(source));
  return loadModelFrom(source, limits);
}
