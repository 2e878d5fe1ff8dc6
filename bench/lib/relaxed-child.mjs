/** Child process of bench/lib/relaxed.mjs (run with --experimental-wasm-relaxed-simd). */
import { wasmBackend } from '../../dist/backend/wasm-backend.js';
import { benchData, benchParams, ETA, PROJECTION } from './cases.mjs';

const c = JSON.parse(process.argv[2]);
let net = null,
  ws = null;
process.on('message', async (m) => {
  try {
    if (m.cmd === 'ready') {
      const backend = await wasmBackend('relaxed');
      net = backend.network(benchParams(c));
      ws = net.workspace(c.n, c.T);
      ws.setData(benchData(c));
      process.send({ value: backend.description });
    } else if (m.cmd === 'loss') {
      process.send({ value: ws.forward().loss });
    } else if (m.cmd === 'step') {
      const u = process.cpuUsage();
      const r = ws.train(m.k, ETA, PROJECTION);
      const cpu = process.cpuUsage(u);
      if (r.completed !== m.k) throw new Error(`wasm-relaxed ${c.name}: stopped after ${r.completed}/${m.k} steps`);
      process.send({ value: r.losses[m.k - 1], cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (m.cmd === 'free') {
      ws.free();
      net.free();
      process.send({ value: null });
    }
  } catch (err) {
    process.send({ error: err.message });
  }
});
