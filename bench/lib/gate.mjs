/**
 * The correctness gate and the warm-up. Every runner starts from the same Theta0 on the same data
 * (lib/recipe.mjs): loss(Theta0), one step (the first warm-up step), loss(Theta1). All are compared
 * with the float64 ts reference (or, where ts does not run, with wasm-simd); a mismatch beyond
 * LOSS_TOL makes the comparison dishonest, and the run fails.
 */

/** @typedef {import('./rounds.mjs').Entry} Entry */
/** @typedef {import('./report.mjs').Check} Check */

/** Relative tolerance of the loss check (float32 backends against the float64 reference). */
export const LOSS_TOL = 1e-3;

/**
 * Warms every entry up (first step checked, then more steps for wasm tier-up and JIT) and
 * calibrates it: k steps per sample of about `sampleMs`, and as many repetitions (at most `reps`)
 * as fit in `budgetMs`.
 * @param {Entry[]} entries
 * @param {{ warmMs: number, sampleMs: number, budgetMs: number, reps: number }} t
 * @param {(...a: unknown[]) => void} log
 */
export async function warmUp(entries, t, log) {
  for (const e of entries) {
    const { runner } = e;
    if (runner.activate) await runner.activate();
    e.loss0 = e.c.kind === 'step' ? await runner.loss() : null;
    let t0 = performance.now();
    await runner.step(1);
    let dt = performance.now() - t0;
    e.spent += dt;
    e.loss1 = e.c.kind === 'step' ? await runner.loss() : null;
    let warm = dt;
    let per = dt;
    while (warm < t.warmMs) {
      const k = Math.max(1, Math.min(1000, Math.ceil((t.warmMs - warm) / Math.max(per, 0.01) / 2)));
      t0 = performance.now();
      await runner.step(k);
      const d = performance.now() - t0;
      warm += d;
      per = d / k;
    }
    e.k = Math.max(1, Math.min(1000, Math.round(t.sampleMs / per)));
    e.reps = Math.max(1, Math.min(t.reps, Math.floor(t.budgetMs / (e.k * per))));
    log(
      `${e.c.name.padEnd(16)} ${e.backend.padEnd(22)} warm ${per.toFixed(2)} ms/step, ${e.k} steps/sample, ${e.reps} reps`,
    );
  }
}

/** Relative difference |a - b| / |b| (step runners' losses are numbers; Number() only satisfies the type). */
const rel = (/** @type {number | null} */ a, /** @type {number | null} */ b) =>
  Math.abs(Number(a) - Number(b)) / Math.max(Math.abs(Number(b)), 1e-30);

/**
 * The loss checks of the warmed-up step entries against their reference, reference rows first.
 * @param {Entry[]} entries
 * @param {(...a: unknown[]) => void} log
 * @returns {Check[]}
 */
export function lossChecks(entries, log) {
  /** @type {Check[]} */
  const checks = [];
  const steps = entries.filter((x) => x.c.kind === 'step');
  for (const e of steps.filter((x) => x.backend === 'ts'))
    checks.push({
      case: e.c.name,
      backend: 'ts (reference)',
      loss0: e.loss0,
      loss1: e.loss1,
      rel0: 0,
      rel1: 0,
      ok: true,
    });
  for (const e of steps) {
    const ref =
      entries.find((x) => x.c === e.c && x.backend === 'ts') ??
      entries.find((x) => x.c === e.c && x.backend === 'wasm-simd');
    if (!ref || ref === e) continue;
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
  return checks;
}

/**
 * The check of a Python peer's losses against the ts reference row of its case (null without one).
 * @param {Check[]} checks
 * @param {{ case: string, backend: string, loss0: number, loss1: number }} x
 * @returns {Check | null}
 */
export function peerCheck(checks, x) {
  const ref = checks.find((k) => k.case === x.case && k.backend === 'ts (reference)');
  if (!ref || ref.loss0 == null || ref.loss1 == null) return null;
  const rel0 = Math.abs(x.loss0 - ref.loss0) / Math.abs(ref.loss0),
    rel1 = Math.abs(x.loss1 - ref.loss1) / Math.abs(ref.loss1);
  const { loss0, loss1 } = x;
  return {
    case: x.case,
    backend: x.backend,
    reference: 'ts',
    loss0,
    loss1,
    rel0,
    rel1,
    ok: rel0 <= LOSS_TOL && rel1 <= LOSS_TOL,
  };
}
