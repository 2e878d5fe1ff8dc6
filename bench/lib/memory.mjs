/**
 * Bytes a workspace needs, measured as wasm memory growth (64 KiB pages) when a network and a
 * workspace for a case are created in the (fresh) instance. Kept alive while measuring the next
 * case so freed blocks are not reused, then all freed.
 */
import { benchData, benchParams } from './recipe.mjs';
import { rnnBackend } from './rnn-gd.mjs';

/**
 * @param {import('../../dist/backend/wasm-loader.js').LoadedWasm} mod the instance `backendName` runs in
 * @param {string} backendName
 * @param {import('./recipe.mjs').BenchCase[]} cases
 */
export async function measureMemory(mod, backendName, cases) {
  const backend = await rnnBackend(backendName);
  if (!backend) throw new Error(`measureMemory: backend ${backendName} is not built`);
  const bytes = () => mod.memory.buffer.byteLength;
  const live = [];
  const out = [];
  for (const c of cases) {
    const b0 = bytes();
    const net = backend.network(benchParams(c));
    const b1 = bytes();
    const ws = net.workspace(c.n, c.T);
    ws.setData(benchData(c));
    const b2 = bytes();
    ws.train(1, 1e-3, { kind: 'none' }); // reserves the per-chunk record buffers
    const b3 = bytes();
    live.push(ws, net);
    out.push({
      case: c.name,
      backend: backendName,
      network: b1 - b0,
      workspace: b2 - b1,
      firstTrain: b3 - b2,
      bytes: b3 - b0,
      memoryAfter: b3,
    });
  }
  for (const o of live) o.free();
  return out;
}
