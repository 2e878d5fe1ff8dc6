#!/usr/bin/env node
/**
 * Sweep throughput: the same quick sweep with 1 worker and with 2 workers; prints points per
 * second and the speed-up ratio (target >= 1.8 on 2 cores). Needs `make build` (uses dist/).
 *
 *   node bench/sweep-throughput.mjs [--experiment E1] [--size quick] [--seeds 1] [--backend wasm] [--workers 2] [--repeat 2]
 *
 * The two configurations alternate `repeat` times and the best time of each counts (less noise
 * from other work on the machine). Worker start-up and data generation are part of the time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg, availableParallelism } from 'node:os';
import { SIZES, readPoints, runExperiment } from '../dist/experiments/node.js';
import { parseBackendName } from '../dist/backend/index.js';

const { values } = parseArgs({
  options: {
    experiment: { type: 'string', default: 'E1' },
    size: { type: 'string', default: 'quick' },
    seeds: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    workers: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '2' },
  },
});

const size = /** @type {import('../dist/experiments/types.js').Size} */ (values.size);
if (!SIZES.includes(size)) throw new Error(`--size: expected ${SIZES.join(' or ')}, got '${values.size}'`);

/** @param {number} workers */
async function once(workers) {
  const out = mkdtempSync(join(tmpdir(), `rnn-gd-bench-${workers}w-`));
  try {
    const t0 = performance.now();
    const r = await runExperiment({
      // runExperiment validates the id (a clear error names an unknown one).
      experiment: /** @type {import('../dist/experiments/types.js').ExperimentId} */ (values.experiment),
      size,
      seeds: Number(values.seeds),
      backend: parseBackendName(values.backend, '--backend'),
      workers,
      out,
      report: false,
      grid: true, // every point of the grid: a fixed workload, whatever the width search would skip
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.failed > 0) throw new Error(`${r.failed} points failed`);
    // Time each worker spent inside points: the balance of the schedule, and the per-point cost.
    const busy = Array(workers).fill(0);
    for (const p of readPoints(out)) busy[p.timing.worker ?? 0] += p.timing.wallMs / 1000;
    const pointSeconds = busy.reduce((a, b) => a + b, 0);
    return {
      workers,
      points: r.done,
      seconds,
      pointsPerSecond: r.done / seconds,
      busySeconds: busy.map((b) => Number(b.toFixed(2))),
      pointSeconds,
      utilization: pointSeconds / (workers * seconds),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** @typedef {Awaited<ReturnType<typeof once>>} Run */
const many = Number(values.workers);
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1)
  throw new Error(`--repeat: expected a positive integer, got '${values.repeat}'`);
/** @type {(a: Run, b: Run) => Run} */
const best = (a, b) => (b.seconds < a.seconds ? b : a);
let one = await once(1),
  multi = await once(many);
for (let r = 1; r < repeat; r++) {
  one = best(one, await once(1));
  multi = best(multi, await once(many));
}
const ratio = multi.pointsPerSecond / one.pointsPerSecond;
// Other work on the machine slows every point when more workers share it; this corrects for that
// (the same work per point at the single-worker speed): an estimate, reported beside the measurement.
const uncontended = ratio * (multi.pointSeconds / one.pointSeconds);
const result = {
  bench: 'sweep-throughput',
  experiment: values.experiment,
  size: values.size,
  seeds: Number(values.seeds),
  backend: values.backend,
  repeat,
  cores: availableParallelism(),
  runs: [one, multi].map((r) => ({
    ...r,
    seconds: Number(r.seconds.toFixed(2)),
    pointsPerSecond: Number(r.pointsPerSecond.toFixed(2)),
  })),
  ratio: Number(ratio.toFixed(3)),
  target: 1.8,
  meetsTarget: ratio >= 1.8,
  estimatedRatioWithoutOtherLoad: Number(uncontended.toFixed(3)),
  loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `\n${values.experiment} ${values.size}: ${one.points} points — 1 worker ${one.seconds.toFixed(1)} s, ${many} workers ${multi.seconds.toFixed(1)} s: ratio ${ratio.toFixed(2)} (target >= 1.8); ` +
    `worker utilization ${(multi.utilization * 100).toFixed(0)}%, per-point slow-down from sharing the machine x${(multi.pointSeconds / one.pointSeconds).toFixed(2)}, load average ${loadavg()[0].toFixed(1)}`,
);
