/** The browser-test harness page: exposes the parity suite and the step timing to the tests. */
import { getBackend, loadWasm, simdSupported, wasmBackend, type WasmFlavor } from 'rnn-gd';
import { timeDenseStep } from './dense-step';
import { runParity } from './parity';

const params = new URLSearchParams(location.search);
// ?source=file: the rnn-gd/wasm-file entry (separate .wasm fetched by URL), imported before any load.
const ready = params.get('source') === 'file' ? import('rnn-gd/wasm-file') : Promise.resolve(null);

const api = {
  async info() {
    await ready;
    const wasm = await loadWasm();
    const backend = await getBackend('wasm');
    return {
      simd: simdSupported(),
      flavor: wasm.flavor,
      source: wasm.source,
      backend: backend.description,
      userAgent: navigator.userAgent,
    };
  },
  async parity(flavor?: WasmFlavor) {
    await ready;
    return runParity(flavor ? await wasmBackend(flavor) : await getBackend('wasm'));
  },
  async denseStep(opts: { warmup?: number; reps?: number } = {}) {
    await ready;
    return timeDenseStep(await getBackend('wasm'), opts);
  },
};

Object.assign(window, { rnnGdHarness: api });

document.getElementById('run')!.addEventListener('click', async () => {
  const out = document.getElementById('out')!;
  out.textContent = 'running…';
  const cases = await api.parity();
  out.textContent = cases
    .map(
      (c) =>
        `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}  max rel ${Math.max(c.relPredictions, c.relLoss, c.relGradW, c.relGradU).toExponential(2)}`,
    )
    .join('\n');
});
document.body.dataset.ready = 'true';
