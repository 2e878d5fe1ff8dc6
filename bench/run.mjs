#!/usr/bin/env node
/**
 * `make bench`: every case for every backend in ONE process run, interleaved in rounds (each round
 * times every (case, backend) once, the order rotating between rounds), after a warm-up; the
 * median of the repetitions is reported. Slow backends on big cases get fewer repetitions (a time
 * budget per entry, shown in the table). Writes bench/results/latest.json and latest.md.
 *
 *   node bench/run.mjs [--quick] [--cases a,b] [--backends a,b] [--reps N] [--budget S]
 *                      [--no-parallel] [--python EXE] [--out DIR]
 *
 * --python EXE (or BENCH_PYTHON=EXE) also runs bench/python/bench_step.py in this run (JAX and,
 * when installed, PyTorch) and adds its rows. See docs/performance.md.
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeNpy } from '../dist/index.js';
import { CASES, PARALLEL_CASE, benchData, benchParams } from './lib/cases.mjs';
import { rnnRunner, wasmBuilt, wasmModule } from './lib/rnn-gd.mjs';
import { wasmFeatures } from './lib/machine.mjs';
import { machineInfo, markdown, targets } from './lib/report.mjs';
import { measureMemory } from './lib/memory.mjs';
import { peakRunner, PEAK_CASE } from './lib/peak.mjs';
import { parallelRunner } from './lib/parallel.mjs';
import { relaxedRunner } from './lib/relaxed.mjs';

/** @typedef {import('./lib/cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./lib/peak.mjs').PeakCase} PeakCase */
/** @typedef {import('./lib/rnn-gd.mjs').Runner} Runner */
/** @typedef {import('./lib/report.mjs').Result} Result */
/** @typedef {import('./lib/report.mjs').Check} Check */
/**
 * One (case, backend) being timed: its runner, the time and CPU time per step of each sample, the
 * rounds it ran in, the time spent on it, steps per sample (k), repetitions, and the checked losses.
 * @typedef {object} Entry
 * @property {BenchCase | PeakCase} c
 * @property {string} backend
 * @property {Runner} runner
 * @property {number[]} samples
 * @property {number[]} cpu
 * @property {{ round: number, ms: number, peakMs: number | null }[]} rounds
 * @property {number} spent
 * @property {number} k
 * @property {number} reps
 * @property {number | null} loss0 loss at Theta0 (null for kinds without a loss)
 * @property {number | null} loss1 loss after the first step
 */

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    cases: { type: 'string' },
    backends: { type: 'string' },
    reps: { type: 'string' },
    budget: { type: 'string' },
    'no-parallel': { type: 'boolean', default: false },
    python: { type: 'string', default: process.env.BENCH_PYTHON ?? defaultPython() },
    'no-python': { type: 'boolean', default: false },
    out: { type: 'string', default: new URL('./results/', import.meta.url).pathname },
  },
});

/** bench/python/.venv (made by bench/python/setup.sh) when present. */
function defaultPython() {
  const exe = new URL('./python/.venv/bin/python', import.meta.url).pathname;
  return existsSync(exe) ? exe : undefined;
}

const REPS = Number(opt.reps ?? (opt.quick ? 3 : 5));
/** Per (case, backend) entry: stop repeating once this much time went into it (at least 1 rep). */
const BUDGET_MS = 1000 * Number(opt.budget ?? (opt.quick ? 4 : 10));
/** Target duration of one timed sample (k steps in one call for fast backends). */
const SAMPLE_MS = opt.quick ? 150 : 400;
const WARM_MS = opt.quick ? 150 : 500;
const LOSS_TOL = 1e-3;

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
/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
/** @type {string[]} */
const notes = [];

// ---- machine ----------------------------------------------------------------------------------
const features = wasmFeatures();
const builds = /** @type {const} */ (['simd', 'scalar', 'relaxed']).filter(wasmBuilt);
const { TFJS_VERSION, tfjsRunner, tfWasmFeatures } = await import('./lib/tfjs.mjs');
/** @type {import('./lib/report.mjs').Machine} */
const machine = machineInfo({
  wasmFeatures: features,
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
  if (mod && wantBackend(`wasm-${flavor}`))
    memory.push(
      ...(await measureMemory(
        mod,
        `wasm-${flavor}`,
        CASES.filter((c) => c.kind === 'step' && wantCase(c.name)),
      )),
    );
}

// ---- entries -------------------------------------------------------------------------------------
/** @type {Entry[]} */
const entries = [];
/**
 * @param {BenchCase | PeakCase} c
 * @param {string} backend
 * @param {() => Promise<Runner | null>} make
 */
async function add(c, backend, make) {
  if (!wantCase(c.name) || !wantBackend(backend.replace(/-parallel-\d+$/, ''))) return;
  const skip = SKIPS[`${c.name}/${backend}`];
  if (skip) {
    notes.push(skip);
    return;
  }
  let runner = null;
  try {
    runner = await make();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    notes.push(`${c.name} / ${backend}: could not start (${message.split('\n')[0]})`);
    return;
  }
  if (!runner) return;
  entries.push({
    c,
    backend,
    runner,
    samples: [],
    cpu: [],
    rounds: [],
    spent: 0,
    k: 1,
    reps: REPS,
    loss0: null,
    loss1: null,
  });
}

for (const c of CASES) {
  for (const b of ALL_BACKENDS) {
    if (c.backends && !c.backends.includes(b)) continue;
    if (b === 'wasm-relaxed') {
      // The opt-in relaxed-SIMD build, in a child process with --experimental-wasm-relaxed-simd.
      if (c.kind === 'step' && c.recurrence === 'dense') await add(c, b, () => relaxedRunner(c));
    } else if (b.startsWith('tfjs')) {
      if (c.kind !== 'step') continue;
      await add(c, b, () => tfjsRunner(b === 'tfjs-wasm' ? 'wasm' : 'cpu', c));
    } else {
      await add(c, b, () => rnnRunner(b, c));
    }
  }
}
if (c_ok(PARALLEL_CASE) && !opt['no-parallel']) {
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
/** @param {BenchCase} c */
function c_ok(c) {
  return wantCase(c.name);
}
if (CASES.some((c) => c.kind === 'gram' && wantCase(c.name))) {
  notes.push(
    'ntk-512: tfjs has no per-sample gradients (no vmap), so no tfjs entry. GFLOP/s counts per-sample BPTT (6·n·T·m·(d+1)) plus the Gram product 2·n²·m·(d+1).',
  );
}

// ---- correctness gate + warm-up ------------------------------------------------------------------
// Every runner starts from the same Theta0 on the same data: loss(Theta0), one step (the first
// warm-up step), loss(Theta1). All are compared with the float64 ts reference (or, where ts does
// not run, with wasm-simd).
/** @type {Check[]} */
const checks = [];
for (const e of entries) {
  const { runner } = e;
  if (runner.activate) await runner.activate();
  e.loss0 = e.c.kind === 'step' ? await runner.loss() : null;
  let t = performance.now();
  await runner.step(1);
  let dt = performance.now() - t;
  e.spent += dt;
  e.loss1 = e.c.kind === 'step' ? await runner.loss() : null;
  // More warm-up for fast entries (wasm tier-up, JIT), then calibrate k steps per sample.
  let warm = dt;
  let per = dt;
  while (warm < WARM_MS) {
    const k = Math.max(1, Math.min(1000, Math.ceil((WARM_MS - warm) / Math.max(per, 0.01) / 2)));
    t = performance.now();
    await runner.step(k);
    const d = performance.now() - t;
    warm += d;
    per = d / k;
  }
  e.k = Math.max(1, Math.min(1000, Math.round(SAMPLE_MS / per)));
  e.reps = Math.max(1, Math.min(REPS, Math.floor(BUDGET_MS / (e.k * per))));
  log(
    `${e.c.name.padEnd(16)} ${e.backend.padEnd(22)} warm ${per.toFixed(2)} ms/step, ${e.k} steps/sample, ${e.reps} reps`,
  );
}
for (const e of entries.filter((x) => x.c.kind === 'step')) {
  const ref =
    entries.find((x) => x.c === e.c && x.backend === 'ts') ??
    entries.find((x) => x.c === e.c && x.backend === 'wasm-simd');
  if (!ref || ref === e) continue;
  // Step runners' losses are numbers; Number() only satisfies the type (as the arithmetic would coerce).
  /** @type {(a: number | null, b: number | null) => number} */
  const rel = (a, b) => Math.abs(Number(a) - Number(b)) / Math.max(Math.abs(Number(b)), 1e-30);
  const rel0 = rel(e.loss0, ref.loss0),
    rel1 = rel(e.loss1, ref.loss1);
  const ok = rel0 <= LOSS_TOL && rel1 <= LOSS_TOL;
  checks.push({
    case: e.c.name,
    backend: e.backend,
    reference: ref.backend,
    loss0: e.loss0,
    loss1: e.loss1,
    rel0,
    rel1,
    ok,
  });
  if (!ok) log(`LOSS MISMATCH ${e.c.name} ${e.backend}: ${e.loss0} vs ${ref.loss0}, ${e.loss1} vs ${ref.loss1}`);
}
for (const e of entries.filter((x) => x.c.kind === 'step' && x.backend === 'ts')) {
  checks.unshift({
    case: e.c.name,
    backend: 'ts (reference)',
    loss0: e.loss0,
    loss1: e.loss1,
    rel0: 0,
    rel1: 0,
    ok: true,
  });
}

const caseOrder = (/** @type {string} */ name) => [...CASES, PARALLEL_CASE].findIndex((c) => c.name === name);
checks.sort((a, b) => caseOrder(a.case) - caseOrder(b.case));

// ---- interleaved timed rounds --------------------------------------------------------------------
// Each round visits the cases in rotating order; within a case, its backends run back to back (in
// rotating order) right after one sample of `peak`. Ratios are then taken within a round, between
// samples seconds apart rather than minutes (pairedSpeedup, peakFraction), and the median over
// rounds is reported.
const peakEntry = entries.find((e) => e.backend === 'peak');
const groups = [...new Set(entries.filter((e) => e !== peakEntry).map((e) => e.c))];
/**
 * @param {Entry} e
 * @param {number} round
 * @param {number | null} peakMs the peak sample's time in this round
 */
async function sample(e, round, peakMs) {
  if (e.runner.activate) await e.runner.activate();
  const u = process.cpuUsage();
  const t = performance.now();
  await e.runner.step(e.k);
  const dt = performance.now() - t;
  const cpu = process.cpuUsage(u);
  e.spent += dt;
  e.samples.push(dt / e.k);
  e.cpu.push((e.runner.lastCpuMs ?? (cpu.user + cpu.system) / 1000) / e.k);
  e.rounds.push({ round, ms: dt / e.k, peakMs });
  return dt / e.k;
}
for (let round = 0; round < REPS; round++) {
  const todo = entries.filter((e) => e !== peakEntry && e.samples.length < e.reps);
  if (!todo.length) break;
  log(`round ${round + 1}/${REPS}: ${todo.length} entries`);
  const order = groups.map((_, i) => groups[(i + round) % groups.length]);
  for (const c of order) {
    const members = todo.filter((e) => e.c === c);
    if (!members.length) continue;
    const peakMs = peakEntry ? await sample(peakEntry, round, null) : null;
    const shift = round % members.length;
    for (const e of [...members.slice(shift), ...members.slice(0, shift)]) await sample(e, round, peakMs);
  }
}
/**
 * Median over the rounds where both ran of (time of b) / (time of a): how many times a is faster.
 * @type {import('./lib/report.mjs').PairedSpeedup}
 */
function pairedSpeedup(caseName, a, b) {
  const ea = entries.find((e) => e.c.name === caseName && e.backend === a);
  const eb = entries.find((e) => e.c.name === caseName && e.backend === b);
  if (!ea || !eb) return null;
  const ratios = ea.rounds.flatMap((ra) => eb.rounds.filter((rb) => rb.round === ra.round).map((rb) => rb.ms / ra.ms));
  return ratios.length ? median(ratios) : null;
}
/**
 * Median over the rounds where both ran of the cost per n*T*m element of case b over case a (wasm-simd).
 * @param {string} caseA
 * @param {string} caseB
 */
function pairedCostRatio(caseA, caseB) {
  const ea = entries.find((e) => e.c.name === caseA && e.backend === 'wasm-simd');
  const eb = entries.find((e) => e.c.name === caseB && e.backend === 'wasm-simd');
  if (!ea || !eb) return null;
  const [ca, cb] = [ea.c, eb.c];
  if (ca.kind === 'peak' || cb.kind === 'peak') return null;
  /** @type {(c: BenchCase, ms: number) => number} */
  const per = (c, ms) => ms / (c.n * c.T * c.m);
  const ratios = ea.rounds.flatMap((ra) =>
    eb.rounds.filter((rb) => rb.round === ra.round).map((rb) => per(cb, rb.ms) / per(ca, ra.ms)),
  );
  return ratios.length ? median(ratios) : null;
}
/**
 * Median over rounds of wasm-simd's GFLOP/s divided by the peak measured just before it.
 * @param {string} caseName
 */
function peakFraction(caseName) {
  const e = entries.find((x) => x.c.name === caseName && x.backend === 'wasm-simd');
  if (!e || !peakEntry) return null;
  const peakFlops = peakEntry.c.flops;
  const ratios = e.rounds.flatMap((r) => (r.peakMs ? [e.c.flops / r.ms / (peakFlops / r.peakMs)] : []));
  return ratios.length ? median(ratios) : null;
}

// ---- results -------------------------------------------------------------------------------------
const results = entries.map((e) => {
  const ms = median(e.samples);
  /** @type {Result} */
  const r = {
    case: e.c.name,
    backend: e.backend,
    msPerStep: ms,
    gflops: e.c.flops / (ms * 1e6),
    reps: e.samples.length,
    stepsPerRep: e.k,
    cpuMsPerStep: median(e.cpu),
  };
  if (e === peakEntry) r.bestGflops = e.c.flops / (Math.min(...e.samples) * 1e6);
  if (e.samples.length < REPS) r.note = `${e.samples.length} rep${e.samples.length > 1 ? 's' : ''} (time budget)`;
  if (e.c.kind === 'gram') r.note = [r.note, 'per Gram matrix'].filter(Boolean).join('; ');
  if (e.c.kind === 'peak') r.note = e.c.note;
  return r;
});
for (const r of results.filter((x) => x.backend.includes('-parallel-'))) {
  const speedup = pairedSpeedup(r.case, r.backend, 'wasm-simd');
  if (speedup)
    r.note = [r.note, `${speedup.toFixed(2)}× the 1-thread wasm-simd speed (paired rounds)`].filter(Boolean).join('; ');
}
for (const r of results.filter((x) => x.backend === 'wasm-relaxed')) {
  const speedup = pairedSpeedup(r.case, r.backend, 'wasm-simd');
  r.note = [
    r.note,
    'opt-in relaxed-SIMD build (FMA in the GEMM microkernel), child process with --experimental-wasm-relaxed-simd',
    speedup ? `${speedup.toFixed(2)}× the wasm-simd speed (paired rounds)` : null,
    'results differ from the deterministic builds in the last bits, and between CPUs',
  ]
    .filter(Boolean)
    .join('; ');
}
for (const e of entries) await e.runner.free();

// ---- python yardstick (same run, after the JS entries) -------------------------------------------
/**
 * bench/python/bench_step.py's output (python-latest.json).
 * @typedef {{ machine: { python: string, versions: Record<string, string> }, results: Result[], notes?: string[],
 *   checks?: { case: string, backend: string, loss0: number, loss1: number }[] }} PythonReport
 */
if (opt.python && !opt['no-python']) {
  log(`python yardstick: ${opt.python} bench/python/bench_step.py`);
  const out = path.join(opt.out, 'python-latest.json');
  // The exact parameters and data of every case, so Python starts from the same Theta0.
  const inputs = path.join(tmpdir(), `rnn-gd-bench-inputs-${process.pid}`);
  const pythonCases = [...CASES, ...(opt['no-parallel'] ? [] : [PARALLEL_CASE])];
  for (const c of pythonCases.filter((x) => wantCase(x.name))) {
    const dir = path.join(inputs, c.name);
    mkdirSync(dir, { recursive: true });
    const p = benchParams(c),
      data = benchData(c);
    const f32 = (/** @type {ArrayLike<number>} */ a) => Float32Array.from(a);
    writeFileSync(path.join(dir, 'W.npy'), encodeNpy(f32(p.W), c.recurrence === 'dense' ? [c.m, c.m] : [c.m]));
    writeFileSync(path.join(dir, 'U.npy'), encodeNpy(f32(p.U), [c.m, c.d]));
    writeFileSync(path.join(dir, 'c.npy'), encodeNpy(f32(p.c), [c.m]));
    writeFileSync(path.join(dir, 'X.npy'), encodeNpy(data.X, [c.n, c.T, c.d]));
    writeFileSync(path.join(dir, 'Y.npy'), encodeNpy(data.Y, [c.n]));
  }
  const args = [new URL('./python/bench_step.py', import.meta.url).pathname, '--out', out, '--inputs', inputs];
  args.push(
    '--cases',
    pythonCases
      .map((x) => x.name)
      .filter(wantCase)
      .join(','),
  );
  const r = spawnSync(opt.python, args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 20 * 60_000 });
  rmSync(inputs, { recursive: true, force: true });
  if (r.status === 0 && existsSync(out)) {
    /** @type {PythonReport} */
    const python = JSON.parse(readFileSync(out, 'utf8'));
    results.push(
      ...python.results.map((x) => ({ ...x, note: [x.note, 'python, same run'].filter(Boolean).join('; ') })),
    );
    notes.push(
      `Python yardstick: ${python.machine.python}; ${Object.entries(python.machine.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}. ${python.notes?.join(' ') ?? ''}`,
    );
    for (const x of python.checks ?? []) {
      const ref = checks.find((k) => k.case === x.case && k.backend === 'ts (reference)');
      if (!ref || ref.loss0 == null || ref.loss1 == null) continue; // (the reference rows have both)
      const rel0 = Math.abs(x.loss0 - ref.loss0) / Math.abs(ref.loss0),
        rel1 = Math.abs(x.loss1 - ref.loss1) / Math.abs(ref.loss1);
      checks.push({
        case: x.case,
        backend: x.backend,
        reference: 'ts',
        loss0: x.loss0,
        loss1: x.loss1,
        rel0,
        rel1,
        ok: rel0 <= LOSS_TOL && rel1 <= LOSS_TOL,
      });
    }
  } else {
    notes.push(`Python yardstick failed (exit ${r.status}); see the log.`);
    process.exitCode = 1;
  }
} else if (!opt['no-python']) {
  // The peers are part of the benchmark: without them the comparison targets cannot pass.
  notes.push(
    'Python yardstick absent: no JAX/PyTorch rows. Set it up with `bash bench/python/setup.sh` (make bench does), or pass --no-python to time rnn-gd alone.',
  );
  process.exitCode = 1;
}

checks.sort((a, b) => caseOrder(a.case) - caseOrder(b.case));
const durationS = (performance.now() - t0) / 1000;
machine.loadAverage = { start: loadStart, end: os.loadavg().map((x) => +x.toFixed(2)) };
const tg = targets(results, { pairedSpeedup, peakFraction, pairedCostRatio });
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
