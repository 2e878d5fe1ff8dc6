/** Child process of bench/lib/relaxed.mjs (run with --experimental-wasm-relaxed-simd). */
import { wasmBackend } from '../../dist/backend/wasm-backend.js';
import { benchData, benchParams, ETA, PROJECTION } from './recipe.mjs';

/** @typedef {import('./relaxed.mjs').Command} Command */
/** @typedef {import('./relaxed.mjs').Reply} Reply */

if (!process.send) throw new Error('relaxed-child.mjs runs as the fork of bench/lib/relaxed.mjs (no IPC channel)');
/** @type {(reply: Reply) => boolean} */
const send = process.send.bind(process);
/** @type {import('./recipe.mjs').BenchCase} */
const c = JSON.parse(process.argv[2]);
/** @type {import('../../dist/entries/index.js').Network | null} */
let net = null;
/** @type {import('../../dist/entries/index.js').Workspace | null} */
let ws = null;
const workspace = () => {
  if (!ws) throw new Error(`wasm-relaxed ${c.name}: no workspace before 'ready'`);
  return ws;
};
process.on('message', async (/** @type {Command} */ m) => {
  try {
    if (m.cmd === 'ready') {
      const backend = await wasmBackend('relaxed');
      net = backend.network(benchParams(c));
      ws = net.workspace(c.n, c.T);
      ws.setData(benchData(c));
      send({ value: backend.description });
    } else if (m.cmd === 'loss') {
      send({ value: workspace().forward().loss });
    } else if (m.cmd === 'step') {
      const u = process.cpuUsage();
      const r = workspace().train(m.k, ETA, PROJECTION);
      const cpu = process.cpuUsage(u);
      if (r.completed !== m.k) throw new Error(`wasm-relaxed ${c.name}: stopped after ${r.completed}/${m.k} steps`);
      send({ value: r.losses[m.k - 1], cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (m.cmd === 'free') {
      workspace().free();
      net?.free();
      send({ value: null });
    }
  } catch (err) {
    send({ error: err instanceof Error ? err.message : String(err) });
  }
});
