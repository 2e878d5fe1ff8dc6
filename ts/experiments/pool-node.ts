/** Node worker_threads for the worker pool: each worker loads dist/experiments/worker.js with its own backend. */
import type { BackendName } from '../core/types.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { WorkerPool, poolSize, type WorkerFactory, type WorkerHandle } from './pool.js';
import { releaseRemote } from './remote.js';
import type { WorkerApi } from './worker-api.js';
import { WorkerCrashError } from '../core/errors.js';

/** The compiled worker entry beside this module (dist/experiments/worker.js). */
export const NODE_WORKER_URL = new URL('./worker.js', import.meta.url);

export function nodeWorkerFactory(url: URL = NODE_WORKER_URL): WorkerFactory {
  return (slot: number): WorkerHandle => {
    const worker = new Worker(url, { name: `rnn-gd-experiments-${slot}` });
    let terminating = false;
    const crashed = new Promise<never>((_, reject) => {
      worker.once('error', (err) =>
        reject(new WorkerCrashError(`worker ${slot} crashed: ${err?.message ?? String(err)}`)),
      );
      worker.once('exit', (code) =>
        reject(
          new WorkerCrashError(
            terminating ? `worker ${slot} was terminated` : `worker ${slot} exited with code ${code}`,
          ),
        ),
      );
    });
    crashed.catch(() => {});
    const api = Comlink.wrap<WorkerApi>(nodeEndpoint(worker));
    return {
      api,
      crashed,
      async terminate() {
        releaseRemote(api);
        terminating = true;
        await worker.terminate();
      },
    };
  };
}

/** Workers to use by default in Node: the available cores. */
export const nodeDefaultWorkers = (): number => Math.max(1, availableParallelism());

export function createNodePool(options: { size?: number; backend: BackendName; workerUrl?: URL }): WorkerPool {
  return new WorkerPool({
    // The one worker rule (ts/core/workers.ts): at most 4 per core (the sweep caps at its points).
    size: poolSize(options.size, nodeDefaultWorkers()),
    backend: options.backend,
    factory: nodeWorkerFactory(options.workerUrl),
  });
}
