/**
 * Statistics of the sample table: medians, the result rows, and the paired ratios the targets are
 * judged by (lib/report.mjs targets). A ratio is taken within each round, between samples seconds
 * apart (lib/rounds.mjs), and the median over rounds is reported, so slow drifts in background load
 * cancel.
 */

/** @typedef {import('./rounds.mjs').Entry} Entry */
/** @typedef {import('./recipe.mjs').BenchCase} BenchCase */
/** @typedef {import('./report.mjs').Result} Result */

/** @param {number[]} xs */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/**
 * The entry of case `caseName` and backend `backend`.
 * @param {Entry[]} entries
 * @param {string} caseName
 * @param {string} backend
 */
const find = (entries, caseName, backend) => entries.find((e) => e.c.name === caseName && e.backend === backend);

/**
 * Median over the rounds where both ran of f(sample of a, sample of b).
 * @param {Entry} ea
 * @param {Entry} eb
 * @param {(a: number, b: number) => number} f
 */
function paired(ea, eb, f) {
  const ratios = ea.rounds.flatMap((ra) =>
    eb.rounds.filter((rb) => rb.round === ra.round).map((rb) => f(ra.ms, rb.ms)),
  );
  return ratios.length ? median(ratios) : null;
}

/**
 * Median over the rounds where both ran of (time of b) / (time of a): how many times a is faster.
 * @param {Entry[]} entries
 * @param {string} caseName
 * @param {string} a
 * @param {string} b
 */
export function pairedSpeedup(entries, caseName, a, b) {
  const ea = find(entries, caseName, a),
    eb = find(entries, caseName, b);
  return ea && eb ? paired(ea, eb, (msA, msB) => msB / msA) : null;
}

/**
 * Median over the rounds where both ran of the cost per n*T*m element of case b over case a (wasm-simd).
 * @param {Entry[]} entries
 * @param {string} caseA
 * @param {string} caseB
 */
export function pairedCostRatio(entries, caseA, caseB) {
  const ea = find(entries, caseA, 'wasm-simd'),
    eb = find(entries, caseB, 'wasm-simd');
  if (!ea || !eb || ea.c.kind === 'peak' || eb.c.kind === 'peak') return null;
  const [ca, cb] = [ea.c, eb.c];
  /** @type {(c: BenchCase, ms: number) => number} */
  const per = (c, ms) => ms / (c.n * c.T * c.m);
  return paired(ea, eb, (msA, msB) => per(cb, msB) / per(ca, msA));
}

/**
 * Median over rounds of wasm-simd's GFLOP/s divided by the peak measured just before it.
 * @param {Entry[]} entries
 * @param {string} caseName
 */
export function peakFraction(entries, caseName) {
  const e = find(entries, caseName, 'wasm-simd');
  const peak = entries.find((x) => x.backend === 'peak');
  if (!e || !peak) return null;
  const ratios = e.rounds.flatMap((r) => (r.peakMs ? [e.c.flops / r.ms / (peak.c.flops / r.peakMs)] : []));
  return ratios.length ? median(ratios) : null;
}

/**
 * The result rows of the timed entries (medians), with the notes of the parallel and relaxed entries.
 * @param {Entry[]} entries
 * @param {number} reps the repetitions asked for (fewer are noted as the time budget's)
 * @returns {Result[]}
 */
export function resultRows(entries, reps) {
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
    if (e.backend === 'peak') r.bestGflops = e.c.flops / (Math.min(...e.samples) * 1e6);
    if (e.samples.length < reps) r.note = `${e.samples.length} rep${e.samples.length > 1 ? 's' : ''} (time budget)`;
    if (e.c.kind === 'gram') r.note = [r.note, 'per Gram matrix'].filter(Boolean).join('; ');
    if (e.c.kind === 'peak') r.note = e.c.note;
    return r;
  });
  for (const r of results.filter((x) => x.backend.includes('-parallel-'))) {
    const speedup = pairedSpeedup(entries, r.case, r.backend, 'wasm-simd');
    if (speedup)
      r.note = [r.note, `${speedup.toFixed(2)}× the 1-thread wasm-simd speed (paired rounds)`]
        .filter(Boolean)
        .join('; ');
  }
  for (const r of results.filter((x) => x.backend === 'wasm-relaxed')) {
    const speedup = pairedSpeedup(entries, r.case, r.backend, 'wasm-simd');
    r.note = [
      r.note,
      'opt-in relaxed-SIMD build (FMA in the GEMM microkernel), child process with --experimental-wasm-relaxed-simd',
      speedup ? `${speedup.toFixed(2)}× the wasm-simd speed (paired rounds)` : null,
      'results differ from the deterministic builds in the last bits, and between CPUs',
    ]
      .filter(Boolean)
      .join('; ');
  }
  return results;
}
