/**
 * The opt-in relaxed-SIMD build (`wasm-relaxed`): measured in a child process started with
 * `--experimental-wasm-relaxed-simd` (Node 20 needs the flag; the bench process itself runs
 * without it, like users' default). The parent times each step(k) call around one IPC round trip
 * (well under 1% of a sample); the child reports its own CPU time.
 */
import { fork } from 'node:child_process';
import { wasmBuilt } from './rnn-gd.mjs';

const CHILD = new URL('./relaxed-child.mjs', import.meta.url);

export async function relaxedRunner(c) {
  if (!wasmBuilt('relaxed')) return null;
  const child = fork(CHILD, [JSON.stringify(c)], {
    execArgv: ['--experimental-wasm-relaxed-simd'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let pending = null;
  child.on('message', (m) => {
    const p = pending;
    pending = null;
    if (m.error) p?.reject(new Error(m.error));
    else p?.resolve(m);
  });
  child.on('exit', (code) => {
    pending?.reject(new Error(`wasm-relaxed child exited (${code})`));
    pending = null;
  });
  const call = (msg) =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
      child.send(msg);
    });
  await call({ cmd: 'ready' });
  const runner = {
    lastCpuMs: null,
    loss: async () => (await call({ cmd: 'loss' })).value,
    async step(k) {
      const r = await call({ cmd: 'step', k });
      runner.lastCpuMs = r.cpuMs;
      return r.value;
    },
    free: async () => {
      await call({ cmd: 'free' }).catch(() => {});
      child.disconnect();
    },
  };
  return runner;
}
