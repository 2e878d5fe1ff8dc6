/**
 * The point runner: point config -> result JSON. Pure in the sense that matters for sweeps: the
 * result (minus `timing`) depends only on the point and the backend build, so a resumed or sharded
 * sweep reproduces an uninterrupted one bit for bit.
 *
 * Steps: data (generator config + seed) -> Theta(0) (init seed, prepareRun) -> optional measurements at init
 * (oracle theta_bar, constants, NTK) -> (projected) gradient descent with the Trainer -> summary
 * metrics, a downsampled curve, the NTK drift. Every number is plain JSON (non-finite -> null).
 */
import { lyapunovExponent } from '../theory/memory-factor.js';
import type { Backend } from '../backend/types.js';
import type { MetricRecord } from '../metrics.js';
import { kernelRegime } from '../theory/kernel-regime.js';
import { prepareRun } from '../run.js';
import { PACKAGE_VERSION } from '../version.js';
import { kernelDrift, makeData, mapRadius, measuredConstants, ntkGram, ntkMinEigenvalue, oracle } from './deps.js';
import { runtimeName } from '../runtime.js';
import { stripIndex } from './util.js';
import type { CurvePoint, IndexedPoint, PointMetrics, PointResult } from './types.js';

export interface RunPointContext {
  backend: Backend;
  signal?: AbortSignal;
  /** Worker slot, recorded in `timing`. */
  worker?: number;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Plain JSON: non-finite numbers become null, typed arrays become arrays. */
const jsonSafe = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value, (_k, v) =>
      typeof v === 'number' && !Number.isFinite(v)
        ? null
        : ArrayBuffer.isView(v)
          ? Array.from(v as unknown as ArrayLike<number>)
          : v,
    ),
  );

/** Record indices to keep: the first, the last, and about `count` spread evenly in log(step) and in step. */
export function curveIndices(steps: readonly number[], count: number): number[] {
  const L = steps.length;
  if (L <= count) return steps.map((_, i) => i);
  const keep = new Set<number>([0, L - 1]);
  const half = Math.max(1, Math.floor(count / 2));
  for (let k = 1; k < half; k++) keep.add(Math.round((k * (L - 1)) / half));
  const maxStep = Math.max(1, steps[L - 1]);
  let j = 1;
  for (let k = 0; k < half; k++) {
    const target = Math.exp((Math.log(maxStep) * k) / Math.max(1, half - 1));
    while (j < L - 1 && steps[j] < target) j++;
    keep.add(j);
  }
  return [...keep].sort((a, b) => a - b);
}

/** A run is judged by the plateau rule from this step on (and from a tenth of its budget). */
const PLATEAU_MIN_STEPS = 100;
/** The projected best risk must miss the target by this factor before a run is stopped. */
const PLATEAU_MARGIN = 2;

/**
 * The plateau rule [our derivation]: can a run still reach `target` within `budget` steps? At step
 * s (after max(PLATEAU_MIN_STEPS, budget / 10) steps) take the average decay rate of the best risk
 * b over the last half of the run, r = (ln b(s/2) - ln b(s)) / (s/2), and project
 * ln b(budget) ~ ln b(s) - r (budget - s). For gradient descent on the linearized model (a
 * quadratic risk, a step size below 2 / lambda_max) the risk is a sum of decaying exponentials
 * c_k q_k^(2s) in s, whose logarithm is convex: the rate only falls, so the projection is a lower
 * bound on the risk at the end, and a run whose projection stays above the target cannot reach it.
 * For the network itself it is a heuristic, with a margin: stop when the projection misses the
 * target by more than PLATEAU_MARGIN. `steps` and `best` are the records so far (best risk up to
 * each record, non-increasing).
 */
export function plateauStop(
  steps: readonly number[],
  best: readonly number[],
  budget: number,
  target: number,
): boolean {
  const L = steps.length;
  if (L < 2) return false;
  const s = steps[L - 1];
  if (s < Math.max(PLATEAU_MIN_STEPS, budget / 10) || s >= budget) return false;
  let j = L - 1;
  while (j > 0 && steps[j] > s / 2) j--;
  const span = s - steps[j];
  if (span <= 0 || !(best[L - 1] > 0) || !(best[j] > 0)) return false;
  const rate = (Math.log(best[j]) - Math.log(best[L - 1])) / span;
  const projected = Math.log(best[L - 1]) - Math.max(0, rate) * (budget - s);
  return projected > Math.log(target * PLATEAU_MARGIN);
}

function summarize(
  records: readonly MetricRecord[],
  eps: number | undefined,
  steps: number,
  stopped: PointMetrics['stopped'],
  rho: number | null,
): PointMetrics {
  const first = records[0];
  const last = records[records.length - 1];
  let best = Infinity,
    rhoMax = 0,
    memMax = 0;
  let stepsToEps: number | null = null;
  for (const r of records) {
    if (r.risk < best) best = r.risk;
    rhoMax = Math.max(rhoMax, r.rhoEff);
    memMax = Math.max(memMax, r.memoryFactor);
    if (eps !== undefined && stepsToEps === null && r.risk <= eps * first.risk) stepsToEps = r.step;
  }
  return {
    risk0: first.risk,
    finalRisk: last.risk,
    bestRisk: best,
    bestRel: best / first.risk,
    finalRel: last.risk / first.risk,
    finalTestRisk: last.testRisk ?? null,
    avgRisk: last.avgRisk,
    stepsToEps,
    reached: eps === undefined ? null : stepsToEps !== null,
    rhoEff: last.rhoEff,
    rhoEffMax: rhoMax,
    distL2: last.distL2,
    wScale: last.wScale,
    memoryFactor: last.memoryFactor,
    memoryFactorMax: memMax,
    gradNorm0: first.gradNorm,
    boundaryFraction: last.boundaryFraction,
    steps,
    stopped,
    rho,
  };
}

/** Runs one point; null when `signal` stopped it before the end. Throws when the point cannot run. */
export async function runPoint(point: IndexedPoint, ctx: RunPointContext): Promise<PointResult | null> {
  const started = now();
  const { backend, signal } = ctx;
  if (point.fault?.kind === 'throw') throw new Error(`fault injected by the point config (${point.id})`);
  const measure = point.measure ?? {};
  const gen = await makeData(point.data, point.dataSeed, backend);
  // The point's data decide d and the readout (a preset's model leaves them to it).
  const run = prepareRun(
    { model: { ...point.model, d: gen.train.d, readout: gen.meta.readout }, init: point.init, train: point.train },
    { data: gen.train, test: gen.test ?? undefined, backend },
  );
  const { params } = run;
  const extra: Partial<PointMetrics> = {};
  if (gen.map) extra.nu = mapRadius(gen.map);

  if (measure.oracle) {
    const o = oracle(params, gen, backend);
    extra.oracleRisk = o?.oracleRisk ?? null;
    extra.oracleRiskNonlinear = o?.oracleRiskNonlinear ?? null;
  }
  if (measure.constants) {
    const c = measuredConstants(params, gen.train);
    extra.gradConst = c.gradConst;
    extra.hessConst = c.hessConst;
    extra.memoryDecay = c.fittedDecay;
    extra.radius0 = c.radius;
  }
  if (measure.memory) extra.lyapunov0 = gen.train.T >= 2 ? lyapunovExponent(params, gen.train).factor : null;
  let K0: Float64Array | null = null;
  if (measure.ntk) {
    K0 = ntkGram(backend, params, gen.train);
    extra.ntkMinEig0 = ntkMinEigenvalue(K0, gen.train.n);
  }
  if (signal?.aborted) return null;

  let metrics: PointMetrics;
  let curve: CurvePoint[] = [];
  let status: PointResult['status'] = 'ok';
  let error: PointResult['error'];
  if (measure.train === false) {
    // Measurements at init only: the risk of Theta(0) is R0 (f(X; Theta(0)) = 0).
    let r0 = 0;
    for (let k = 0; k < gen.train.Y.length; k++) r0 += gen.train.Y[k] ** 2;
    r0 /= 2 * gen.train.Y.length;
    metrics = {
      risk0: r0,
      finalRisk: r0,
      bestRisk: r0,
      bestRel: 1,
      finalRel: 1,
      finalTestRisk: null,
      avgRisk: r0,
      stepsToEps: null,
      reached: null,
      rhoEff: 0,
      rhoEffMax: 0,
      distL2: 0,
      wScale: 0,
      memoryFactor: 0,
      memoryFactorMax: 0,
      gradNorm0: Number.NaN,
      boundaryFraction: null,
      steps: 0,
      stopped: 'init-only',
      rho: null,
    };
  } else {
    let train = point.train;
    let rho: number | null = train.projection && train.projection.kind !== 'none' ? train.projection.rho : null;
    if (point.rhoOverNu !== undefined) {
      if (!gen.map)
        throw new Error(`point ${point.id}: rhoOverNu needs a transport-map teacher (data system 'transport')`);
      rho = point.rhoOverNu * mapRadius(gen.map);
      train = { ...train, projection: { kind: 'maxnorm', rho } };
    }
    // Our own stop (at eps) and the caller's abort share one controller; `external` tells them apart.
    const controller = new AbortController();
    let external = false;
    const onAbort = () => {
      external = true;
      controller.abort();
    };
    if (signal?.aborted) return null;
    signal?.addEventListener('abort', onAbort, { once: true });
    const trainer = run.trainer({ train, linearized: measure.linearized });
    try {
      let risk0: number | null = null;
      let hitEps = false,
        plateau = false;
      const budget = Number(train.steps) || 0;
      const recSteps: number[] = [],
        recBest: number[] = [];
      const result = await trainer.run({
        signal: controller.signal,
        onProgress: (rec) => {
          risk0 ??= trainer.records[0]?.risk ?? rec.risk;
          if (measure.eps === undefined) return;
          if (measure.stopAtEps && rec.risk <= measure.eps * risk0) {
            hitEps = true;
            controller.abort();
            return;
          }
          if (!measure.plateau) return;
          recSteps.push(rec.step);
          recBest.push(Math.min(rec.risk, recBest[recBest.length - 1] ?? Infinity));
          if (plateauStop(recSteps, recBest, budget, measure.eps * risk0)) {
            plateau = true;
            controller.abort();
          }
        },
      });
      if (result.status === 'aborted' && (external || !(hitEps || plateau))) return null;
      if (result.status === 'diverged') {
        status = 'diverged';
        error = { kind: 'diverged', message: result.message ?? 'diverged' };
      }
      const records = result.records;
      const stopped = result.status === 'diverged' ? 'diverged' : hitEps ? 'eps' : plateau ? 'plateau' : 'steps';
      metrics = summarize(records, measure.eps, result.steps, stopped, rho);
      const keep = curveIndices(
        records.map((r) => r.step),
        measure.curvePoints ?? 40,
      );
      curve = keep.map((i) => {
        const r = records[i];
        return {
          step: r.step,
          risk: r.risk,
          avgRisk: r.avgRisk,
          ...(r.testRisk !== undefined ? { testRisk: r.testRisk } : {}),
          rhoEff: r.rhoEff,
          distL2: r.distL2,
          memoryFactor: r.memoryFactor,
          gradNorm: r.gradNorm,
          ...(r.linRisk !== undefined ? { linRisk: r.linRisk } : {}),
        };
      });
      if (measure.linearized) {
        const last = records[records.length - 1];
        extra.linGapRms = last?.linGapRms ?? null;
        extra.linGapMax = last?.linGapMax ?? null;
        extra.linTestGapRms = last?.linTestGapRms ?? null;
        extra.linRisk = last?.linRisk ?? null;
        // The closed form is plain GD: beside a projected run it is the prediction while the ball is not hit.
        const eta = trainer.options.eta;
        const predicted = kernelRegime(backend, params, gen.train, eta).riskCurve([
          ...curve.map((c) => c.step),
          last?.step ?? 0,
        ]);
        curve.forEach((c, k) => (c.kernelRisk = predicted[k].risk));
        extra.kernelRisk = last ? predicted[predicted.length - 1].risk : null;
      }
      if (K0) {
        const Ks = ntkGram(backend, trainer.params(), gen.train);
        extra.ntkDrift = kernelDrift(K0, Ks);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      trainer.free();
    }
  }
  if (extra.oracleRisk != null) extra.oracleRel = extra.oracleRisk / metrics.risk0;

  const result: PointResult = {
    format: 'rnn-gd.point/1',
    index: point.index,
    id: point.id,
    group: point.group,
    experiment: point.experiment,
    params: point.params,
    seed: point.seed,
    status,
    ...(error ? { error } : {}),
    metrics: { ...metrics, ...extra },
    curve,
    data: {
      system: gen.meta.system,
      normalization: gen.meta.normalization,
      teacher: gen.meta.teacher,
      n: gen.meta.n,
      T: gen.meta.T,
      d: gen.meta.d,
    },
    config: stripIndex(point),
    run: { package: 'rnn-gd', version: PACKAGE_VERSION, backend: backend.description, runtime: runtimeName() },
    timing: {
      wallMs: Math.round(now() - started),
      finishedAt: new Date().toISOString(),
      ...(ctx.worker !== undefined ? { worker: ctx.worker } : {}),
    },
  };
  return jsonSafe(result);
}
