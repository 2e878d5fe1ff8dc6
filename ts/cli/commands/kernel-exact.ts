/**
 * `rnn-gd kernel --recurrence dense --exact`: the exact infinite-width NTK or NNGP of the dense
 * model (ts/theory/dense-kernel.ts), and with --widths how the empirical NTK at initialization
 * approaches it (with the fitted power of m).
 */
import { UsageError } from '../../core/errors.js';
import { ACTIVATIONS, type ActivationName } from '../../core/activations.js';
import { getBackend, type BackendName } from '../../backend/index.js';
import { initialize } from '../../train/init.js';
import { readData } from '../../io/data-file.js';
import { writeNpy } from '../../io/npy.js';
import { exactDenseKernel } from '../../theory/dense-kernel.js';
import { logLogSlope, widthConvergence } from '../../theory/infinite-width.js';
import { gramStats, type GramStats } from '../../theory/ntk.js';
import { INIT_SCHEMES, type InitScheme, type Readout } from '../../core/types.js';

export interface ExactKernelOptions {
  data: string;
  kind: string;
  activation: string;
  alpha: number;
  readout: string;
  init: string;
  seed: string;
  widths?: number[];
  backend: BackendName;
  out?: string;
}

export interface ExactKernelResult {
  kind: 'ntk' | 'nngp';
  recurrence: 'dense';
  exact: true;
  source: string;
  activation: string;
  alpha: number;
  readout: Readout;
  n: number;
  T: number;
  d: number;
  /** Of the n x n (final) or nT x nT (all) kernel. */
  stats: GramStats;
  /** --widths: the init scheme, and ||K_m - K||_F / ||K||_F of each width's empirical NTK at initialization. */
  init?: InitScheme;
  widths?: { m: number; relativeDistance: number }[];
  /** --widths with >= 2 widths: least-squares slope of log distance against log m (-0.5: the 1/sqrt(m) law). */
  rateExponent?: number;
  out?: string;
}

export async function exactKernelCommand(o: ExactKernelOptions): Promise<ExactKernelResult> {
  if (o.kind !== 'ntk' && o.kind !== 'nngp')
    throw new UsageError(`option --kind: expected ntk or nngp, got '${o.kind}'`);
  if (!(ACTIVATIONS as readonly string[]).includes(o.activation))
    throw new UsageError(`option --activation: expected one of ${ACTIVATIONS.join(', ')}, got '${o.activation}'`);
  if (o.readout !== 'final' && o.readout !== 'all')
    throw new UsageError(`option --readout: expected final or all, got '${o.readout}'`);
  if (!(INIT_SCHEMES as readonly string[]).includes(o.init))
    throw new UsageError(`option --init: expected one of ${INIT_SCHEMES.join(', ')}, got '${o.init}'`);
  for (const m of o.widths ?? [])
    if (!Number.isSafeInteger(m) || m < 2 || m % 2)
      throw new UsageError(`option --widths: expected even widths >= 2, got ${m}`);
  if (o.widths && (o.kind !== 'ntk' || o.readout !== 'final'))
    throw new UsageError('option --widths: the width comparison is for --kind ntk with --readout final');
  const data = readData(o.data);
  const backend = await getBackend(o.backend);
  const activation = o.activation as ActivationName,
    readout = o.readout as Readout;
  const K = exactDenseKernel(backend, { kind: o.kind, activation, alpha: o.alpha, readout }, data);
  const N = readout === 'all' ? data.n * data.T : data.n;
  const result: ExactKernelResult = {
    kind: o.kind,
    recurrence: 'dense',
    exact: true,
    source: '[our derivation, following Yang (Tensor Programs) and Alemohammad et al. (RNTK)]',
    activation,
    alpha: o.alpha,
    readout,
    n: data.n,
    T: data.T,
    d: data.d,
    stats: gramStats(K, N),
  };
  if (o.widths) {
    const scheme = o.init as InitScheme;
    const init = (m: number) =>
      initialize({ recurrence: 'dense', activation, m, d: data.d, alpha: o.alpha }, { seed: o.seed, scheme });
    result.init = scheme;
    result.widths = widthConvergence(backend, init, o.widths, data, K);
    if (o.widths.length >= 2)
      result.rateExponent = logLogSlope(
        result.widths.map((w) => w.m),
        result.widths.map((w) => w.relativeDistance),
      );
  }
  if (o.out) {
    writeNpy(o.out, K, [N, N], '<f8');
    result.out = o.out;
  }
  return result;
}
