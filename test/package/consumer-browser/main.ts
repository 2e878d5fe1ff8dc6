// A page's consumer (scripts/check-package.sh compiles it with ./tsconfig.json: DOM, no @types/node).
import { bounds, generateData, getBackend, initialize, modelBlob, setWasmSource, simdSupported, Trainer } from 'rnn-gd';
import { generateInputs } from 'rnn-gd/data';
import { empiricalNtk } from 'rnn-gd/theory';
import { createBrowserPool, EXPERIMENTS } from 'rnn-gd/experiments';
import { wasmFileSource } from 'rnn-gd/wasm-file';
import * as bundle from 'rnn-gd/bundle';

const backend = await getBackend('wasm');
const { train } = await generateData({ system: 'linear-filter', n: 32, T: 6, seed: 1 });
const params = initialize({ recurrence: 'diagonal', m: 16, d: train.d, alpha: 0.8 }, { seed: 1 });
{
  using trainer = new Trainer({ backend, params, data: train, train: { eta: 0.5, steps: 10 } });
  document.body.textContent = String((await trainer.run()).status);
}
const link = document.createElement('a');
link.href = URL.createObjectURL(modelBlob(params));
export const used = [
  bounds,
  setWasmSource,
  simdSupported,
  generateInputs,
  empiricalNtk,
  createBrowserPool,
  EXPERIMENTS,
];
export const more = [wasmFileSource, bundle.getBackend];
