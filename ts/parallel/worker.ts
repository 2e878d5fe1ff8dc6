/**
 * Worker of a data-parallel run: its own core instance (native addon or wasm) holds the model and a workspace for one
 * chunk of samples. Every step: copy the shared parameters in; claim chunks one at a time
 * (whichever worker is free takes the next), compute each chunk's loss and mean gradient into
 * that chunk's slot; barrier; worker 0 reduces the slots in fixed chunk order, updates and
 * projects the shared parameters; barrier. Runs as a Node worker_thread (dist/parallel/worker.js)
 * or a browser module Worker.
 */
import { wasmBackend } from '../backend/wasm-backend.js';
import { getBackend } from '../backend/index.js';
import type { Network, Workspace } from '../backend/types.js';
import { CTRL, SharedViews, reduce, update } from './shared.js';
import type { InitRequest, Reply, Request } from './protocol.js';
import { uLength, wLength } from '../core/types.js';
import { isNode } from '../core/runtime.js';

interface State {
  req: InitRequest;
  v: SharedViews;
  net: Network;
  ws: Workspace;
}
let state: State | null = null;

/** Computes chunks until none is left; returns how many this worker did. */
function chunkGradients(s: State): number {
  const { v, net, ws } = s;
  net.write('W', v.W);
  net.write('U', v.U);
  let done = 0;
  for (let c = v.claim(); c >= 0; c = v.claim()) {
    ws.setData(v.chunk(c));
    v.losses[c] = ws.lossGrad();
    const slot = v.slots[c];
    slot.set(net.read('gradW', { view: true }), 0);
    slot.set(net.read('gradU', { view: true }), v.nw);
    done++;
  }
  return done;
}

async function handle(msg: Request): Promise<Omit<Reply, 'id'>> {
  switch (msg.type) {
    case 'init': {
      const backend = msg.backend === 'native' ? await getBackend('native') : await wasmBackend(msg.flavor);
      const { spec, layout } = msg;
      const v = new SharedViews(msg.buffers, wLength(spec), uLength(spec), layout, msg.workers);
      const f64 = (a: Float32Array) => Float64Array.from(a);
      const net = backend.network({ spec, W: f64(v.W), U: f64(v.U), c: msg.c, W0: f64(v.W0), U0: f64(v.U0) });
      let size = 0;
      for (let c = 0; c < v.chunks; c++) size = Math.max(size, layout.starts[c + 1] - layout.starts[c]);
      const ws = net.workspace(size, layout.T);
      state = { req: msg, v, net, ws };
      return { description: backend.description };
    }
    case 'train': {
      const s = need();
      const { v, req } = s;
      const lead = req.index === 0;
      const losses = new Float64Array(msg.steps);
      const gradNorms = new Float64Array(msg.steps);
      let completed = 0,
        chunksDone = 0,
        waitMs = 0;
      const wait = () => {
        const t = performance.now();
        v.barrier();
        waitMs += performance.now() - t;
      };
      for (let step = 0; step < msg.steps; step++) {
        chunksDone += chunkGradients(s);
        wait();
        if (lead) {
          const { loss, gradNormSq } = reduce(v);
          if (!Number.isFinite(loss) || !Number.isFinite(gradNormSq)) {
            Atomics.store(v.ctrl, CTRL.stop, 1); // keep the last finite parameters
          } else {
            losses[step] = loss;
            gradNorms[step] = Math.sqrt(gradNormSq);
            update(v, req.spec, msg.eta, msg.projection);
          }
          Atomics.store(v.ctrl, CTRL.next, 0); // every other worker waits at the barrier below
        }
        wait();
        if (Atomics.load(v.ctrl, CTRL.stop)) break;
        completed++;
      }
      const mine = { completed, chunksDone, waitMs };
      return lead ? { ...mine, losses: losses.slice(0, completed), gradNorms: gradNorms.slice(0, completed) } : mine;
    }
    case 'lossGrad': {
      const s = need();
      const chunksDone = chunkGradients(s);
      s.v.barrier();
      if (s.req.index !== 0) return { chunksDone };
      const { loss } = reduce(s.v);
      Atomics.store(s.v.ctrl, CTRL.next, 0);
      return { loss, chunksDone };
    }
    case 'free': {
      state?.ws.free();
      state?.net.free();
      state = null;
      return {};
    }
  }
}

function need(): State {
  if (!state) throw new Error('parallel worker: not initialized');
  return state;
}

type Post = (reply: Reply) => void;
const serve = (post: Post) => async (msg: Request) => {
  try {
    post({ id: msg.id, ...(await handle(msg)) });
  } catch (err) {
    post({ id: msg.id, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
};

if (isNode) {
  const { parentPort } = await import('node:worker_threads');
  if (!parentPort) throw new Error('rnn-gd parallel worker: this file must run as a worker thread');
  const port = parentPort;
  port.on(
    'message',
    serve((r) => port.postMessage(r)),
  );
} else {
  const scope = globalThis as unknown as {
    postMessage(m: unknown): void;
    addEventListener(t: 'message', f: (e: { data: Request }) => void): void;
  };
  const onMessage = serve((r) => scope.postMessage(r));
  scope.addEventListener('message', (e) => void onMessage(e.data));
}
