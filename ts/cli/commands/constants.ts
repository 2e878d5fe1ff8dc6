/**
 * `rnn-gd constants`: measured Lipschitz / smoothness constants of a model on a data set beside the
 * analytic (derived) ones of `rnn-gd bounds`, the memory-decay curve and the bound terms with both.
 */
import { parseNumber } from '../options.js';
import { UsageError } from '../../core/errors.js';
import { Command } from 'commander';
import { readData } from '../../io/data-file.js';
import { readModelFile } from '../../io/model-file.js';
import { constants, type ConstantsOptions, type ConstantsResult } from '../../theory/constants.js';
import { printJson } from '../run.js';
import { checkFits } from '../../core/dataset.js';

function constantsCommand(opts: { model: string; data: string } & ConstantsOptions): ConstantsResult {
  const { model, data: dataPath, ...rest } = opts;
  const params = readModelFile(model);
  const data = readData(dataPath);
  checkFits(params.spec, data, { model: `model ${model}`, data: `data ${dataPath}` });
  return constants(params, data, rest);
}

interface RawOptions {
  model: string;
  data: string;
  rho?: string;
  nuW?: string;
  nuU?: string;
  delta?: string;
  eta?: string;
  tau?: string;
  eps?: string;
  hessianSamples?: string;
  hessianIterations?: string;
  seed?: string;
}

function checkOption(name: string, v: number | undefined, ok: (v: number) => boolean, what: string): void {
  if (v !== undefined && !ok(v)) throw new UsageError(`option --${name}: expected ${what}, got ${v}`);
}

export function registerConstants(program: Command): void {
  program
    .command('constants')
    .description(
      'Measured constants of a model on a data set (largest per-neuron ||grad h_{T-1}|| and Hessian norm, the ' +
        'memory-decay curve ||dh_{T-1}/dx_t||) beside the analytic ones of `bounds`, the bound terms with both ' +
        '(our own derivation: "derived": true), and the memory factor as bound, mean field (dense) and measured ' +
        'Lyapunov exponent at Theta(0), each labelled by its source',
    )
    .requiredOption('--model <file>', 'model file (rnn-gd.model/1 JSON)')
    .requiredOption(
      '--data <path>',
      'data: rnn-gd.data/1 JSON file, a directory with X.npy + Y.npy (or data.json), or X.npy',
    )
    .option('--rho <R>', 'projection radius in the bound terms (default nu); the constants themselves use rho = 0')
    .option('--nu-w <A>', 'transport-map bound nu_w (default 1)')
    .option('--nu-u <B>', 'transport-map bound nu_u (default 1)')
    .option('--delta <P>', 'failure probability (default 0.05)')
    .option('--eta <E>', 'step size (default etaMax, analytic and measured respectively)')
    .option('--tau <S>', 'number of iterations (adds the optimization term)')
    .option('--eps <E>', 'target accuracy (adds mRequired and tauRequired)')
    .option('--hessian-samples <K>', 'sequences used for the Hessian (default: all for diagonal, 8 for dense)')
    .option('--hessian-iterations <K>', 'power-iteration steps for the dense Hessian (default 50)')
    .option('--seed <S>', 'seed of the power-iteration start vectors (default 0)')
    .action((raw: RawOptions) => {
      const num = (name: string, v: string | undefined) => parseNumber(name, v);
      const opts: ConstantsOptions = {
        rho: num('rho', raw.rho),
        nuW: num('nu-w', raw.nuW),
        nuU: num('nu-u', raw.nuU),
        delta: num('delta', raw.delta),
        eta: num('eta', raw.eta),
        tau: num('tau', raw.tau),
        eps: num('eps', raw.eps),
        hessian: {
          samples: num('hessian-samples', raw.hessianSamples),
          iterations: num('hessian-iterations', raw.hessianIterations),
          seed: raw.seed,
        },
      };
      const nonNeg = (v: number) => v >= 0,
        pos = (v: number) => v > 0,
        posInt = (v: number) => Number.isInteger(v) && v >= 1;
      checkOption('rho', opts.rho, nonNeg, 'a number >= 0');
      checkOption('nu-w', opts.nuW, nonNeg, 'a number >= 0');
      checkOption('nu-u', opts.nuU, nonNeg, 'a number >= 0');
      checkOption('delta', opts.delta, (v) => v > 0 && v < 1, '0 < delta < 1');
      checkOption('eta', opts.eta, pos, 'a number > 0');
      checkOption('tau', opts.tau, pos, 'a number > 0');
      checkOption('eps', opts.eps, pos, 'a number > 0');
      checkOption('hessian-samples', opts.hessian!.samples, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
      checkOption('hessian-iterations', opts.hessian!.iterations, posInt, 'a positive integer');
      printJson(constantsCommand({ model: raw.model, data: raw.data, ...opts }));
    });
}
