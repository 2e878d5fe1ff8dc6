/**
 * Browser Web Workers for the worker pool (module workers). Bundlers (Vite, webpack 5) recognise
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` and bundle the entry.
 */
import type { BackendName } from '../core/types.js';
import * as Comlink from 'comlink';
import { WorkerPool, defaultWorkerCount, poolSize, type WorkerFactory, type WorkerHandle } from './pool.js';
import { releaseRemote } from './remote.js';
import type { WorkerApi } from './worker-api.js';
import { WorkerCrashError } from '../core/errors.js';

export function browserWorkerFactory(url?: URL): WorkerFactory {
  return (slot: number): WorkerHandle => {
    const worker = url
      ? new Worker(url, { type: 'module', name: `rnn-gd-experiments-${slot}` })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `rnn-gd-experiments-${slot}` });
    const crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (ev) => {
        ev.preventDefault();
        reject(new WorkerCrashError(`worker ${slot} crashed: ${ev.message || 'uncaught error'}`));
      });
      worker.addEventListener('message', (ev) => {
        if ((ev.data as { rnnGdWorkerExit?: boolean })?.rnnGdWorkerExit)
          reject(new WorkerCrashError(`worker ${slot} exited`));
      });
    });
    crashed.catch(() => {});
    const api = Comlink.wrap<WorkerApi>(worker);
    return {
      api,
      crashed,
      async terminate() {
        releaseRemote(api);
        worker.terminate();
      },
    };
  };
}

export function createBrowserPool(options: { size?: number; backend: BackendName; workerUrl?: URL }): WorkerPool {
  return new WorkerPool({
    size: poolSize(options.size, defaultWorkerCount()),
    backend: options.backend,
    factory: browserWorkerFactory(options.workerUrl),
  });
}
