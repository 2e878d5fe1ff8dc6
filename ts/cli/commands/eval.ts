/** `rnn-gd eval`: predictions, loss and (optionally) the gradient of a model on a data set (docs/formats.md). */
import { Command } from 'commander';
import { getBackend, type BackendName } from '../../backend/index.js';
import { ChunkedData, DEFAULT_MEMORY_BUDGET, rowsForBudget } from '../../train/chunked.js';
import { readData } from '../../io/data-file.js';
import { readModelFile } from '../../io/model-file.js';
import type { Dataset, ModelParams } from '../../core/types.js';
import { printJson } from '../run.js';
import { checkFits } from '../../core/dataset.js';
import { checkFiniteOutputs } from '../../train/predict.js';
import { parseBackendOption, backendOption } from '../options.js';

export interface EvalResult {
  /** n values (readout final) or n*T values, index j*T + t (readout all). */
  predictions: number[];
  /** R(Theta), docs/spec/model.md section 5. */
  loss: number;
  /** Gradient of R with respect to W and U, same layout as the model file (only when asked). */
  grad?: { W: number[]; U: number[] };
}

export interface EvalOptions {
  grad?: boolean;
  /** 'auto' (default), 'native', 'wasm' or 'ts'. */
  backend?: BackendName;
  /** Bytes of the evaluation workspace before the data is evaluated in chunks (default 256 MiB). */
  memoryBudget?: number;
  /** Evaluate the linearization around the model's W0, U0 instead of the network (docs/spec/model.md section 10). */
  linearized?: boolean;
}

/** Evaluates `params` on `data` with the chosen backend; frees everything it allocates. */
export async function evaluate(params: ModelParams, data: Dataset, opts: EvalOptions = {}): Promise<EvalResult> {
  checkFits(params.spec, data);
  const backend = await getBackend(opts.backend);
  const net = backend.network(params, { linearized: opts.linearized });
  try {
    // A workspace of bounded size: the whole data set when it fits (exactly the backend's result),
    // else consecutive chunks of rows, so memory does not grow with n. (The linearization holds
    // about twice a workspace's states: half the budget.)
    const budget = (opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET) / (opts.linearized ? 2 : 1);
    const chunked = new ChunkedData(net, data, rowsForBudget(params.spec, data.n, data.T, budget));
    try {
      const { loss, predictions } = chunked.forward({ predictions: true });
      const result: EvalResult = { predictions: Array.from(predictions!), loss };
      if (opts.grad) {
        const g = chunked.lossGrad();
        result.grad = { W: Array.from(g.gradW), U: Array.from(g.gradU) };
      }
      checkFiniteResult(result, backend.description);
      return result;
    } finally {
      chunked.free();
    }
  } finally {
    net.free();
  }
}

/** A non-finite output is an error, never printed as a number (JSON would even turn NaN into null). */
function checkFiniteResult(r: EvalResult, backend: string): void {
  checkFiniteOutputs(r.predictions, 'prediction', backend, 'eval');
  checkFiniteOutputs([r.loss], 'loss', backend, 'eval');
  if (r.grad) {
    checkFiniteOutputs(r.grad.W, "gradient field 'W'", backend, 'eval');
    checkFiniteOutputs(r.grad.U, "gradient field 'U'", backend, 'eval');
  }
}

/** The `eval` command on files: reads the model and the data, then `evaluate`. */
export async function evalCommand(opts: {
  model: string;
  data: string;
  grad?: boolean;
  backend?: BackendName;
  linearized?: boolean;
}): Promise<EvalResult> {
  const params = readModelFile(opts.model);
  const data = readData(opts.data);
  checkFits(params.spec, data, { model: `model ${opts.model}`, data: `data ${opts.data}` });
  return evaluate(params, data, { grad: opts.grad, backend: opts.backend, linearized: opts.linearized });
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Print the predictions, the loss R and (with --grad) the gradient of a model on a data set, as JSON')
    .requiredOption('--model <file>', 'model file (rnn-gd.model/1 JSON)')
    .requiredOption(
      '--data <path>',
      'data: rnn-gd.data/1 JSON file, a directory with X.npy + Y.npy (or data.json), or X.npy',
    )
    .option('--grad', 'also print the gradient with respect to W and U', false)
    .addOption(backendOption())
    .option('--linearized', "evaluate the model's linearization around its initialization W0, U0 instead", false)
    .action(async (opts: { model: string; data: string; grad: boolean; backend: string; linearized: boolean }) => {
      printJson(await evalCommand({ ...opts, backend: parseBackendOption(opts.backend) }));
    });
}
