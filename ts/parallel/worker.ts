/**
 * Worker of a data-parallel run: its own wasm instance holds the model and one shard of the data.
 * Every step: copy the shared parameters in, compute the shard's loss and mean gradient, publish
 * them, barrier; worker 0 reduces in fixed order, updates and projects the shared parameters;
 * barrier. Runs as a Node worker_thread (dist/parallel/worker.js) or a browser module Worker.
 */
import { wasmBackend } from '../backend/wasm-backend.js';
import type { Network, Workspace } from '../backend/types.js';
import { CTRL, SharedViews, reduce, update } from './shared.js';
import type { InitRequest, Reply, Request } from './protocol.js';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

interface State {
  req: InitRequest;
  v: SharedViews;
  net: Network;
  ws: Workspace;
}
let state: State | null = null;

/** The shard's loss and gradient into slot `index`. */
function shardGradient(s: State): void {
  const { v, net, ws, req } = s;
  net.write('W', v.W);
  net.write('U', v.U);
  v.losses[req.index] = ws.lossGrad();
  const slot = v.slots[req.index];
  slot.set(net.read('gradW', { view: true }), 0);
  slot.set(net.read('gradU', { view: true }), v.nw);
}

async function handle(msg: Request): Promise<Omit<Reply, 'id'>> {
  switch (msg.type) {
    case 'init': {
      const backend = await wasmBackend(msg.flavor);
      const v = new SharedViews(msg.buffers, msg.spec.recurrence === 'dense' ? msg.spec.m * msg.spec.m : msg.spec.m, msg.spec.m * msg.spec.d, msg.workers);
      const f64 = (a: Float32Array) => Float64Array.from(a);
      const net = backend.network({ spec: msg.spec, W: f64(v.W), U: f64(v.U), c: msg.c, W0: f64(v.W0), U0: f64(v.U0) });
      const ws = net.workspace(msg.n, msg.T);
      ws.setData({ n: msg.n, T: msg.T, d: msg.spec.d, X: msg.X, Y: msg.Y });
      state = { req: msg, v, net, ws };
      return { description: backend.description };
    }
    case 'train': {
      const s = need();
      const { v, req } = s;
      const lead = req.index === 0;
      const losses = new Float64Array(msg.steps);
      const gradNorms = new Float64Array(msg.steps);
      let completed = 0;
      for (let step = 0; step < msg.steps; step++) {
        shardGradient(s);
        v.barrier();
        if (lead) {
          const { loss, gradNormSq } = reduce(v, req.weights);
          if (!Number.isFinite(loss) || !Number.isFinite(gradNormSq)) {
            Atomics.store(v.ctrl, CTRL.stop, 1); // keep the last finite parameters
          } else {
            losses[step] = loss;
            gradNorms[step] = Math.sqrt(gradNormSq);
            update(v, req.spec, msg.eta, msg.projection);
          }
        }
        v.barrier();
        if (Atomics.load(v.ctrl, CTRL.stop)) break;
        completed++;
      }
      return lead ? { completed, losses: losses.slice(0, completed), gradNorms: gradNorms.slice(0, completed) } : { completed };
    }
    case 'lossGrad': {
      const s = need();
      shardGradient(s);
      s.v.barrier();
      if (s.req.index !== 0) return {};
      return { loss: reduce(s.v, s.req.weights).loss };
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
  port.on('message', serve((r) => port.postMessage(r)));
} else {
  const scope = globalThis as unknown as { postMessage(m: unknown): void; addEventListener(t: 'message', f: (e: { data: Request }) => void): void };
  const onMessage = serve((r) => scope.postMessage(r));
  scope.addEventListener('message', (e) => void onMessage(e.data));
}
