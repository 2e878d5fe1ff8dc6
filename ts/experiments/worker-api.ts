/**
 * What a worker exposes through comlink: the same object serves Node worker_threads and browser Web
 * Workers (and the in-process executor). Each worker holds its own backend (its own wasm instance).
 *
 * Cancellation: `cancel()` arrives as an ordinary comlink message; the trainer yields to the event
 * loop between chunks of steps, so the message is handled there and the point stops at the next
 * chunk boundary (an AbortSignal cannot cross the worker boundary by structured clone).
 */
import type { BackendName } from '../core/types.js';
import { getBackend } from '../backend/index.js';
import type { Backend } from '../backend/types.js';
import { runPoint } from './point.js';
import type { IndexedPoint, PointResult } from './types.js';

export interface WorkerInit {
  backend: BackendName;
  /** Slot number in the pool (recorded with results). */
  workerId: number;
}

export interface WorkerApi {
  /** Loads the backend (wasm: instantiates this worker's own module); returns its description. */
  init(init: WorkerInit): Promise<string>;
  /** Runs one point: its result, or null when cancelled before it finished. Throws when the point fails. */
  run(point: IndexedPoint): Promise<PointResult | null>;
  /** Asks the running point (if any) to stop at its next chunk boundary. */
  cancel(): void;
}

/**
 * The worker's API as a pool calls it across the boundary (every call answers with a promise):
 * comlink's `Remote<WorkerApi>` fits it, and the declarations need no comlink types (those need the
 * DOM lib, which a Node project does not have).
 */
export interface RemoteWorkerApi {
  init(init: WorkerInit): Promise<string>;
  run(point: IndexedPoint): Promise<PointResult | null>;
  cancel(): Promise<void>;
}

/** The worker-side implementation; `exit` ends the worker (used by the 'exit' fault of tests). */
export function createWorkerApi(exit: (code: number) => void): WorkerApi {
  let backend: Backend | null = null;
  let workerId = 0;
  let controller: AbortController | null = null;
  return {
    async init(init) {
      backend = await getBackend(init.backend);
      workerId = init.workerId;
      return backend.description;
    },
    async run(point) {
      if (!backend) throw new Error('worker: run() before init()');
      if (point.fault?.kind === 'exit') {
        exit(70);
        await new Promise(() => {}); // never settles: the worker is gone
      }
      controller = new AbortController();
      try {
        return await runPoint(point, { backend, signal: controller.signal, worker: workerId });
      } finally {
        controller = null;
      }
    },
    cancel() {
      controller?.abort();
    },
  };
}
