/**
 * The timed entries and their interleaved rounds. Each round visits the cases in rotating order;
 * within a case, its backends run back to back (in rotating order) right after one sample of
 * `peak`, so ratios can be taken within a round, between samples seconds apart rather than minutes
 * (lib/stats.mjs).
 */

/** @typedef {import('./recipe.mjs').BenchCase} BenchCase */
/** @typedef {import('./peak.mjs').PeakCase} PeakCase */
/** @typedef {import('./rnn-gd.mjs').Runner} Runner */
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

/**
 * A new entry, not yet warmed up.
 * @param {BenchCase | PeakCase} c
 * @param {string} backend
 * @param {Runner} runner
 * @param {number} reps
 * @returns {Entry}
 */
export const newEntry = (c, backend, runner, reps) => ({
  c,
  backend,
  runner,
  samples: [],
  cpu: [],
  rounds: [],
  spent: 0,
  k: 1,
  reps,
  loss0: null,
  loss1: null,
});

/**
 * Times one sample of `e` (k steps in one call) in `round`, after the peak sample `peakMs`.
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

/**
 * Up to `reps` rounds over the warmed-up entries (each entry until it has its own `reps` samples).
 * @param {Entry[]} entries
 * @param {number} reps
 * @param {(...a: unknown[]) => void} log
 */
export async function runRounds(entries, reps, log) {
  const peakEntry = entries.find((e) => e.backend === 'peak');
  const groups = [...new Set(entries.filter((e) => e !== peakEntry).map((e) => e.c))];
  for (let round = 0; round < reps; round++) {
    const todo = entries.filter((e) => e !== peakEntry && e.samples.length < e.reps);
    if (!todo.length) break;
    log(`round ${round + 1}/${reps}: ${todo.length} entries`);
    const order = groups.map((_, i) => groups[(i + round) % groups.length]);
    for (const c of order) {
      const members = todo.filter((e) => e.c === c);
      if (!members.length) continue;
      const peakMs = peakEntry ? await sample(peakEntry, round, null) : null;
      const shift = round % members.length;
      for (const e of [...members.slice(shift), ...members.slice(0, shift)]) await sample(e, round, peakMs);
    }
  }
}
