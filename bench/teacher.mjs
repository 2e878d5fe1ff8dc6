#!/usr/bin/env node
/**
 * Times the transport-map class teacher (docs/spec/model.md section 9): backend.kernels.teacherSum for
 * n = 1000 sequences, T = 20, d = 8, M = 20000 particles (the target of docs/data.md: < 2 s in
 * Node with the Rust kernel). Run after `make build` (it imports the compiled files in dist/):
 *
 *   node bench/teacher.mjs [--backend wasm|ts] [--reps 3] [--n 1000] [--T 20] [--d 8] [--M 20000] [--map mix]
 *
 * Prints one JSON line: the backend description, the shape and the times in ms (each rep, min, median).
 * Falls back to the ts backend, saying so, when the wasm build cannot be loaded.
 */
import { parseArgs } from 'node:util';
import { getBackend, parseBackendName } from '../dist/backend/index.js';
import { generateInputs } from '../dist/data/inputs.js';
import { makeClassTeacher, teacherValues, transportOptionsSchema } from '../dist/data/transport.js';
import { makeRng } from '../dist/core/rng.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    reps: { type: 'string', default: '3' },
    n: { type: 'string', default: '1000' },
    T: { type: 'string', default: '20' },
    d: { type: 'string', default: '8' },
    M: { type: 'string', default: '20000' },
    map: { type: 'string', default: 'mix' },
  },
});
/** @param {'n' | 'T' | 'd' | 'M' | 'reps'} name */
const int = (name) => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, got '${values[name]}'`);
  return v;
};
const [n, T, d, M, reps] = /** @type {const} */ (['n', 'T', 'd', 'M', 'reps']).map(int);
const backendName = parseBackendName(values.backend, '--backend');

let backend;
let note;
try {
  backend = await getBackend(backendName);
} catch (err) {
  if (backendName !== 'wasm') throw err;
  note = `wasm backend unavailable (${String(err instanceof Error ? err.message : err).split('\n')[0]}); timed the ts backend instead`;
  backend = await getBackend('ts');
}

const X = generateInputs({ kind: 'gaussian', scale: 1 }, n, T, d, makeRng('bench', 'data/inputs'));
const data = { n, T, d, X, Y: new Float64Array(n) };
const tSetup = performance.now();
const teacher = makeClassTeacher(transportOptionsSchema.parse({ map: values.map, M }), d, 'bench');
const setupMs = performance.now() - tSetup;

const times = [];
let checksum = 0;
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  const y = teacherValues(teacher, data, backend, 'final');
  times.push(performance.now() - t0);
  checksum = y.reduce((a, b) => a + b, 0);
}
const sorted = [...times].sort((a, b) => a - b);
const result = {
  bench: 'class teacher (teacherSum)',
  backend: backend.description,
  n,
  T,
  d,
  M,
  map: values.map,
  particleSetupMs: Math.round(setupMs),
  ms: times.map((t) => Math.round(t)),
  minMs: Math.round(sorted[0]),
  medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
  targetMs: 2000,
  checksum,
  ...(note ? { note } : {}),
};
process.stdout.write(JSON.stringify(result) + '\n');
