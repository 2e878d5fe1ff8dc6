/** The browser-test harness page: exposes the parity suite and the step timing to the tests. */
import {
  getBackend,
  initialize,
  loadModel,
  loadWasm,
  modelBlob,
  predict,
  simdSupported,
  wasmBackend,
  type WasmFlavor,
} from 'rnn-gd';
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
  /** predict, then the model through modelBlob and back by loadModel from a Blob, a Response and a blob: URL. */
  async modelRoundTrip() {
    await ready;
    const params = initialize({ recurrence: 'diagonal', readout: 'all', m: 16, d: 2, alpha: 0.7 }, { seed: 'page' });
    for (let i = 0; i < params.U.length; i++) params.U[i] += 0.3 * Math.sin(i + 1);
    const X = Float64Array.from({ length: 5 * 4 * 2 }, (_, i) => Math.cos(0.7 * i));
    const y = await predict(params, { X, T: 4 });
    const blob = modelBlob(params, { from: 'page' });
    const url = URL.createObjectURL(blob);
    try {
      const loaded = [await loadModel(blob), await loadModel(new Response(blob)), await loadModel(url)];
      const again = await Promise.all(loaded.map((m) => predict(m, { X, T: 4 })));
      return {
        outputs: y.length,
        moved: y.some((v) => v !== 0),
        same: again.every((a) => a.every((v, i) => v === y[i])),
        meta: loaded.map((m) => m.meta?.from),
      };
    } finally {
      URL.revokeObjectURL(url);
    }
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
