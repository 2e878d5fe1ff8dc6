/**
 * `rnn-gd ntk`: the empirical NTK Gram matrix of a model on a data set (docs/spec/model.md section 10): its
 * spectrum as JSON, optionally the matrix as .npy, the drift from the model's initialization and,
 * with --test, the kernel ridge baseline against the network.
 */
import { UsageError } from '../../core/errors.js';
import { Command } from 'commander';
import { getBackend, type BackendName } from '../../backend/index.js';
import { readData } from '../../io/data-file.js';
import { readModelFile } from '../../io/model-file.js';
import { writeNpy } from '../../io/npy.js';
import { declareInputs } from '../../io/inputs.js';
import { atInit, empiricalNtk, ntkDrift, sampleParticles, type GramStats, gramStats } from '../../theory/ntk.js';
import { networkVsKernel, type BaselineKernel } from '../../theory/kernel-ridge.js';
import { kernelRegime, type KernelRegimeStart } from '../../theory/kernel-regime.js';
import type { PredictionDistance } from '../../core/metrics.js';
import type { ModelParams, WInit } from '../../core/types.js';
import { printJson } from '../run.js';
import { checkFits } from '../../core/dataset.js';
import { parseBackendOption, wInitOf, wLawAlias, backendOption, parseNumber } from '../options.js';

export interface NtkCommandOptions {
  model: string;
  data: string;
  out?: string;
  backend?: BackendName;
  /** Held-out data: adds the kernel ridge baseline and its distance to the network. */
  test?: string;
  /** Baseline kernel: 'ntk0' (NTK at W0, U0; default), 'ntk' (at W, U), 'mc' (Monte-Carlo, diagonal only). */
  kernel?: string;
  ridge?: number;
  particles?: number;
  seed?: string;
  wInit?: WInit;
  /** Closed-form kernel-regime predictions of GD with this step size and steps, from `from` (default 'init'). */
  predict?: { eta: number; steps: number; from?: KernelRegimeStart };
}

/** The closed-form prediction after `steps` GD steps from `from` (derived). */
export interface NtkPrediction {
  eta: number;
  steps: number;
  /** The starting point: 'init' (W0, U0; the default) or 'current' (the model's W, U). */
  from: KernelRegimeStart;
  /** 2N / lambda_max: the step sizes above it are refused (the linearized GD diverges). */
  etaMax: number | null;
  /** The precision the kernel was computed in (float32: the wasm Gram, readout final). */
  precision: 'float32' | 'float64';
  /** Eigenvalues with |lambda| <= this were taken as 0 (round-off: sqrt(P) eps trace(K), our estimate). */
  eigenvalueTolerance: number;
  /** How many eigenvalues were taken as 0. */
  clampedEigenvalues: number;
  /** f_s on the training outputs (n, or n*T for readout all, index j*T + t). */
  trainPredictions: number[];
  risk: number;
  testPredictions?: number[];
  testRisk?: number;
  /** The predicted risk curve at 11 evenly spaced steps from 0 to `steps`. */
  curve: { step: number; risk: number; testRisk?: number }[];
  /** The closed form f_s = y + (I - eta K0/N)^s (f_0 - y) is exact for the linearized network (our derivation, docs/theory.md). */
  derived: true;
}

export interface NtkCommandResult extends GramStats {
  /** The parameters K and the statistics above were computed at: 'current' (the model's W, U) or 'init' (its W0, U0). */
  kernelAt: KernelRegimeStart;
  backend: string;
  recurrence: string;
  m: number;
  d: number;
  T: number;
  /** ||K(W, U) - K(W0, U0)||_F / ||K(W0, U0)||_F (0 when the model is at its initialization; absent with --predict). */
  drift?: number;
  /** Where the Gram matrix was written (float64 .npy, shape [N, N]: N = n, or n*T with --predict and readout all). */
  out?: string;
  baseline?: {
    kernel: string;
    ridge: number;
    method: string;
    nTest: number;
    kernelTrainRmse: number;
    kernelTestRmse: number;
    networkTrainRmse: number;
    networkTestRmse: number;
    distance: { train: PredictionDistance; test: PredictionDistance };
  };
  predict?: NtkPrediction;
}

const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, k: number) => v === b[k]);

export async function ntkCommand(opts: NtkCommandOptions): Promise<NtkCommandResult> {
  const params: ModelParams = readModelFile(opts.model);
  const data = readData(opts.data);
  checkFits(params.spec, data, { model: `model ${opts.model}`, data: `data ${opts.data}` });
  if (params.spec.readout !== 'final' && !opts.predict) {
    throw new UsageError(
      `model ${opts.model}: readout '${params.spec.readout}' is supported with --predict only (the nT x nT kernel); ` +
        `the NTK spectrum and baseline are defined for readout 'final'`,
    );
  }
  if (opts.predict) return predictCommand(params, data, opts, opts.predict);
  const kernelName = opts.kernel ?? 'ntk0';
  if (!['ntk0', 'ntk', 'mc'].includes(kernelName))
    throw new UsageError(`option --kernel: expected ntk0, ntk or mc, got '${kernelName}'`);
  if (kernelName === 'mc' && params.spec.recurrence !== 'diagonal') {
    throw new UsageError(
      `option --kernel mc: the Monte-Carlo infinite-width kernel is defined for the diagonal recurrence only`,
    );
  }
  const backend = await getBackend(opts.backend);
  const { K, stats } = empiricalNtk(backend, params, data);
  const atInitialization = sameArray(params.W, params.W0) && sameArray(params.U, params.U0);
  const result: NtkCommandResult = {
    kernelAt: 'current',
    ...stats,
    backend: backend.description,
    recurrence: params.spec.recurrence,
    m: params.spec.m,
    d: params.spec.d,
    T: data.T,
    drift: atInitialization ? 0 : ntkDrift(backend, params, data, K),
  };
  if (opts.out) {
    writeNpy(opts.out, K, [data.n, data.n], '<f8');
    result.out = opts.out;
  }
  if (opts.test) {
    const test = readData(opts.test);
    checkFits(params.spec, test, { model: `model ${opts.model}`, data: `test data ${opts.test}` });
    if (test.T !== data.T)
      throw new UsageError(`test data ${opts.test}: T = ${test.T} but the training data has T = ${data.T}`);
    let kernel: BaselineKernel;
    if (kernelName === 'mc') {
      const M = opts.particles ?? 4096;
      if (!Number.isInteger(M) || M < 1)
        throw new UsageError(`option --particles: expected a positive integer, got ${M}`);
      const law = opts.wInit ?? 'uniform';
      const { activation, alpha, d } = params.spec;
      kernel = { kind: 'mc', spec: { activation, alpha, d }, particles: sampleParticles(M, d, opts.seed ?? 0, law) };
    } else {
      kernel = { kind: 'ntk', params: kernelName === 'ntk0' ? atInit(params) : params };
    }
    if (opts.ridge !== undefined && !(opts.ridge >= 0))
      throw new UsageError(`option --ridge: expected a number >= 0, got ${opts.ridge}`);
    const cmp = networkVsKernel(backend, params, data, test, { kernel, ridge: opts.ridge });
    result.baseline = {
      kernel: kernelName,
      ridge: cmp.baseline.ridge,
      method: cmp.baseline.method,
      nTest: test.n,
      kernelTrainRmse: cmp.baseline.trainRmse,
      kernelTestRmse: cmp.baseline.testRmse,
      networkTrainRmse: cmp.network.trainRmse,
      networkTestRmse: cmp.network.testRmse,
      distance: cmp.distance,
    };
  }
  return result;
}

/** `ntk --predict`: the closed-form kernel-regime trajectory (any readout), with the spectrum of K0. */
async function predictCommand(
  params: ModelParams,
  data: ReturnType<typeof readData>,
  opts: NtkCommandOptions,
  { eta, steps, from = 'init' }: NonNullable<NtkCommandOptions['predict']>,
): Promise<NtkCommandResult> {
  if (from !== 'init' && from !== 'current')
    throw new UsageError(`option --from: expected init or current, got '${String(from)}'`);
  if (!(eta > 0) || !Number.isFinite(eta)) throw new UsageError(`option --eta: expected a number > 0, got ${eta}`);
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new UsageError(`option --steps: expected an integer >= 0, got ${steps}`);
  const backend = await getBackend(opts.backend);
  let test: ReturnType<typeof readData> | undefined;
  if (opts.test) {
    test = readData(opts.test);
    checkFits(params.spec, test, { model: `model ${opts.model}`, data: `test data ${opts.test}` });
    if (test.T !== data.T)
      throw new UsageError(`test data ${opts.test}: T = ${test.T} but the training data has T = ${data.T}`);
  }
  const regime = kernelRegime(backend, params, data, eta, test, { from });
  const stats = gramStats(regime.kernel, regime.N);
  const at = Array.from({ length: 11 }, (_, k) => Math.round((k * steps) / 10));
  const curve = regime.riskCurve([...new Set(at)]);
  const last = curve[curve.length - 1];
  const predict: NtkPrediction = {
    eta,
    steps,
    from,
    etaMax: Number.isFinite(regime.etaMax) ? regime.etaMax : null,
    precision: regime.precision,
    eigenvalueTolerance: regime.tolerance,
    clampedEigenvalues: regime.clampedEigenvalues,
    trainPredictions: Array.from(regime.trainPredictions(steps)),
    risk: last.risk,
    ...(test ? { testPredictions: Array.from(regime.testPredictions(steps)), testRisk: last.testRisk } : {}),
    curve,
    derived: true,
  };
  const result: NtkCommandResult = {
    kernelAt: from,
    ...stats,
    backend: backend.description,
    recurrence: params.spec.recurrence,
    m: params.spec.m,
    d: params.spec.d,
    T: data.T,
    predict,
  };
  if (opts.out) {
    writeNpy(opts.out, regime.kernel, [regime.N, regime.N], '<f8');
    result.out = opts.out;
  }
  return result;
}

export function registerNtk(program: Command): void {
  program
    .command('ntk')
    .description(
      'Empirical NTK Gram matrix K_jk = <grad f(X_j), grad f(X_k)> of a model (readout final) on a data set, at its ' +
        'current parameters W, U (kernelAt): spectrum, condition number and drift from the initialization as JSON; ' +
        '--out saves K as .npy; --test adds the kernel ridge baseline and its distance to the network; --predict: ' +
        'closed-form kernel-regime GD from --from init|current (docs/formats.md)',
    )
    .requiredOption('--model <file>', 'model file (rnn-gd.model/1 JSON)')
    .requiredOption(
      '--data <path>',
      'data: rnn-gd.data/1 JSON file, a directory with X.npy + Y.npy (or data.json), or X.npy',
    )
    .option('--out <file>', 'write the Gram matrix as float64 .npy (n x n; with --predict the kernel it used, N x N)')
    .addOption(backendOption())
    .option('--test <path>', 'held-out data for the kernel ridge baseline')
    .option(
      '--kernel <name>',
      'baseline kernel: ntk0 (NTK at the initialization) | ntk (at the given parameters) | mc (Monte-Carlo infinite-width, diagonal)',
      'ntk0',
    )
    .option('--ridge <R>', 'ridge of the kernel regression (default 1e-10 * trace(K) / n)')
    .option('--particles <M>', 'particles of the Monte-Carlo kernel (default 4096)')
    .option('--seed <S>', 'seed of the Monte-Carlo particles (default 0)')
    .option('--w-init <law>', "law of the particles' w: uniform | rademacher | normal", 'uniform')
    .addOption(wLawAlias())
    .option(
      '--predict',
      'closed-form kernel-regime predictions of GD (any readout) from --from: needs --eta and --steps',
    )
    .option(
      '--from <start>',
      "starting point of --predict: init (the initialization W0, U0: K0 and f at W0, U0) | current (the model's W, U)",
    )
    .option('--eta <E>', 'step size of the predicted GD (with --predict)')
    .option('--steps <S>', 'steps of the predicted GD (with --predict)')
    .action(
      async (raw: {
        model: string;
        data: string;
        out?: string;
        backend: string;
        test?: string;
        kernel: string;
        ridge?: string;
        particles?: string;
        seed?: string;
        wInit?: string;
        wLaw?: string;
        predict?: boolean;
        from?: string;
        eta?: string;
        steps?: string;
      }) => {
        declareInputs(
          [
            { option: '--model', path: raw.model },
            { option: '--data', path: raw.data },
            { option: '--test', path: raw.test },
          ],
          [{ option: '--out', path: raw.out }],
        );
        const backend = parseBackendOption(raw.backend);
        if (raw.predict && (raw.eta === undefined || raw.steps === undefined))
          throw new UsageError('option --predict needs --eta E and --steps S');
        if (!raw.predict && (raw.eta !== undefined || raw.steps !== undefined || raw.from !== undefined))
          throw new UsageError('options --eta, --steps and --from belong to --predict');
        printJson(
          await ntkCommand({
            model: raw.model,
            data: raw.data,
            out: raw.out,
            backend,
            test: raw.test,
            kernel: raw.kernel,
            ridge: parseNumber('ridge', raw.ridge),
            particles: parseNumber('particles', raw.particles),
            seed: raw.seed,
            wInit: wInitOf(raw),
            ...(raw.predict
              ? {
                  predict: {
                    eta: parseNumber('eta', raw.eta)!,
                    steps: parseNumber('steps', raw.steps)!,
                    from: (raw.from ?? 'init') as KernelRegimeStart,
                  },
                }
              : {}),
          }),
        );
      },
    );
}
