/**
 * The one door between the experiments and the rest of the package's rooms: data generation
 * (ts/data), the transport-map oracle (ts/data/oracle), measured constants (ts/theory/constants)
 * the empirical NTK (ts/theory/ntk, ts/theory/kernel-track), the closed-form kernel regime and the
 * Lyapunov exponent, the kernel-regression norm of a target. The point runner (point.ts, point-train.ts) reaches data/ and theory/ only
 * through here: scripts/check-layers.mjs holds it to that.
 */
import type { Backend } from '../backend/types.js';
import { generateData, type DataConfigInput, type GeneratedData } from '../data/generate.js';
import { mapRadius } from '../data/transport.js';
import { approximationFloor } from '../data/oracle.js';
import { constants as measureTheoryConstants, measureConstants } from '../theory/constants.js';
import { recurrentRadius } from '../core/metrics.js';
import { gramStats, relativeDrift } from '../theory/ntk.js';
import { KernelTracker } from '../theory/kernel-track.js';
import { kernelRegime } from '../theory/kernel-regime.js';
import { lyapunovExponent } from '../theory/memory-factor.js';
import { kernelNorm } from '../theory/kernel-ridge.js';
import type { Dataset, ModelParams } from '../core/types.js';
import type { Seed } from '../core/rng.js';
import { canonicalJson } from './plan.js';
import { sliceRows } from '../core/dataset.js';

export type { GeneratedData };
export { kernelNorm, kernelRegime, lyapunovExponent, mapRadius };

const cache = new Map<string, Promise<GeneratedData>>();
const CACHE_SIZE = 4;

/**
 * Train (and test) data of a point: `config` is the data generator's config, `seed` its seed.
 * The last few data sets are cached per realm (worker): consecutive points of a sweep often share
 * their data (E1: every width of one n). Callers must not modify the returned arrays.
 */
export function makeData(config: DataConfigInput, seed: Seed, backend: Backend): Promise<GeneratedData> {
  const key = `${backend.description}|${JSON.stringify(seed)}|${canonicalJson(config)}`;
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return hit;
  }
  hit = generateData(config, seed, { backend });
  cache.set(key, hit);
  hit.catch(() => cache.delete(key));
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return hit;
}

export interface OracleMeasure {
  /** Risk of the linearized network at theta_bar (the approximation floor). */
  oracleRisk: number;
  /** Risk of the network itself at theta_bar. */
  oracleRiskNonlinear: number;
  /** The largest per-sequence loss (1/2)(f_lin - y)^2 at theta_bar: the sup-norm error the bound's union bound over n controls. */
  oracleLossMax: number;
  /** Radius nu of the stored (normalized) targets' transport map. */
  nu: number;
}

/** Oracle parameters theta_bar for the student's init and their risks; null when the data has no transport map. */
export function oracle(student: ModelParams, gen: GeneratedData, backend: Backend): OracleMeasure | null {
  if (!gen.map || student.spec.recurrence !== 'diagonal') return null;
  const floor = approximationFloor(student, gen.map, gen.train, { backend, normalization: { offset: 0, scale: 1 } });
  const net = backend.network(floor.params);
  try {
    const ws = net.workspace(gen.train.n, gen.train.T);
    try {
      ws.setData(gen.train);
      let lossMax = 0;
      for (let k = 0; k < floor.predictions.length; k++)
        lossMax = Math.max(lossMax, 0.5 * (floor.predictions[k] - gen.train.Y[k]) ** 2);
      return {
        oracleRisk: floor.risk,
        oracleRiskNonlinear: ws.forward().loss,
        oracleLossMax: lossMax,
        nu: mapRadius(gen.map),
      };
    } finally {
      ws.free();
    }
  } finally {
    net.free();
  }
}

export interface ConstantsMeasure {
  /** max ||d h_{i,T-1} / d theta_i|| over neurons and samples (measured L_T). */
  gradConst: number;
  /** max spectral norm of d^2 h_{i,T-1} / d theta_i^2 (measured beta_T). */
  hessConst: number;
  /** exp(slope) of the memory-decay curve (a measured memory factor), or null. */
  fittedDecay: number | null;
  /** Spectral radius of the recurrent matrix as the recurrence scales it (see recurrentRadius). */
  radius: number;
}

/** The measured constants of the theory on (at most `samples` sequences of) the data. */
export function measuredConstants(params: ModelParams, data: Dataset, samples = 64): ConstantsMeasure {
  const r = measureTheoryConstants(params, sliceRows(data, 0, Math.min(samples, data.n)));
  return {
    gradConst: r.measured.L_T,
    hessConst: r.measured.beta_T,
    fittedDecay: r.sensitivity.fittedDecay,
    radius: recurrentRadius(params.spec, params.W),
  };
}

/** The measured L_T alone (no Hessian): what the step size 'theory' needs, on the same sequences as measuredConstants. */
export function measuredGradConst(params: ModelParams, data: Dataset, samples = 64): number {
  return measureConstants(params, sliceRows(data, 0, Math.min(samples, data.n)), { samples: 0 }).measured.L_T;
}

/** Empirical NTK Gram matrix (n x n) on the data at the given parameters. */
export function ntkGram(backend: Backend, params: ModelParams, data: Dataset): Float64Array {
  return backend.kernels.ntkGram(params, data);
}

export const ntkMinEigenvalue = (K: Float64Array, n: number): number => gramStats(K, n).minEigenvalue;
export const kernelDrift = (K0: Float64Array, Ks: Float64Array): number => relativeDrift(K0, Ks);

/**
 * The regime check's kernel: K(Theta(0)) on a fixed subsample of at most 32 training sequences
 * drawn by `seed`; `measure(params).ntkDrift` is the relative drift at other parameters.
 */
export const regimeKernel = (backend: Backend, params: ModelParams, data: Dataset, seed: Seed): KernelTracker =>
  new KernelTracker(backend, params, data, { seed });
