#!/usr/bin/env node
/**
 * `make bench`: every case for every backend in ONE process run, interleaved in rounds (each round
 * times every (case, backend) once, the order rotating between rounds), after a warm-up and a loss
 * check against the reference; the median of the repetitions is reported. Slow backends on big
 * cases get fewer repetitions (a time budget per entry, shown in the table). Writes
 * bench/results/latest.json and latest.md. The stages live in lib/: recipe (cases, Theta0, data),
 * gate (warm-up, loss checks), rounds (timing), stats (medians, paired ratios), python (the
 * yardstick), report (targets, markdown).
 *
 * --python EXE (or BENCH_PYTHON=EXE) also runs bench/python/bench_step.py in this run (JAX and,
 * when installed, PyTorch) and adds its rows. See docs/performance.md.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { CASES, PARALLEL_CASE } from './lib/recipe.mjs';
import { rnnRunner, wasmBuilt, wasmModule } from './lib/rnn-gd.mjs';
import { wasmFeatures } from './lib/machine.mjs';
import { machineInfo, markdown, targets } from './lib/report.mjs';
import { measureMemory } from './lib/memory.mjs';
import { peakRunner, PEAK_CASE } from './lib/peak.mjs';
import { parallelRunner } from './lib/parallel.mjs';
import { relaxedRunner } from './lib/relaxed.mjs';
import { LOSS_TOL, lossChecks, peerCheck, warmUp } from './lib/gate.mjs';
import { newEntry, runRounds } from './lib/rounds.mjs';
import { resultRows } from './lib/stats.mjs';
import { pythonNote, runPython } from './lib/python.mjs';

const USAGE = `usage: node bench/run.mjs [--quick] [--cases a,b] [--backends a,b] [--reps N] [--budget S]
                         [--no-parallel] [--python EXE | --no-python] [--out DIR]
  --quick          fewer repetitions and a smaller time budget per entry
  --cases          only these cases (${[...CASES, PARALLEL_CASE].map((c) => c.name).join(', ')}, peak)
  --backends       only these backends (native, wasm-simd, wasm-relaxed, wasm-scalar, ts, ts-f32, tfjs-wasm, tfjs-cpu)
  --reps N         repetitions per entry (default 5, --quick 3)
  --budget S       seconds per entry before it stops repeating (default 10, --quick 4)
  --no-parallel    skip the data-parallel case
  --python EXE     the Python yardstick's interpreter (default: BENCH_PYTHON or bench/python/.venv)
  --no-python      time rnn-gd alone (otherwise a missing yardstick fails the run)
  --out DIR        where latest.json and latest.md go (default bench/results/)`;

const pythonDefault = new URL('./python/.venv/bin/python', import.meta.url).pathname;
const { values: opt } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h', default: false },
    quick: { type: 'boolean', default: false },
    cases: { type: 'string' },
    backends: { type: 'string' },
    reps: { type: 'string' },
    budget: { type: 'string' },
    'no-parallel': { type: 'boolean', default: false },
    python: {
      type: 'string',
      default: process.env.BENCH_PYTHON ?? (existsSync(pythonDefault) ? pythonDefault : undefined),
    },
    'no-python': { type: 'boolean', default: false },
    out: { type: 'string', default: new URL('./results/', import.meta.url).pathname },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}

const REPS = Number(opt.reps ?? (opt.quick ? 3 : 5));
const TIMING = {
  reps: REPS,
  /** Per (case, backend) entry: stop repeating once this much time went into it (at least 1 rep). */
  budgetMs: 1000 * Number(opt.budget ?? (opt.quick ? 4 : 10)),
  /** Target duration of one timed sample (k steps in one call for fast backends). */
  sampleMs: opt.quick ? 150 : 400,
  warmMs: opt.quick ? 150 : 500,
};
const ALL_BACKENDS = ['native', 'wasm-simd', 'wasm-relaxed', 'wasm-scalar', 'ts', 'ts-f32', 'tfjs-wasm', 'tfjs-cpu'];
const wantCase = (/** @type {string} */ name) => !opt.cases || opt.cases.split(',').includes(name);
const wantBackend = (/** @type {string} */ name) => !opt.backends || opt.backends.split(',').includes(name);
/**
 * Entries not run at all, with the reason (shown in the notes).
 * @type {Record<string, string>}
 */
const SKIPS = {
  'dense-256/ts-f32': 'ts-f32 not run on dense-256 (same code as ts, float32 storage; time budget)',
  'diag-512/ts-f32': 'ts-f32 not run on diag-512 (same code as ts, float32 storage; time budget)',
  'ntk-512/ts-f32': 'ts-f32 not run on ntk-512 (the Gram kernels compute in float64 on every ts backend)',
};

const t0 = performance.now();
const loadStart = os.loadavg().map((x) => +x.toFixed(2));
/** @param {...unknown} a */
const log = (...a) => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s]`, ...a);
/** @type {string[]} */
const notes = [];

// ---- machine ----------------------------------------------------------------------------------
const builds = /** @type {const} */ (['simd', 'scalar', 'relaxed']).filter(wasmBuilt);
const { TFJS_VERSION, tfjsRunner, tfWasmFeatures } = await import('./lib/tfjs.mjs');
/** @type {import('./lib/report.mjs').Machine} */
const machine = machineInfo({
  wasmFeatures: wasmFeatures(),
  rnnGdWasmBuilds: builds,
  tfjs: { version: TFJS_VERSION, wasm: await tfWasmFeatures() },
  date: new Date().toISOString(),
  quick: opt.quick,
});
log(
  `${machine.cpu}, ${machine.cores} cores, node ${machine.node}; wasm builds: ${builds.join(', ') || 'none (run make build)'}`,
);
if (!builds.includes('simd'))
  notes.push(
    'The rnn-gd wasm build is absent (dist/wasm-pkg): wasm-simd, wasm-scalar, peak and the parallel case were not run. Run `make build`.',
  );

// ---- memory (before anything else lives in the wasm instances) ---------------------------------
/** @type {import('./lib/report.mjs').MemoryRow[]} */
const memory = [];
for (const flavor of /** @type {const} */ (['simd', 'scalar'])) {
  const mod = await wasmModule(flavor);
  const cases = CASES.filter((c) => c.kind === 'step' && wantCase(c.name));
  if (mod && wantBackend(`wasm-${flavor}`)) memory.push(...(await measureMemory(mod, `wasm-${flavor}`, cases)));
}

// ---- entries -------------------------------------------------------------------------------------
/** @type {import('./lib/rounds.mjs').Entry[]} */
const entries = [];
/**
 * @param {import('./lib/recipe.mjs').BenchCase | import('./lib/peak.mjs').PeakCase} c
 * @param {string} backend
 * @param {() => Promise<import('./lib/rnn-gd.mjs').Runner | null>} make
 */
async function add(c, backend, make) {
  if (!wantCase(c.name) || !wantBackend(backend.replace(/-parallel-\d+$/, ''))) return;
  const skip = SKIPS[`${c.name}/${backend}`];
  if (skip) return void notes.push(skip);
  try {
    const runner = await make();
    if (runner) entries.push(newEntry(c, backend, runner, REPS));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    notes.push(`${c.name} / ${backend}: could not start (${message.split('\n')[0]})`);
  }
}
for (const c of CASES) {
  for (const b of ALL_BACKENDS) {
    if (c.backends && !c.backends.includes(b)) continue;
    if (b === 'wasm-relaxed') {
      // The opt-in relaxed-SIMD build, in a child process with --experimental-wasm-relaxed-simd.
      if (c.kind === 'step' && c.recurrence === 'dense') await add(c, b, () => relaxedRunner(c));
    } else if (b.startsWith('tfjs')) {
      if (c.kind === 'step') await add(c, b, () => tfjsRunner(b === 'tfjs-wasm' ? 'wasm' : 'cpu', c));
    } else {
      await add(c, b, () => rnnRunner(b, c));
    }
  }
}
if (wantCase(PARALLEL_CASE.name) && !opt['no-parallel']) {
  await add(PARALLEL_CASE, 'wasm-simd', () => rnnRunner('wasm-simd', PARALLEL_CASE));
  await add(PARALLEL_CASE, 'wasm-simd-parallel-2', () => parallelRunner(PARALLEL_CASE, 2));
  await add(PARALLEL_CASE, 'native', () => rnnRunner('native', PARALLEL_CASE));
  await add(PARALLEL_CASE, 'native-parallel-2', () => parallelRunner(PARALLEL_CASE, 2, 'native'));
}
// The other many-core target: diag-512 on 2 native workers against the peers on all threads.
const DIAG_CASE = CASES.find((c) => c.name === 'diag-512');
if (DIAG_CASE && !opt['no-parallel'])
  await add(DIAG_CASE, 'native-parallel-2', () => parallelRunner(DIAG_CASE, 2, 'native'));
await add(PEAK_CASE, 'peak', () => peakRunner());
if (CASES.some((c) => c.kind === 'gram' && wantCase(c.name))) {
  notes.push(
    'ntk-512: tfjs has no per-sample gradients (no vmap), so no tfjs entry. GFLOP/s counts per-sample BPTT (6·n·T·m·(d+1)) plus the Gram product 2·n²·m·(d+1).',
  );
}

// ---- gate, rounds, results ----------------------------------------------------------------------
await warmUp(entries, TIMING, log);
const checks = lossChecks(entries, log);
await runRounds(entries, REPS, log);
const results = resultRows(entries, REPS);
for (const e of entries) await e.runner.free();

// ---- the Python yardstick (same run, after the JS entries) --------------------------------------
if (opt.python && !opt['no-python']) {
  log(`python yardstick: ${opt.python} bench/python/bench_step.py`);
  const cases = [...CASES, ...(opt['no-parallel'] ? [] : [PARALLEL_CASE])].filter((x) => wantCase(x.name));
  const python = runPython(opt.python, cases, opt.out);
  if (python.report) {
    results.push(
      ...python.report.results.map((x) => ({ ...x, note: [x.note, 'python, same run'].filter(Boolean).join('; ') })),
    );
    notes.push(pythonNote(python.report));
    for (const x of python.report.checks ?? []) {
      const check = peerCheck(checks, x);
      if (check) checks.push(check);
    }
  } else {
    notes.push(`Python yardstick failed (exit ${python.status}); see the log.`);
    process.exitCode = 1;
  }
} else if (!opt['no-python']) {
  // The peers are part of the benchmark: without them the comparison targets cannot pass.
  notes.push(
    'Python yardstick absent: no JAX/PyTorch rows. Set it up with `bash bench/python/setup.sh` (make bench does), or pass --no-python to time rnn-gd alone.',
  );
  process.exitCode = 1;
}

// ---- report -------------------------------------------------------------------------------------
const caseOrder = (/** @type {string} */ name) => [...CASES, PARALLEL_CASE].findIndex((c) => c.name === name);
checks.sort((a, b) => caseOrder(a.case) - caseOrder(b.case));
const durationS = (performance.now() - t0) / 1000;
machine.loadAverage = { start: loadStart, end: os.loadavg().map((x) => +x.toFixed(2)) };
const tg = targets(results, entries);
const report = { machine, results, targets: tg, checks, memory, notes, durationS };
mkdirSync(opt.out, { recursive: true });
writeFileSync(path.join(opt.out, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
const md = markdown({ machine, results, checks, memory, targets: tg, notes, durationS });
writeFileSync(path.join(opt.out, 'latest.md'), md);
console.log(md);
const missing = tg.filter((t) => t.status === 'MISSING');
if (missing.length && !opt['no-python']) {
  console.error(
    `bench: ${missing.length} target(s) without their peer's row (JAX/PyTorch): ${missing.map((t) => t.target).join('; ')}`,
  );
  process.exitCode = 1;
}
const mismatches = checks.filter((k) => k.ok === false);
if (mismatches.length) {
  console.error(
    `bench: ${mismatches.length} loss mismatch(es) beyond ${LOSS_TOL} relative: the comparison is not honest until fixed`,
  );
  process.exitCode = 1;
}
