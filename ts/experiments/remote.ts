/**
 * The pools' comlink proxies, kept out of the modules whose declarations are public (comlink's
 * types need the DOM lib, which a Node project does not have).
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from './worker-api.js';

/** Ends a comlink proxy's message channel (a worker that already died has nothing to release). */
export function releaseRemote(api: Comlink.Remote<WorkerApi>): void {
  try {
    api[Comlink.releaseProxy]();
  } catch {
    /* already gone */
  }
}
