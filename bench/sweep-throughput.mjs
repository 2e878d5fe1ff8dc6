#!/usr/bin/env node
/**
 * Sweep throughput: the same quick sweep with 1 worker and with 2 workers; prints points per
 * second and the speed-up ratio (target >= 1.8 on 2 cores). Needs `make build` (uses dist/).
 *
 *   node bench/sweep-throughput.mjs [--experiment E1] [--size quick] [--seeds 1] [--backend wasm] [--workers 2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runExperiment } from '../dist/experiments/node.js';

const { values } = parseArgs({
  options: {
    experiment: { type: 'string', default: 'E1' },
    size: { type: 'string', default: 'quick' },
    seeds: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    workers: { type: 'string', default: '2' },
  },
});

async function once(workers) {
  const out = mkdtempSync(join(tmpdir(), `rnn-gd-bench-${workers}w-`));
  try {
    const t0 = performance.now();
    const r = await runExperiment({
      experiment: values.experiment, size: values.size, seeds: Number(values.seeds), backend: values.backend,
      workers, out, report: false,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.failed > 0) throw new Error(`${r.failed} points failed`);
    return { workers, points: r.done, seconds, pointsPerSecond: r.done / seconds };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const many = Number(values.workers);
const one = await once(1);
const multi = await once(many);
const ratio = multi.pointsPerSecond / one.pointsPerSecond;
const result = {
  bench: 'sweep-throughput', experiment: values.experiment, size: values.size, seeds: Number(values.seeds), backend: values.backend,
  runs: [one, multi].map((r) => ({ ...r, seconds: Number(r.seconds.toFixed(2)), pointsPerSecond: Number(r.pointsPerSecond.toFixed(2)) })),
  ratio: Number(ratio.toFixed(3)), target: 1.8, meetsTarget: ratio >= 1.8,
};
console.log(JSON.stringify(result, null, 2));
console.log(`\n${values.experiment} ${values.size}: ${one.points} points — 1 worker ${one.seconds.toFixed(1)} s, ${many} workers ${multi.seconds.toFixed(1)} s: ratio ${ratio.toFixed(2)} (target >= 1.8)`);
