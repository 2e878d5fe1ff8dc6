#!/usr/bin/env node
/**
 * Run by test/perf/relaxed.test.ts (and for docs/performance.md) under
 * `node --experimental-wasm-relaxed-simd`: one loss + gradient evaluation of the opt-in relaxed
 * build against the float64 ts reference and the deterministic SIMD128 build, from the same
 * parameters and data. Prints one JSON line. Needs `make build` (dist/).
 *
 *   node --experimental-wasm-relaxed-simd test/perf/relaxed-check.mjs [small|dense-128|dense-256]
 *
 * Differences: loss relative; gradients max_i |a_i - b_i| / max_i |b_i| (per matrix, worst of W, U).
 */
import { tsBackend } from '../../dist/entries/index.js';
import { loadWasm, relaxedSimdSupported, simdSupported } from '../../dist/backend/wasm-loader.js';
import { wasmBackend } from '../../dist/backend/wasm-backend.js';
import { CASES, benchData, benchParams } from '../../bench/lib/recipe.mjs';

const name = process.argv[2] ?? 'small';
const c =
  name === 'small'
    ? { name: 'relaxed-small', kind: 'step', recurrence: 'dense', m: 64, d: 8, T: 12, n: 48 }
    : CASES.find((x) => x.name === name);
if (!c) throw new Error(`unknown case ${name}`);

// The default loader must pick simd (or scalar), never relaxed, even when relaxed SIMD is available.
const defaultFlavor = (await loadWasm()).flavor;

function lossGrad(backend) {
  const params = benchParams(c);
  const data = benchData(c);
  const net = backend.network(params);
  const ws = net.workspace(c.n, c.T);
  ws.setData(data);
  const loss = ws.lossGrad();
  const out = {
    loss,
    gradW: Array.from(net.read('gradW')),
    gradU: Array.from(net.read('gradU')),
    description: backend.description,
  };
  ws.free();
  net.free();
  return out;
}
const relLoss = (a, b) => Math.abs(a.loss - b.loss) / Math.abs(b.loss);
const relGrad = (a, b) =>
  Math.max(
    ...['gradW', 'gradU'].map((k) => {
      let diff = 0,
        scale = 0;
      for (let i = 0; i < b[k].length; i++) {
        diff = Math.max(diff, Math.abs(a[k][i] - b[k][i]));
        scale = Math.max(scale, Math.abs(b[k][i]));
      }
      return diff / scale;
    }),
  );
const bitsDiffer = (a, b) => a.loss !== b.loss || ['gradW', 'gradU'].some((k) => a[k].some((v, i) => v !== b[k][i]));

const relaxed = lossGrad(await wasmBackend('relaxed'));
const simd = lossGrad(await wasmBackend('simd'));
const ref = lossGrad(tsBackend({ dtype: 'float64' }));
console.log(
  JSON.stringify({
    case: c.name,
    relaxedSimdSupported: relaxedSimdSupported(),
    simdSupported: simdSupported(),
    defaultFlavor,
    relaxedDescription: relaxed.description,
    vsTs64: { loss: relLoss(relaxed, ref), grad: relGrad(relaxed, ref) },
    simdVsTs64: { loss: relLoss(simd, ref), grad: relGrad(simd, ref) },
    vsSimd: { loss: relLoss(relaxed, simd), grad: relGrad(relaxed, simd), bitIdentical: !bitsDiffer(relaxed, simd) },
  }),
);
