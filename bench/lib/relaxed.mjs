/**
 * The opt-in relaxed-SIMD build (`wasm-relaxed`): measured in a child process started with
 * `--experimental-wasm-relaxed-simd` (Node 20 needs the flag; the bench process itself runs
 * without it, like users' default). The parent times each step(k) call around one IPC round trip
 * (well under 1% of a sample); the child reports its own CPU time.
 */
import { fork } from 'node:child_process';
import { wasmBuilt } from './rnn-gd.mjs';

/** A request to the child. @typedef {{ cmd: 'ready' | 'loss' | 'free' } | { cmd: 'step', k: number }} Command */
/**
 * The child's answer: a value (the backend description, a loss, null) and, after a step, its CPU time.
 * @typedef {{ value: number | string | null, cpuMs?: number }} Answer
 */
/** @typedef {Answer | { error: string }} Reply */

const CHILD = new URL('./relaxed-child.mjs', import.meta.url);

/**
 * @param {import('./recipe.mjs').BenchCase} c
 * @returns {Promise<import('./rnn-gd.mjs').Runner | null>}
 */
export async function relaxedRunner(c) {
  if (!wasmBuilt('relaxed')) return null;
  const child = fork(CHILD, [JSON.stringify(c)], {
    execArgv: ['--experimental-wasm-relaxed-simd'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  /** @type {{ resolve: (a: Answer) => void, reject: (e: Error) => void } | null} */
  let pending = null;
  child.on('message', (/** @type {Reply} */ m) => {
    const p = pending;
    pending = null;
    if ('error' in m) p?.reject(new Error(m.error));
    else p?.resolve(m);
  });
  child.on('exit', (code) => {
    pending?.reject(new Error(`wasm-relaxed child exited (${code})`));
    pending = null;
  });
  /** @type {(msg: Command) => Promise<Answer>} */
  const call = (msg) =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
      child.send(msg);
    });
  /** Loss and step answer with a number (the loss). @type {(msg: Command) => Promise<Answer & { value: number }>} */
  const callNumber = (msg) => /** @type {Promise<Answer & { value: number }>} */ (call(msg));
  await call({ cmd: 'ready' });
  /** @type {import('./rnn-gd.mjs').Runner} */
  const runner = {
    lastCpuMs: null,
    loss: async () => (await callNumber({ cmd: 'loss' })).value,
    async step(k) {
      const r = await callNumber({ cmd: 'step', k });
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
