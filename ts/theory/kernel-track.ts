/**
 * The empirical NTK along training, on a fixed seeded subsample of the training set: the lazy
 * versus rich diagnostics of a run (docs/theory.md, "The NTK along training").
 *
 * - drift: ||K(Theta) - K(Theta(0))||_F / ||K(Theta(0))||_F (how much the kernel changed in size);
 * - alignment: centered kernel alignment CKA(K(Theta), K(Theta(0))) (Cortes, Mohri & Rostamizadeh
 *   2012; 1 when the kernel only changed by a positive factor: a change of shape);
 * - the top eigenvalues of K(Theta) (the directions GD moves fastest along).
 *
 * The subsample keeps the cost independent of n: one Gram matrix of s x s (s <= 32 by default) per
 * measurement. It is drawn once from the seed (own stream 'kernel-subsample'), so the same run
 * always looks at the same sequences, and a resumed run measures what an uninterrupted one does.
 */
import { ValidationError } from '../core/errors.js';
import type { Backend } from '../backend/types.js';
import { selectRows, sliceRows } from '../core/dataset.js';
import { makeRng, permutation, type Seed } from '../core/rng.js';
import type { Dataset, ModelParams } from '../core/types.js';
import { centeredKernelAlignment } from './alignment.js';
import { atInit, relativeDrift, symmetricEigenvalues } from './ntk.js';

/** Default subsample size and number of top eigenvalues. */
export const KERNEL_SAMPLES = 32;
export const KERNEL_TOP = 3;

/** The NTK at some Theta against Theta(0), on the tracker's subsample. */
export interface KernelSnapshot {
  /** ||K - K0||_F / ||K0||_F */
  ntkDrift: number;
  /** Centered kernel alignment of K with K0 (null when a centered kernel is 0, e.g. s = 1). */
  ntkAlignment: number | null;
  /** The largest eigenvalues of K, descending. */
  ntkTopEigs: number[];
}

/** `samples` sequences of `data` (all when n <= samples), chosen by `seed`, in index order. */
export function kernelSubsample(data: Dataset, samples: number, seed: Seed): Dataset {
  if (!Number.isSafeInteger(samples) || samples < 1)
    throw new ValidationError(`kernel subsample: the size must be a positive integer, got ${samples}`);
  if (data.n <= samples) return sliceRows(data, 0, data.n);
  const order = permutation(data.n, makeRng(seed, 'kernel-subsample'));
  return selectRows(data, order.slice(0, samples).sort());
}

export class KernelTracker {
  /** The subsample the kernels are measured on. */
  readonly data: Dataset;
  private readonly K0: Float64Array;
  private readonly top: number;

  /** `params` carry Theta(0) as W0/U0 (K0 is measured there, also when they are Theta(step) of a resumed run). */
  constructor(
    private readonly backend: Backend,
    params: ModelParams,
    data: Dataset,
    opts: { samples?: number; seed: Seed; top?: number },
  ) {
    this.top = opts.top ?? KERNEL_TOP;
    this.data = kernelSubsample(data, opts.samples ?? KERNEL_SAMPLES, opts.seed);
    this.K0 = backend.kernels.ntkGram(atInit(params), this.data);
  }

  /** The kernel at `params` against K0. */
  measure(params: ModelParams): KernelSnapshot {
    const n = this.data.n;
    const K = this.backend.kernels.ntkGram(params, this.data);
    let alignment: number | null;
    try {
      alignment = centeredKernelAlignment(K, this.K0, n);
    } catch {
      alignment = null; // a constant (or non-finite) kernel has no centered part
    }
    const eig = symmetricEigenvalues(K, n);
    const ntkTopEigs: number[] = [];
    for (let k = n - 1; k >= Math.max(0, n - this.top); k--) ntkTopEigs.push(eig[k]);
    return { ntkDrift: relativeDrift(this.K0, K), ntkAlignment: alignment, ntkTopEigs };
  }
}

/** When and where a Trainer measures the kernel (TrainerInit.kernel). */
export interface KernelSchedule {
  every: number;
  tracker: KernelTracker;
}

/**
 * TrainerInit.kernel checked against the record interval (the kernel is measured at records) and
 * its tracker, with K0 measured; undefined without the option.
 */
export function kernelSchedule(
  backend: Backend,
  params: ModelParams,
  data: Dataset,
  o: { every?: number; samples?: number; seed: Seed; recordEvery: number },
): KernelSchedule | undefined {
  if (o.every === undefined) return undefined;
  if (!Number.isSafeInteger(o.every) || o.every < 1 || o.every % o.recordEvery !== 0)
    throw new ValidationError(
      `train options: field 'kernelEvery': expected a positive multiple of recordEvery = ${o.recordEvery}, got ${o.every}`,
    );
  if (o.samples !== undefined && (!Number.isSafeInteger(o.samples) || o.samples < 2))
    throw new ValidationError(
      `train options: field 'kernelSamples': expected an integer >= 2 (the alignment needs two sequences), got ${o.samples}`,
    );
  return { every: o.every, tracker: new KernelTracker(backend, params, data, { samples: o.samples, seed: o.seed }) };
}
