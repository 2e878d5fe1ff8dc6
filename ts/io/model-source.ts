/**
 * Loading and saving a model in one call, universal (browsers, workers, Node; no `node:*` import):
 * a model file from a Blob or File, a fetch Response or a URL, and a model as a Blob to download.
 * The Node entry adds paths (./model-file.ts).
 */
import type { ModelParams } from '../core/types.js';
import { ValidationError } from '../core/errors.js';
import { MAX_JSON_BYTES } from './json.js';
import { fetchTextBounded, responseTextBounded, type FetchLimits } from './fetch-bounded.js';
import { modelFileText, parseJsonText, parseModelFile, type ModelFile } from './model-json.js';

/** Where a model file comes from: its bytes (Blob, File), a fetch Response, or a URL to fetch. */
export type ModelSource = Blob | Response | URL | string;

/**
 * Reads a model file (rnn-gd.model/1, docs/formats.md) from a Blob or File (e.g. an `<input
 * type="file">`), a fetch Response, or a URL (fetched; a string is a URL here, a path in the Node
 * entry). Every field is validated: a bad one throws a ValidationError that names it. A URL is
 * fetched within `limits`: 60 s by default (`timeoutMs`), 256 MiB after decoding (`maxBytes`,
 * refused at once by the content-length header), and the caller's `signal`.
 */
export async function loadModel(source: ModelSource, limits: FetchLimits = {}): Promise<ModelFile> {
  const { text, where } = await sourceText(source, limits);
  return parseModelFile(parseJsonText(text, where), where);
}

/** A Blob of the model file (the text `rnn-gd train` writes), e.g. for a download link; `meta` is stored with it. */
export function modelBlob(params: ModelParams, meta?: Record<string, unknown>): Blob {
  return new Blob([modelFileText(withMeta(params, meta))], { type: 'application/json' });
}

/** The parameters with `meta` (when given) in place of the model's own. */
export const withMeta = (params: ModelParams, meta?: Record<string, unknown>): ModelFile =>
  meta === undefined ? params : { ...params, meta };

async function sourceText(source: ModelSource, limits: FetchLimits): Promise<{ text: string; where: string }> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as { name?: unknown }).name;
    const where = typeof name === 'string' ? `model file ${name}` : 'model blob';
    return { text: await boundedText(source, where), where };
  }
  if (typeof source === 'string' || source instanceof URL) {
    const where = `model file ${String(source)}`;
    return { text: await fetchTextBounded(source, where, limits, MAX_JSON_BYTES), where };
  }
  if (typeof Response !== 'undefined' && source instanceof Response) {
    const where = source.url ? `model file ${source.url}` : 'model response';
    return { text: await responseTextBounded(source, where, limits.maxBytes ?? MAX_JSON_BYTES), where };
  }
  throw new ValidationError(`loadModel: expected a Blob, File, Response or URL, got ${describeSource(source)}`);
}

async function boundedText(blob: Blob, where: string): Promise<string> {
  if (blob.size > MAX_JSON_BYTES) {
    throw new ValidationError(`${where}: ${blob.size} bytes, more than the ${MAX_JSON_BYTES} a JSON file may have`);
  }
  return blob.text();
}

const describeSource = (v: unknown): string =>
  v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;
