/**
 * `rnn-gd kernel`: the infinite-width NTK or NNGP of the diagonal model on a data set, by Monte
 * Carlo with standard errors (ts/theory/infinite-width.ts); for the NTK also how the empirical NTK
 * at initialization approaches it as the width m grows.
 */
import { UsageError } from '../../core/errors.js';
import { Command } from 'commander';
import { ACTIVATIONS, type ActivationName } from '../../core/activations.js';
import { getBackend, type BackendName } from '../../backend/index.js';
import { initialize } from '../../train/init.js';
import { readData } from '../../io/data-file.js';
import { writeNpy } from '../../io/npy.js';
import { declareInputs } from '../../io/inputs.js';
import { infiniteWidthKernel, widthConvergence, type KernelKind, type Sampling } from '../../theory/infinite-width.js';
import { gramStats, type GramStats } from '../../theory/ntk.js';
import type { WInit } from '../../core/types.js';
import { printJson } from '../run.js';
import { parseBackendOption, wInitOf, wLawAlias, backendOption, parseNumber } from '../options.js';
import { exactKernelCommand } from './kernel-exact.js';

export interface KernelCommandResult {
  kind: KernelKind;
  sampling: Sampling;
  activation: string;
  alpha: number;
  n: number;
  T: number;
  d: number;
  M: number;
  groups: number;
  /** Root mean square standard error over the entries, relative to the kernel's RMS entry. */
  relativeError: number;
  stats: GramStats;
  /** NTK only: ||K_m - K_inf||_F / ||K_inf||_F for the empirical NTK at a seeded initialization of each width. */
  widths?: { m: number; relativeDistance: number }[];
  out?: string;
}

export interface KernelCommandOptions {
  data: string;
  kind: string;
  activation: string;
  alpha: number;
  particles: number;
  groups: number;
  sampling: string;
  seed: string;
  wInit: WInit;
  widths?: number[];
  backend: BackendName;
  out?: string;
}

async function kernelCommand(o: KernelCommandOptions): Promise<KernelCommandResult> {
  if (o.kind !== 'ntk' && o.kind !== 'nngp')
    throw new UsageError(`option --kind: expected ntk or nngp, got '${o.kind}'`);
  if (!(ACTIVATIONS as readonly string[]).includes(o.activation))
    throw new UsageError(`option --activation: expected one of ${ACTIVATIONS.join(', ')}, got '${o.activation}'`);
  if (o.sampling !== 'iid' && o.sampling !== 'halton')
    throw new UsageError(`option --sampling: expected iid or halton, got '${o.sampling}'`);
  if (!Number.isSafeInteger(o.groups) || o.groups < 2)
    throw new UsageError(`option --groups: expected an integer >= 2, got ${o.groups}`);
  if (!Number.isSafeInteger(o.particles) || o.particles < o.groups)
    throw new UsageError(`option --particles: expected an integer >= --groups (${o.groups}), got ${o.particles}`);
  for (const m of o.widths ?? [])
    if (!Number.isSafeInteger(m) || m < 2 || m % 2)
      throw new UsageError(`option --widths: expected even widths >= 2, got ${m}`);
  if (o.widths && o.kind !== 'ntk') throw new UsageError('option --widths: the width comparison is for --kind ntk');
  const data = readData(o.data);
  const spec = { activation: o.activation as ActivationName, alpha: o.alpha, d: data.d };
  const backend = await getBackend(o.backend);
  const est = infiniteWidthKernel(backend, spec, data, {
    kind: o.kind,
    M: o.particles,
    groups: o.groups,
    sampling: o.sampling,
    seed: o.seed,
    law: o.wInit,
  });
  if (est.K.every((v) => v === 0))
    throw new UsageError(
      `kernel: the estimated ${o.kind} is 0 on every pair of sequences of ${o.data}, so its relative error is undefined: ` +
        `all-zero inputs keep every state at 0 (odd activations), and a huge --alpha (${o.alpha}) saturates every neuron (zero gradients)`,
    );
  const result: KernelCommandResult = {
    kind: est.kind,
    sampling: est.sampling,
    activation: o.activation,
    alpha: o.alpha,
    n: data.n,
    T: data.T,
    d: data.d,
    M: est.M,
    groups: est.groups,
    relativeError: est.relativeError,
    stats: gramStats(est.K, data.n),
  };
  if (o.widths) {
    const init = (m: number) =>
      initialize(
        { recurrence: 'diagonal', activation: spec.activation, m, d: data.d, alpha: o.alpha },
        { seed: o.seed, w: o.wInit },
      );
    result.widths = widthConvergence(backend, init, o.widths, data, est.K);
  }
  if (o.out) {
    writeNpy(o.out, est.K, [data.n, data.n], '<f8');
    result.out = o.out;
  }
  return result;
}

export function registerKernel(program: Command): void {
  program
    .command('kernel')
    .description(
      'Infinite-width kernel on a data set: of the diagonal model by Monte Carlo with standard errors ' +
        "(the NTK E<phi_T(X), phi_T(X')> or the NNGP E[h_{T-1}(X) h_{T-1}(X')]), of the dense model exactly " +
        '(--recurrence dense --exact); --widths compares the empirical NTK',
    )
    .requiredOption('--data <path>', 'data: rnn-gd.data/1 JSON file, a directory with X.npy (+ Y.npy), or X.npy')
    .requiredOption('--alpha <alpha>', 'recurrent scale alpha')
    .option('--kind <kind>', 'ntk | nngp', 'ntk')
    .option('--recurrence <name>', 'diagonal (Monte Carlo) | dense (needs --exact)', 'diagonal')
    .option('--exact', 'dense: the exact infinite-width kernel by its (t, s) covariance recursion')
    .option('--readout <r>', 'dense --exact: final (n x n) | all (nT x nT)', 'final')
    .option('--init <scheme>', 'dense --widths: the init scheme of the empirical NTKs: halves | iid | paired', 'halves')
    .option('--activation <name>', 'tanh | sigmoid | sin | relu', 'tanh')
    .option('--particles <M>', 'Monte-Carlo particles in all', '4096')
    .option('--groups <R>', 'independent replicate groups for the standard errors', '16')
    .option('--sampling <s>', 'iid | halton (randomized quasi-Monte Carlo)', 'iid')
    .option('--seed <S>', 'seed of the particles (and of the initializations for --widths)', '0')
    .option('--w-init <law>', 'law of w: uniform | rademacher | normal', 'uniform')
    .addOption(wLawAlias())
    .option('--widths <list>', 'comma-separated even widths m: distance of the empirical NTK at initialization (ntk)')
    .addOption(backendOption())
    .option('--out <file>', 'write the n x n kernel as float64 .npy')
    .action(async (raw: Record<string, string | undefined>) => {
      declareInputs([{ option: '--data', path: raw.data }], [{ option: '--out', path: raw.out }]);
      const backend = parseBackendOption(raw.backend);
      const widths = raw.widths?.split(',').map((w) => parseNumber('widths', w)!);
      if (raw.recurrence !== 'dense' && raw.recurrence !== 'diagonal')
        throw new UsageError(`option --recurrence: expected dense or diagonal, got '${raw.recurrence}'`);
      if ((raw.recurrence === 'dense') !== Boolean(raw.exact))
        throw new UsageError(
          raw.exact
            ? 'option --exact: the exact recursion is for --recurrence dense (the diagonal kernel is by Monte Carlo)'
            : 'option --recurrence dense: its infinite-width kernel is computed exactly; add --exact',
        );
      if (raw.exact) {
        const { data, kind, activation, readout, init, seed, out } = raw as Record<string, string>;
        const alpha = parseNumber('alpha', raw.alpha)!;
        printJson(
          await exactKernelCommand({ data, kind, activation, alpha, readout, init, seed, widths, backend, out }),
        );
        return;
      }
      printJson(
        await kernelCommand({
          data: raw.data!,
          kind: raw.kind!,
          activation: raw.activation!,
          alpha: parseNumber('alpha', raw.alpha)!,
          particles: parseNumber('particles', raw.particles)!,
          groups: parseNumber('groups', raw.groups)!,
          sampling: raw.sampling!,
          seed: raw.seed!,
          wInit: wInitOf(raw)!,
          widths,
          backend,
          out: raw.out,
        }),
      );
    });
}
