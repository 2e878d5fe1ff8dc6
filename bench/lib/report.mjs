/** Machine description, the performance targets of docs/performance.md as ratios, and the markdown table. */
import { pairedCostRatio, pairedSpeedup, peakFraction } from './stats.mjs';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * One row of the results table (latest.json `results`; the Python yardstick's rows have the first five).
 * @typedef {object} Result
 * @property {string} case
 * @property {string} backend
 * @property {number | null} msPerStep
 * @property {number | null} [gflops]
 * @property {number} [reps]
 * @property {number} [stepsPerRep]
 * @property {number | null} [cpuMsPerStep]
 * @property {number} [bestGflops] the peak entry's best sample
 * @property {string} [note]
 */
/**
 * One loss comparison with the reference (latest.json `checks`).
 * @typedef {{ case: string, backend: string, reference?: string, loss0: number | null, loss1: number | null,
 *   rel0: number, rel1: number, ok: boolean }} Check
 */
/** @typedef {{ target: string, threshold: number, at?: 'most', value: number | null, status: string }} Target */
/** @typedef {{ case: string, backend: string, bytes: number }} MemoryRow */
/**
 * The run's description (latest.json `machine`): machineInfo() with what run.mjs adds.
 * @typedef {ReturnType<typeof machineInfo> & { wasmFeatures: Record<string, boolean>, date: string,
 *   loadAverage?: { start: number[], end: number[] } }} Machine
 */

/**
 * CPU vendor, model and feature flags from /proc/cpuinfo (Linux; null elsewhere): speed can
 * differ by CPU kind (subnormal handling, vector width), so every result records them.
 */
export function cpuInfo() {
  let text;
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  const first = text.split(/\n\s*\n/)[0];
  const field = (/** @type {string} */ name) =>
    new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first)?.[1]?.trim() ?? null;
  return {
    vendor: field('vendor_id'),
    model: field('model name'),
    family: field('cpu family'),
    modelNumber: field('model'),
    stepping: field('stepping'),
    flags: (field('flags') ?? field('Features') ?? '').split(/\s+/).filter(Boolean),
  };
}

/**
 * This machine (CPU, cores, Node) and `extra`.
 * @template {object} E
 * @param {E} extra
 */
export function machineInfo(extra) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cpuInfo: cpuInfo(),
    cores: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    ...extra,
  };
}

/**
 * The row of case c and backend b, if it has a time.
 * @param {Result[]} results
 * @param {string} c
 * @param {string} b
 */
const get = (results, c, b) =>
  /** @type {(Result & { msPerStep: number }) | undefined} */ (
    results.find((r) => r.case === c && r.backend === b && r.msPerStep != null)
  );

/**
 * The performance targets (docs/performance.md) with PASS / MISS (MISSING when a Python peer's row is absent, never a pass; n/a when one of rnn-gd's own is). Ratios are paired per round
 * (entries of one case run back to back, right after a peak sample) and the median over rounds
 * is taken, so slow drifts in background load cancel (lib/stats.mjs).
 * @param {Result[]} results
 * @param {import('./rounds.mjs').Entry[]} entries the timed entries, for the paired ratios
 */
export function targets(results, entries) {
  /** @type {Target[]} */
  const out = [];
  /**
   * @param {string} name
   * @param {number} threshold
   * @param {number | null} value
   * @param {'least' | 'most'} [at]
   */
  const add = (name, threshold, value, at = 'least', peer = false) =>
    out.push({
      target: name,
      threshold,
      ...(at === 'most' ? { at } : {}),
      value,
      // A peer's missing row is never a pass (nor silently "n/a").
      status:
        value == null
          ? peer
            ? 'MISSING'
            : 'n/a'
          : (at === 'most' ? value <= threshold : value >= threshold)
            ? 'PASS'
            : 'MISS',
    });
  /** Ratio of the medians (the Python peers run in their own process after the JS entries). */
  const vsPeer = (/** @type {string} */ c, /** @type {string} */ mine, /** @type {string} */ peer) => {
    const a = get(results, c, mine),
      b = get(results, c, peer);
    return a && b ? b.msPerStep / a.msPerStep : null;
  };
  for (const c of ['dense-128', 'dense-256', 'diag-512', 'ntk-512']) {
    add(`${c}: native vs JAX (1 thread)`, 1, vsPeer(c, 'native', 'jax-1t'), 'least', true);
    add(`${c}: native vs PyTorch (1 thread)`, 1, vsPeer(c, 'native', 'torch-1t'), 'least', true);
  }
  for (const c of ['dense-128', 'dense-256'])
    add(`${c}: native vs wasm-simd`, 2, pairedSpeedup(entries, c, 'native', 'wasm-simd'));
  const par = 'dense-256-n4096';
  for (const c of [par, 'diag-512']) {
    add(`${c}: native 2 workers vs JAX (all threads)`, 1, vsPeer(c, 'native-parallel-2', 'jax'), 'least', true);
    add(`${c}: native 2 workers vs PyTorch (all threads)`, 1, vsPeer(c, 'native-parallel-2', 'torch'), 'least', true);
  }
  add(`${par}: native 2 workers vs 1`, 1.7, pairedSpeedup(entries, par, 'native-parallel-2', 'native'));
  for (const c of ['dense-128', 'dense-256']) {
    add(`${c}: wasm-simd GFLOP/s / peak`, 0.65, peakFraction(entries, c));
    add(`${c}: wasm-simd vs ts`, 10, pairedSpeedup(entries, c, 'wasm-simd', 'ts'));
    add(`${c}: wasm-simd vs tfjs-wasm`, 10, pairedSpeedup(entries, c, 'wasm-simd', 'tfjs-wasm'));
    add(`${c}: wasm-simd vs tfjs-cpu`, 40, pairedSpeedup(entries, c, 'wasm-simd', 'tfjs-cpu'));
  }
  add('diag-512: wasm-simd vs tfjs-wasm', 10, pairedSpeedup(entries, 'diag-512', 'wasm-simd', 'tfjs-wasm'));
  // JAX runs in its own process after the JS entries (not paired): the ratio of the medians.
  const simd = get(results, 'diag-512', 'wasm-simd'),
    jax = get(results, 'diag-512', 'jax-1t');
  add('diag-512: wasm-simd vs JAX (1 thread)', 1, simd && jax ? jax.msPerStep / simd.msPerStep : null, 'least', true);
  add(
    'diag-regime: cost per element, T = 50 over T = 10 (wasm-simd)',
    1.5,
    pairedCostRatio(entries, 'diag-regime-T10', 'diag-regime-T50'),
    'most',
  );
  add(
    'dense-256-n4096: 2 workers vs 1 (wasm-simd)',
    1.7,
    pairedSpeedup(entries, 'dense-256-n4096', 'wasm-simd-parallel-2', 'wasm-simd'),
  );
  return out;
}

/** @param {number | null | undefined} ms */
const fmtMs = (ms) =>
  ms == null
    ? '—'
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : ms >= 10
        ? `${ms.toFixed(1)} ms`
        : `${ms.toFixed(2)} ms`;
/** @param {number | null | undefined} g */
const fmtG = (g) => (g == null ? '—' : g >= 10 ? g.toFixed(1) : g.toFixed(2));
/** @param {number | null | undefined} x */
const fmtX = (x) => (x == null ? '—' : x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`);

/**
 * The report as markdown (latest.md): tables of results, targets, checks and memory, then the notes.
 * @param {{ machine: Machine, results: Result[], checks?: Check[], memory?: MemoryRow[], targets: Target[],
 *   notes?: string[], durationS: number }} report
 */
export function markdown({ machine, results, checks, memory, targets: tg, notes, durationS }) {
  const lines = [];
  lines.push(`# rnn-gd benchmark`, '');
  lines.push(
    `${machine.cpu}${machine.cpuInfo ? ` (${machine.cpuInfo.vendor}, family ${machine.cpuInfo.family} model ${machine.cpuInfo.modelNumber}; flags in latest.json)` : ''}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}; wasm: ${Object.entries(
      machine.wasmFeatures,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. ` +
      `One process run of ${durationS.toFixed(0)} s, ${machine.date}; load average (1 min) ${machine.loadAverage?.start?.[0] ?? '?'} at the start, ${machine.loadAverage?.end?.[0] ?? '?'} at the end (other work on the machine). ` +
      'Time per full-batch GD step (ntk-512: per Gram matrix), median of the repetitions; cpu = CPU time of the process per step (all its threads).',
    '',
  );
  const cases = [...new Set(results.map((r) => r.case))].filter((c) => c !== 'peak');
  lines.push(
    '| case | backend | ms/step | GFLOP/s | cpu ms/step | reps | wasm-simd is × faster | note |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  );
  for (const c of cases) {
    const simd = get(results, c, 'wasm-simd');
    for (const r of results.filter((x) => x.case === c)) {
      const x = simd && r.msPerStep != null && r.backend !== 'wasm-simd' ? r.msPerStep / simd.msPerStep : null;
      lines.push(
        `| ${c} | ${r.backend} | ${fmtMs(r.msPerStep)} | ${fmtG(r.gflops)} | ${r.cpuMsPerStep == null ? '—' : fmtMs(r.cpuMsPerStep).replace(' ms', '')} | ${r.reps ?? '—'} | ${fmtX(x)} | ${r.note ?? ''} |`,
      );
    }
  }
  const peak = results.find((r) => r.case === 'peak');
  if (peak)
    lines.push(
      `| peak | peak | ${fmtMs(peak.msPerStep)} | ${fmtG(peak.gflops)} | | ${peak.reps ?? '—'} | | ${peak.note ?? ''}; best sample ${fmtG(peak.bestGflops)} GFLOP/s |`,
    );
  lines.push(
    '',
    '## Performance targets, ratios from this run',
    '',
    'Each ratio is the median over rounds of the ratio within a round (the entries of one case run back to back, right after a `peak` sample).',
    '',
    '| target | needed | measured | |',
    '|---|---:|---:|---|',
  );
  for (const t of tg) {
    const v = t.value == null ? '—' : t.threshold < 1 ? `${(100 * t.value).toFixed(0)}%` : fmtX(t.value);
    const need =
      t.at === 'most'
        ? `≤ ${t.threshold}×`
        : t.threshold < 1
          ? `≥ ${(100 * t.threshold).toFixed(0)}%`
          : `≥ ${t.threshold}×`;
    lines.push(`| ${t.target} | ${need} | ${v} | ${t.status} |`);
  }
  if (checks?.length) {
    lines.push(
      '',
      '## Same numbers: loss before and after the first step (same Θ₀, same data), relative difference to the reference (≤ 1e-3 required)',
      '',
      '| case | backend | vs | loss(Θ₀) | rel. diff | loss(Θ₁) | rel. diff | |',
      '|---|---|---|---:|---:|---:|---:|---|',
    );
    for (const k of checks) {
      lines.push(
        `| ${k.case} | ${k.backend} | ${k.reference ?? ''} | ${k.loss0?.toPrecision(7) ?? '—'} | ${k.rel0?.toExponential(1) ?? '—'} | ${k.loss1?.toPrecision(7) ?? '—'} | ${k.rel1?.toExponential(1) ?? '—'} | ${k.ok == null ? 'n/a' : k.ok ? 'ok' : 'MISMATCH'} |`,
      );
    }
  }
  if (memory?.length) {
    lines.push(
      '',
      '## Memory: wasm memory growth when a network + workspace is created (64 KiB pages)',
      '',
      '| case | backend | bytes | MiB |',
      '|---|---|---:|---:|',
    );
    for (const m of memory) lines.push(`| ${m.case} | ${m.backend} | ${m.bytes} | ${(m.bytes / 2 ** 20).toFixed(2)} |`);
  }
  if (notes?.length) lines.push('', '## Notes', '', ...notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
