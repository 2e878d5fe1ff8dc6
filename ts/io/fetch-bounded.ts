/**
 * Reading a model from the network within bounds (universal): a size limit checked on the
 * content-length header before any byte is read and again on the bytes as they stream in (after
 * any gzip/br decoding the fetch did, so a small compressed body cannot expand past it), a
 * timeout for the whole fetch (a stalled server cannot hang the caller), and the caller's
 * AbortSignal.
 */
import { UserError, ValidationError } from '../core/errors.js';

/** Default time for fetching a model by URL, headers and body together. */
const DEFAULT_FETCH_TIMEOUT_MS = 60_000;

export interface FetchLimits {
  /** Stops the fetch (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Milliseconds for the whole fetch, headers and body (default 60000). */
  timeoutMs?: number;
  /** Bytes the body may have, after decoding (default: the JSON limit, 256 MiB). */
  maxBytes?: number;
}

function checkLimits(limits: FetchLimits, maxDefault: number): { timeoutMs: number; maxBytes: number } {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = limits.maxBytes ?? maxDefault;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > 2_147_483_647)
    throw new ValidationError(
      `loadModel: option timeoutMs must be a number of milliseconds in (0, 2^31), got ${String(timeoutMs)}`,
    );
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
    throw new ValidationError(
      `loadModel: option maxBytes must be a whole number of bytes >= 0, got ${String(maxBytes)}`,
    );
  if (limits.signal !== undefined && !(limits.signal instanceof AbortSignal))
    throw new ValidationError('loadModel: option signal must be an AbortSignal');
  return { timeoutMs, maxBytes };
}

/** The text of a URL's body, within `limits`. `where` names the source in errors. */
export async function fetchTextBounded(
  url: string | URL,
  where: string,
  limits: FetchLimits,
  maxDefault: number,
): Promise<string> {
  const { timeoutMs, maxBytes } = checkLimits(limits, maxDefault);
  limits.signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forward = () => controller.abort(limits.signal?.reason);
  limits.signal?.addEventListener('abort', forward, { once: true });
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (err) {
      if (!controller.signal.aborted) throw new UserError(`${where}: could not fetch it: ${(err as Error).message}`);
      throw err;
    }
    return await responseTextBounded(response, where, maxBytes);
  } catch (err) {
    if (timedOut)
      throw new UserError(
        `${where}: no complete answer within ${timeoutMs / 1000} s (option timeoutMs of loadModel waits longer)`,
      );
    if (limits.signal?.aborted) throw limits.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', forward);
  }
}

/** The text of a Response's body, refused at once by its content-length, or as soon as the streamed bytes pass `maxBytes`. */
export async function responseTextBounded(response: Response, where: string, maxBytes: number): Promise<string> {
  const at = response.url ? `model file ${response.url}` : where;
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ValidationError(`${at}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const tooBig = (what: string) =>
    new ValidationError(`${at}: ${what}, more than the ${maxBytes} bytes a model file may have`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig(`content-length ${declared} bytes`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig(
        `the body has over ${total} bytes${response.headers.get('content-encoding') ? ' once decoded' : ''}`,
      );
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}
