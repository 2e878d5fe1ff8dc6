/**
 * The point runner: point config -> result JSON. Pure in the sense that matters for sweeps: the
 * result (minus `timing`) depends only on the point and the backend build, so a resumed or sharded
 * sweep reproduces an uninterrupted one bit for bit.
 *
 * Steps: data (generator config + seed) -> Theta(0) (init seed, prepareRun) -> optional measurements at init
 * (oracle theta_bar, constants, NTK) -> the step size (point.eta: fixed, from the theory's condition,
 * or the best of a grid; step-size.ts) -> (projected) gradient descent (point-train.ts) -> summary
 * metrics, a downsampled curve, the regime check (kernel drift on a subsample, parameter movement),
 * the NTK drift. Every number is plain JSON (non-finite -> null).
 */
import type { Backend } from '../backend/types.js';
import type { MetricRecord } from '../core/metrics.js';
import { prepareRun } from '../train/run.js';
import { PACKAGE_VERSION } from '../core/version.js';
import type { ModelParams } from '../core/types.js';
import {
  kernelDrift,
  kernelNorm,
  kernelRegime,
  lyapunovExponent,
  makeData,
  mapRadius,
  measuredConstants,
  measuredGradConst,
  ntkGram,
  ntkMinEigenvalue,
  oracle,
  regimeKernel,
} from './deps.js';
import { runtimeName } from '../core/runtime.js';
import { stripIndex } from './util.js';
import { trainRun, type TrainOutcome } from './point-train.js';
import { bestOfGrid, checkEtaChoice, etaRule, etasToRun, gridOrder, theoryFactor, type GridRun } from './step-size.js';
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

/** The scalar metrics of a run. */
function summarize(outcome: TrainOutcome, eps: number | undefined, rho: number | null): PointMetrics {
  const { records, steps, stopped, eta } = outcome;
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
    eta,
    stepsToEpsTimesEta: stepsToEps === null ? null : stepsToEps * eta,
  };
}

/** The metrics of Theta(0) alone (measure.train false): R0 (f(X; Theta(0)) = 0) and nothing moved. */
function initOnlyMetrics(Y: ArrayLike<number>): PointMetrics {
  let r0 = 0;
  for (let k = 0; k < Y.length; k++) r0 += Y[k] ** 2;
  r0 /= 2 * Y.length;
  return {
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
    eta: null,
  };
}

/** ||Theta - Theta(0)|| / ||Theta(0)|| over W and U (both are trained). */
function paramMove(p: ModelParams): number {
  let num = 0,
    den = 0;
  for (const [now, init] of [
    [p.W, p.W0],
    [p.U, p.U0],
  ] as const) {
    for (let k = 0; k < now.length; k++) {
      num += (now[k] - init[k]) ** 2;
      den += init[k] ** 2;
    }
  }
  return Math.sqrt(num / den);
}

/** The downsampled curve of a run. */
function curveOf(records: readonly MetricRecord[], count: number): CurvePoint[] {
  const keep = curveIndices(
    records.map((r) => r.step),
    count,
  );
  return keep.map((i) => {
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
}

/** Runs one point; null when `signal` stopped it before the end. Throws when the point cannot run. */
export async function runPoint(point: IndexedPoint, ctx: RunPointContext): Promise<PointResult | null> {
  const started = now();
  const { backend, signal } = ctx;
  if (point.fault?.kind === 'throw') throw new Error(`fault injected by the point config (${point.id})`);
  const measure = point.measure ?? {};
  if (measure.maxDrift !== undefined && (measure.regime === false || measure.eps === undefined))
    throw new Error(`point ${point.id}: maxDrift needs eps and the regime check (measure.regime)`);
  const choice = point.eta === undefined ? undefined : checkEtaChoice(point.eta, `point ${point.id}: field 'eta'`);
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
    extra.oracleLossMax = o?.oracleLossMax ?? null;
  }
  let gradConst: number | null = null;
  if (measure.constants) {
    const c = measuredConstants(params, gen.train);
    gradConst = extra.gradConst = c.gradConst;
    extra.hessConst = c.hessConst;
    extra.memoryDecay = c.fittedDecay;
    extra.radius0 = c.radius;
  }
  const trained = measure.train !== false;
  // The theory's step size needs the measured L_T (without the Hessian when constants are not asked for).
  if (trained && choice !== undefined && theoryFactor(choice) !== null)
    gradConst = extra.gradConst ??= measuredGradConst(params, gen.train);
  if (measure.memory) extra.lyapunov0 = gen.train.T >= 2 ? lyapunovExponent(params, gen.train).factor : null;
  let K0: Float64Array | null = null;
  if (measure.ntk) {
    K0 = ntkGram(backend, params, gen.train);
    extra.ntkMinEig0 = ntkMinEigenvalue(K0, gen.train.n);
  }
  if (measure.rkhsRidge !== undefined) {
    if (gen.train.Y.length !== gen.train.n) throw new Error(`point ${point.id}: rkhsRidge needs the final readout`);
    const K = K0 ?? ntkGram(backend, params, gen.train);
    extra.rkhsNorm = kernelNorm(K, gen.train.n, gen.train.Y, measure.rkhsRidge);
  }
  // The regime check's subsample is drawn from the data seed: every width of one data set sees the same sequences.
  const tracker =
    trained && measure.regime !== false ? regimeKernel(backend, params, gen.train, `${point.dataSeed}/regime`) : null;
  if (signal?.aborted) return null;

  let metrics: PointMetrics;
  let curve: CurvePoint[] = [];
  let status: PointResult['status'] = 'ok';
  let error: PointResult['error'];
  if (!trained) {
    metrics = initOnlyMetrics(gen.train.Y);
  } else {
    let train = point.train;
    let rho: number | null = train.projection && train.projection.kind !== 'none' ? train.projection.rho : null;
    if (point.rhoOverNu !== undefined) {
      if (!gen.map)
        throw new Error(`point ${point.id}: rhoOverNu needs a transport-map teacher (data system 'transport')`);
      rho = point.rhoOverNu * mapRadius(gen.map);
      train = { ...train, projection: { kind: 'maxnorm', rho } };
    }
    const etas = etasToRun(choice, gradConst);
    const runs: { o: TrainOutcome; m: PointMetrics; budget: number }[] = new Array(etas.length);
    // A grid runs its largest step size first, and each later run gets at most the fewest steps to
    // eps found so far: with the stop at eps, a run can only win by reaching within them, so the
    // chosen run is the one the uncapped grid would choose (bestOfGrid), at a fraction of the cost.
    let fewest = Infinity;
    for (const k of gridOrder(etas)) {
      const eta = etas[k];
      const budget = measure.stopAtEps ? Math.min(train.steps, fewest) : train.steps;
      const o = await trainRun(
        run,
        { ...train, ...(eta === undefined ? {} : { eta }), steps: budget },
        measure,
        signal,
      );
      if (!o) return null;
      const m = summarize(o, measure.eps, rho);
      if (m.stepsToEps !== null) fewest = Math.min(fewest, m.stepsToEps);
      runs[k] = { o, m, budget };
    }
    const grid: GridRun[] = runs.map(({ o, m, budget }) => ({
      eta: o.eta,
      stopped: m.stopped,
      stepsToEps: m.stepsToEps,
      bestRel: m.bestRel,
      ...(budget < train.steps ? { budget } : {}),
    }));
    const chosen = runs[grid.length > 1 ? bestOfGrid(grid) : 0];
    const outcome = chosen.o;
    metrics = chosen.m;
    metrics.etaRule = etaRule(choice);
    if (grid.length > 1) metrics.etaGrid = grid;
    if (outcome.status === 'diverged') {
      status = 'diverged';
      error = { kind: 'diverged', message: outcome.message ?? 'diverged' };
    }
    const records = outcome.records;
    curve = curveOf(records, measure.curvePoints ?? 40);
    if (measure.linearized) {
      const last = records[records.length - 1];
      extra.linGapRms = last?.linGapRms ?? null;
      extra.linGapMax = last?.linGapMax ?? null;
      extra.linTestGapRms = last?.linTestGapRms ?? null;
      extra.linRisk = last?.linRisk ?? null;
      const lin = outcome.linear;
      extra.linStatus = lin?.diverged ? 'diverged' : 'ok';
      extra.linDivergedAt = lin?.step ?? null;
      extra.linLastFiniteRisk = lin?.lastFiniteRisk ?? null;
      // The closed form is plain GD: beside a projected run it is the prediction while the ball is not hit.
      // A diverged linearization has no closed form (kernelRegime refuses eta > 2N/lambda_max): linStatus says it.
      if (!lin?.diverged) {
        const steps = [...curve.map((p) => p.step), last?.step ?? 0];
        const predicted = kernelRegime(backend, params, gen.train, outcome.eta).riskCurve(steps);
        curve.forEach((p, k) => (p.kernelRisk = predicted[k].risk));
        extra.kernelRisk = last ? predicted[predicted.length - 1].risk : null;
      } else extra.kernelRisk = null;
    }
    if (K0) extra.ntkDrift = kernelDrift(K0, ntkGram(backend, outcome.params, gen.train));
    if (tracker) {
      extra.drift = tracker.measure(outcome.params).ntkDrift;
      extra.paramMove = paramMove(outcome.params);
      if (measure.maxDrift !== undefined) {
        // The theorem's regime: eps reached by a network whose kernel moved further does not count.
        extra.reachedRisk = metrics.reached;
        metrics.reached = metrics.reached === true && extra.drift !== null && extra.drift <= measure.maxDrift;
      }
    }
  }
  if (trained) extra.etaLT2 = gradConst !== null && metrics.eta != null ? metrics.eta * gradConst * gradConst : null;
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
