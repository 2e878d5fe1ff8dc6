/**
 * `rnn-gd train`: a full training run from flags or a JSON config file. Writes into --out:
 * model.json (final parameters, with W0/U0), metrics.jsonl (appended as records arrive),
 * metrics.csv, run.json (config, versions, status). Ctrl-C stops cleanly and keeps everything.
 *
 * Nothing is lost: model.json (a checkpoint every --checkpoint-every records, and at step 0), run.json
 * and metrics.csv are written atomically (temp file + rename); metrics.jsonl grows by whole lines.
 * SIGINT / SIGTERM stop at the next chunk with status 'aborted' (exit 130 / 143) and every file
 * written; a SIGKILL leaves the last checkpoint. `--resume` continues from it exactly (parameters,
 * step counter, running loss sum, mini-batch order), dropping metric lines after the checkpoint.
 */
import { UsageError } from '../../core/errors.js';
import { isAbsolute, resolve } from 'node:path';
import { Command } from 'commander';
import { getBackend } from '../../backend/index.js';
import { parseModelSpec, trainConfigSchema, type TrainConfig } from '../../core/config.js';
import { readData } from '../../io/data-file.js';
import { generateData, parseDataConfig, SYSTEMS } from '../../data/generate.js';
import { readJsonFile } from '../../io/model-file.js';
import { dataFingerprint, openRunDirectory, readCheckpoint, readRunFile, type Checkpoint } from '../../io/run-dir.js';
import { checkTrainingCapacity } from '../../train/capacity.js';
import { prepareRun } from '../../train/run.js';
import type { RunDirectory } from '../../io/run-dir.js';
import { parseWith } from '../../core/validate.js';
import { RECURRENCES, W_INITS, type Dataset } from '../../core/types.js';
import { ACTIVATIONS } from '../../core/activations.js';
import { dataFlags } from './data-flags.js';
import { interruptController, parseCount, parseNumber, backendOption } from '../options.js';
import { trainIntoDirectory, type TrainRunOptions } from '../train-session.js';
import { printJson } from '../run.js';
import { declareInputs } from '../../io/inputs.js';

interface TrainFlags {
  config?: string;
  data?: string;
  test?: string;
  out: string;
  backend?: string;
  recurrence?: string;
  activation?: string;
  readout?: string;
  m?: string;
  alpha?: string;
  seed?: string;
  wInit?: string;
  init?: string;
  eta?: string;
  steps?: string;
  project?: string;
  l2?: string;
  batch?: string;
  recordEvery?: string;
  checkpointEvery?: string;
  quiet?: boolean;
  system?: string;
  n?: string;
  T?: string;
  d?: string;
  dataSeed?: string;
  resume?: boolean;
  force?: boolean;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges a config file (if any; or `savedBase`, the config of a run being resumed) with flags; flags
 * win. Validated, errors name the field.
 */
export function trainConfigFromFlags(f: TrainFlags, savedBase?: Record<string, any>): TrainConfig {
  const base = savedBase ?? (f.config ? readJsonFile(f.config, 'train config') : {});
  if (!isObject(base))
    throw new UsageError(`train config ${f.config}: expected a JSON object {model, init, train, data, test, backend}`);
  const num = (name: string, v: string | undefined) => parseNumber(name, v);
  const model = { ...(base.model ?? {}) };
  for (const key of ['recurrence', 'activation', 'readout'] as const) if (f[key] !== undefined) model[key] = f[key];
  if (f.m !== undefined) model.m = num('m', f.m);
  if (f.alpha !== undefined) model.alpha = num('alpha', f.alpha);
  const init = { ...(base.init ?? {}) };
  if (f.seed !== undefined) init.seed = f.seed;
  if (f.wInit !== undefined) init.w = f.wInit;
  if (f.init !== undefined) init.scheme = f.init;
  const train = { ...(base.train ?? {}) };
  if (f.eta !== undefined) train.eta = num('eta', f.eta);
  if (f.steps !== undefined) train.steps = num('steps', f.steps);
  if (f.batch !== undefined) train.batchSize = num('batch', f.batch);
  if (f.recordEvery !== undefined) train.recordEvery = num('record-every', f.recordEvery);
  if (f.seed !== undefined) train.seed = f.seed;
  if (f.project !== undefined && f.l2 !== undefined)
    throw new UsageError('options --project and --l2 exclude each other: choose one projection');
  if (f.project !== undefined) train.projection = { kind: 'maxnorm', rho: num('project', f.project) };
  if (f.l2 !== undefined) train.projection = { kind: 'l2', rho: num('l2', f.l2) };
  const config: Record<string, unknown> = { ...base, model, init, train };
  if (f.data !== undefined && f.system !== undefined)
    throw new UsageError('options --data and --system exclude each other: read data from a file or generate it');
  if (f.data !== undefined) config.data = f.data;
  if (f.system !== undefined) {
    const gen: Record<string, unknown> = { system: f.system };
    if (f.n !== undefined) gen.n = num('n', f.n);
    if (f.T !== undefined) gen.T = num('T', f.T);
    if (f.d !== undefined) gen.d = num('d', f.d);
    if (f.dataSeed !== undefined) gen.seed = f.dataSeed;
    if (f.readout !== undefined) gen.readout = f.readout;
    config.data = gen;
  } else if (f.n !== undefined || f.T !== undefined || f.d !== undefined || f.dataSeed !== undefined) {
    throw new UsageError('options --n, --T, --d and --data-seed describe generated data: use them with --system NAME');
  }
  if (f.test !== undefined) config.test = f.test;
  if (f.backend !== undefined) config.backend = f.backend;
  // Data paths are recorded absolute, so a resume from another directory reads the same files.
  const abs = (p: unknown) => (typeof p === 'string' && !isAbsolute(p) ? resolve(p) : p);
  config.data = abs(config.data);
  if (config.test !== undefined) config.test = abs(config.test);
  return parseWith(trainConfigSchema, config, f.config ? `train config ${f.config}` : 'train options');
}

/** The first path where two JSON values differ ('train.eta'), or null. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d !== null) return d;
    }
    return null;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? null : path || '(root)';
}

/**
 * The config of a run to resume: run.json's, with the flags applied; only train.steps (and
 * checkpointing/progress options) may differ, so the continuation is the same run.
 */
function resumeConfig(f: TrainFlags): TrainConfig {
  if (f.config !== undefined)
    throw new UsageError(
      `options --config and --resume exclude each other: a resumed run keeps the config in ${f.out}/run.json (only --steps may change)`,
    );
  if (f.force) throw new UsageError('options --force and --resume exclude each other: continue the run, or replace it');
  const run = readRunFile(f.out);
  if (run.status === 'diverged') {
    throw new UsageError(
      `option --resume: the run in ${f.out} diverged (${run.message ?? 'non-finite loss'}); resuming would repeat it: start a new run with a smaller --eta`,
    );
  }
  const where = `run file ${f.out}/run.json: field 'config'`;
  const saved = parseWith(trainConfigSchema, run.config, where);
  const merged = trainConfigFromFlags({ ...f, config: undefined }, structuredClone(run.config));
  const strip = (c: TrainConfig) => ({ ...c, train: { ...c.train, steps: 0 } });
  const diff = firstDifference(strip(saved), strip(merged));
  if (diff !== null) {
    throw new UsageError(
      `option --resume: '${diff}' differs from the run in ${f.out} (only --steps may change when resuming; start a new run in another --out to change it)`,
    );
  }
  return merged;
}

/** The training and held-out data of a config: read from files, or generated (interruptible by `signal`). */
async function loadTrainingData(
  config: TrainConfig,
  signal: AbortSignal | undefined,
): Promise<{ data: Dataset; test?: Dataset }> {
  let data: Dataset;
  let test: Dataset | undefined;
  if (typeof config.data === 'string') {
    data = readData(config.data);
  } else {
    const generated = await generateData(parseDataConfig(config.data), undefined, { signal });
    data = generated.train;
    test = generated.test ?? undefined;
  }
  if (config.test) test = readData(config.test);
  return { data, test };
}

/**
 * Generated data: the model and workspaces the run will need are checked against the memory cap
 * from the shapes alone, before the (possibly long) generation, so a run that cannot fit fails at once.
 */
function checkGeneratedRunFits(config: TrainConfig, linearized: boolean | undefined): void {
  if (typeof config.data === 'string' || config.backend === 'ts') return;
  const gen = parseDataConfig(config.data, 'train options: data');
  const spec = parseModelSpec(
    { ...config.model, d: config.model.d ?? gen.d, readout: config.model.readout ?? gen.readout },
    'train options: model',
  );
  const test = config.test === undefined ? { n: gen.nTest, T: gen.T } : undefined;
  checkTrainingCapacity(spec, { n: gen.n, T: gen.T }, test, { batchSize: config.train.batchSize, linearized });
}

/** Runs a training config, writing results into `out` as they come; returns the run summary. */
export async function trainCommand(config: TrainConfig, opts: TrainRunOptions) {
  const checkpointEvery = opts.checkpointEvery ?? 20;
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new UsageError(`option --checkpoint-every: expected a positive integer, got ${checkpointEvery}`);
  }
  checkGeneratedRunFits(config, opts.linearized);
  const { kernelEvery } = opts;
  if (opts.kernelSamples !== undefined && kernelEvery === undefined)
    throw new UsageError('option --kernel-samples: it sizes the subsample of --kernel-every K; give both');
  if (kernelEvery !== undefined && kernelEvery % config.train.recordEvery !== 0) {
    throw new UsageError(
      `option --kernel-every: ${kernelEvery} is not a multiple of the record interval ${config.train.recordEvery} (the kernel is measured at records): use a multiple of --record-every`,
    );
  }
  // The directory first (busy, or an existing run without --resume/--force): refused before any long work.
  const dir = openRunDirectory(opts.out, { resume: opts.resume, force: opts.force });
  try {
    const { data, test } = await loadTrainingData(config, opts.signal);
    return await trainOn(dir, config, data, test, opts);
  } finally {
    dir.close();
  }
}

async function trainOn(
  dir: RunDirectory,
  config: TrainConfig,
  data: Dataset,
  test: Dataset | undefined,
  opts: TrainRunOptions,
) {
  const dataName = typeof config.data === 'string' ? config.data : `system '${config.data.system}'`;
  const backend = await getBackend(config.backend);
  const run = prepareRun(config, {
    data,
    test,
    backend,
    names: { data: `data ${dataName}`, test: config.test ? `test data ${config.test}` : `test data of ${dataName}` },
  });
  // The run's data, held-out data included: a resume must see the same values.
  const fingerprint = dataFingerprint(data) + (test ? `+${dataFingerprint(test)}` : '');
  let checkpoint: Checkpoint | undefined;
  if (opts.resume) {
    const recorded = readRunFile(opts.out).data?.fingerprint;
    if (recorded !== fingerprint) {
      throw new UsageError(
        `option --resume: the data ${dataName} is not the data the run in ${opts.out} started with ` +
          `(fingerprint ${recorded ?? 'not recorded'}, now ${fingerprint}): resume with the same data, or start a new run`,
      );
    }
    checkpoint = readCheckpoint(opts.out, run.params, config.train.steps, backend.precision);
  }
  return trainIntoDirectory(dir, config, run, fingerprint, checkpoint, opts);
}

/** The help of a generated-data option, from the data systems' schemas (./data-flags.ts). */
const generatedHelp = (key: string): string => dataFlags().find((f) => f.key === key)?.help ?? key;

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train a model with (projected) gradient descent; writes model.json, metrics.csv/jsonl and run.json into --out',
    )
    .option('--config <file>', 'JSON config {model, init, train, data, test, backend}; flags override it')
    .option('--data <path>', 'training data (rnn-gd.data/1 JSON, a directory, or X.npy with Y.npy beside it)')
    .option(
      '--system <name>',
      `generate the data instead: ${SYSTEMS.join(', ')} (its test split becomes the test data)`,
    )
    .option('--n <n>', `generated data: ${generatedHelp('n')}`)
    .option('--T <T>', `generated data: ${generatedHelp('T')}`)
    .option('--d <d>', `generated data: ${generatedHelp('d')}`)
    .option('--data-seed <seed>', 'generated data: seed (default 0)')
    .option('--test <path>', 'held-out data for the test risk')
    .requiredOption('--out <dir>', 'output directory')
    .addOption(backendOption())
    .option('--recurrence <name>', RECURRENCES.join(' or '))
    .option('--activation <name>', `${ACTIVATIONS.join(' | ')} (default tanh)`)
    .option('--readout <name>', 'final or all (default: from the data)')
    .option('--m <width>', 'width m (even)')
    .option('--alpha <alpha>', 'recurrent scale alpha')
    .option('--seed <seed>', 'seed of the initialization and of the mini-batch order')
    .option('--w-init <law>', `diagonal w_i(0) law: ${W_INITS.join(' | ')} (default uniform)`)
    .option(
      '--init <scheme>',
      'initialization: halves (dense default: two independent half-width networks), paired (diagonal default; ' +
        'the dense law of earlier versions) or iid (f(Theta(0)) != 0)',
    )
    .option('--eta <eta>', 'step size')
    .option(
      '--steps <steps>',
      'number of steps, counted from step 0: with --resume the total to reach (a run stopped at step 400 and resumed with --steps 1000 trains 600 more)',
    )
    .option('--project <rho>', 'projected GD onto the max-norm ball of radius rho around the initialization')
    .option('--l2 <rho>', 'projected GD onto the l2 ball of radius rho')
    .option('--batch <b>', 'mini-batch size (default 0: full-batch GD)')
    .option('--record-every <k>', 'record metrics every k steps (default 10)')
    .option('--checkpoint-every <r>', 'rewrite model.json every r records (default 20)')
    .option(
      '--resume',
      'continue the run in --out from its last checkpoint (exact: parameters, step, loss sum, mini-batch order); only --steps may change',
    )
    .option('--force', 'replace a run already in --out (its files are overwritten)')
    .option('--quiet', 'no progress bar')
    .option(
      '--linearized',
      'also train the linearization around the initialization by the same GD; metrics gain linRisk, linTestRisk, linGap* (||f - f_lin||)',
    )
    .option(
      '--kernel-every <k>',
      'every k steps (a multiple of --record-every) also record the empirical NTK on a fixed subsample of the training data: ntkDrift (from K0), ntkAlignment (centered, with K0), ntkTopEigs',
    )
    .option('--kernel-samples <s>', 'with --kernel-every: training sequences in the subsample (default 32, at least 2)')
    .action(async (flags: TrainFlags & { linearized?: boolean; kernelEvery?: string; kernelSamples?: string }) => {
      declareInputs(['config', 'data', 'test'].map((k) => ({ option: `--${k}`, path: flags[k as 'data'] })));
      const config = flags.resume ? resumeConfig(flags) : trainConfigFromFlags(flags);
      const interrupt = interruptController();
      try {
        const summary = await trainCommand(config, {
          out: flags.out,
          quiet: flags.quiet,
          signal: interrupt.signal,
          resume: flags.resume,
          force: flags.force,
          linearized: flags.linearized,
          kernelEvery: parseCount('kernel-every', flags.kernelEvery, 1),
          kernelSamples: parseCount('kernel-samples', flags.kernelSamples, 2),
          checkpointEvery: parseNumber('checkpoint-every', flags.checkpointEvery),
        });
        printJson(summary);
        if (summary.status === 'diverged') {
          process.stderr.write(`rnn-gd: ${summary.message}\n`);
          process.exitCode = 3;
        }
        if (summary.status === 'aborted') process.exitCode = interrupt.exitCode();
      } finally {
        interrupt.dispose();
      }
    });
}
