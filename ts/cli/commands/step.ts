/** `rnn-gd step`: one (projected) full-batch gradient step, written as a new model file (docs/formats.md). */
import { UsageError } from '../../core/errors.js';
import { Command, Option } from 'commander';
import { getBackend, type BackendName } from '../../backend/index.js';
import { readData } from '../../io/data-file.js';
import { readModelFile, saveModel, type ModelFile } from '../../io/model-file.js';
import { declareInputs } from '../../io/inputs.js';
import type { Dataset, ModelParams, Projection } from '../../core/types.js';
import { radiusSchema, stepSizeSchema } from '../../core/config.js';
import { printJson } from '../run.js';
import { checkFits } from '../../core/dataset.js';
import { parseBackendOption, backendOption, parseNumber } from '../options.js';

export interface StepOptions {
  /** step size eta > 0 */
  lr: number;
  /** radius rho > 0 of the max-norm ball around (W0, U0); no projection when absent */
  project?: number;
  /** 'auto' (default), 'native', 'wasm' or 'ts' */
  backend?: BackendName;
}

export interface StepResult {
  /** The new parameters: W, U after the step; c, W0, U0 (and meta) carried over unchanged. */
  params: ModelFile;
  /** R(Theta) before the step. */
  loss: number;
  /** ||grad R(Theta)|| before the step. */
  gradNorm: number;
}

function checkStepOptions(opts: StepOptions): Projection {
  // The same rules as train configs (a normal float32 step size, a float32-finite radius).
  const check = (option: string, schema: typeof stepSizeSchema, value: number) => {
    const r = schema.safeParse(value);
    if (!r.success) throw new UsageError(`option --${option}: ${r.error.issues[0].message}, got ${value}`);
  };
  check('lr', stepSizeSchema, opts.lr);
  if (opts.project === undefined) return { kind: 'none' };
  check('project', radiusSchema, opts.project);
  return { kind: 'maxnorm', rho: opts.project };
}

/**
 * One step Theta <- P(Theta - lr * grad R(Theta)) on the full data set, where P projects onto
 * { max_i ||theta_i - theta_i(0)|| <= rho / sqrt(m) } when `project` = rho is given (docs/spec/model.md section 6).
 */
export async function stepModel(
  params: ModelParams & { meta?: Record<string, unknown> },
  data: Dataset,
  opts: StepOptions,
): Promise<StepResult> {
  const projection = checkStepOptions(opts);
  checkFits(params.spec, data);
  const backend = await getBackend(opts.backend);
  const net = backend.network(params);
  try {
    const ws = net.workspace(data.n, data.T);
    try {
      ws.setData(data);
      const chunk = ws.train(1, opts.lr, projection);
      if (chunk.completed !== 1) {
        throw new UsageError('step: the loss or the gradient is not finite at this model; no step was taken');
      }
      // W, U from the backend; c, W0, U0 from the input, so they are carried over bit-exactly
      // (a float32 backend would otherwise round them).
      const next: ModelFile = {
        spec: params.spec,
        W: Float64Array.from(net.read('W')),
        U: Float64Array.from(net.read('U')),
        c: params.c.slice(),
        W0: params.W0.slice(),
        U0: params.U0.slice(),
        ...(params.init && { init: params.init }),
      };
      if (params.meta !== undefined) next.meta = params.meta;
      return { params: next, loss: chunk.losses[0], gradNorm: chunk.gradNorms[0] };
    } finally {
      ws.free();
    }
  } finally {
    net.free();
  }
}

/** The `step` command on files: reads model and data, steps, writes `out` atomically. */
export async function stepCommand(
  opts: StepOptions & { model: string; data: string; out: string },
): Promise<{ out: string; loss: number; gradNorm: number }> {
  checkStepOptions(opts);
  const params = readModelFile(opts.model);
  const data = readData(opts.data);
  checkFits(params.spec, data, { model: `model ${opts.model}`, data: `data ${opts.data}` });
  const result = await stepModel(params, data, opts);
  saveModel(opts.out, result.params);
  return { out: opts.out, loss: result.loss, gradNorm: result.gradNorm };
}

export function registerStep(program: Command): void {
  program
    .command('step')
    .description('Take one full-batch gradient step (projected when --project is given) and write the new model file')
    .requiredOption('--model <file>', 'model file (rnn-gd.model/1 JSON)')
    .requiredOption(
      '--data <path>',
      'data: rnn-gd.data/1 JSON file, a directory with X.npy + Y.npy (or data.json), or X.npy',
    )
    .option('--eta <eta>', 'step size eta > 0 (required)')
    .addOption(new Option('--lr <eta>', 'the same as --eta (an alias)').hideHelp())
    .option('--project <rho>', 'project onto the max-norm ball of radius rho around W0/U0 (per neuron: rho/sqrt(m))')
    .addOption(backendOption())
    .requiredOption('--out <file>', 'where to write the new model file')
    .action(
      async (opts: {
        model: string;
        data: string;
        eta?: string;
        lr?: string;
        project?: string;
        backend: string;
        out: string;
      }) => {
        declareInputs(
          [
            { option: '--model', path: opts.model },
            { option: '--data', path: opts.data },
          ],
          [{ option: '--out', path: opts.out }],
        );
        if (opts.eta !== undefined && opts.lr !== undefined)
          throw new UsageError('options --eta and --lr are the same step size (--lr is an alias): give one');
        const [etaFlag, etaRaw] = opts.lr !== undefined ? ['lr', opts.lr] : ['eta', opts.eta];
        if (etaRaw === undefined) throw new UsageError("required option '--eta <eta>' not specified");
        const backend = parseBackendOption(opts.backend);
        const summary = await stepCommand({
          model: opts.model,
          data: opts.data,
          out: opts.out,
          backend,
          lr: parseNumber(etaFlag, etaRaw)!,
          project: parseNumber('project', opts.project),
        });
        // The model goes to --out; stdout gets a short JSON summary (loss and gradient norm before the step).
        printJson(summary);
      },
    );
}
