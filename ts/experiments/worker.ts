/**
 * Worker entry: exposes the point runner through comlink. The same file runs as a Node
 * worker_thread (compiled to dist/experiments/worker.js, loaded by pool-node) and as a browser
 * module Web Worker (loaded by pool-browser). Each worker loads its own backend instance.
 */
import * as Comlink from 'comlink';
import { createWorkerApi } from './worker-api.js';
import { isNode } from '../core/runtime.js';

if (isNode) {
  const { parentPort } = await import('node:worker_threads');
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  if (!parentPort) throw new Error('rnn-gd experiments worker: this file must run as a worker thread');
  Comlink.expose(
    createWorkerApi((code) => process.exit(code)),
    nodeEndpoint(parentPort),
  );
} else {
  const scope = globalThis as unknown as { postMessage(msg: unknown): void; close(): void };
  Comlink.expose(
    createWorkerApi(() => {
      // A browser worker that closes itself fires no event: tell the pool first.
      scope.postMessage({ rnnGdWorkerExit: true });
      scope.close();
    }),
  );
}
