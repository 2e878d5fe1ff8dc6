/** `rnn-gd bounds`: prints the (derived) bound quantities of docs/spec/model.md section 8 as JSON. */
import { parseNumber } from '../options.js';
import { Command } from 'commander';
import { bounds, type BoundsInput } from '../../theory/bounds.js';
import { printJson } from '../run.js';
import { BoundsInputError, UsageError } from '../../core/errors.js';

/** BoundsInput field -> CLI option name, so validation errors name the option the user typed. */
const OPTION_OF: Record<string, string> = {
  activation: 'activation',
  alpha: 'alpha',
  T: 'T',
  m: 'm',
  n: 'n',
  d: 'd',
  delta: 'delta',
  rho: 'rho',
  nuW: 'nu-w',
  nuU: 'nu-u',
  eta: 'eta',
  tau: 'tau',
  eps: 'eps',
  wBar0: 'w-bar0',
};

interface RawOptions {
  activation: string;
  alpha: string;
  T: string;
  m: string;
  n: string;
  d?: string;
  delta?: string;
  rho?: string;
  nuW?: string;
  nuU?: string;
  eta?: string;
  tau?: string;
  eps?: string;
  wBar0?: string;
}

export function registerBounds(program: Command): void {
  program
    .command('bounds')
    .description(
      "Evaluate the projected-GD bound of docs/spec/model.md section 8 (regimes and growth claims are the paper's; " +
        'every constant is our own derivation, marked "derived": true)',
    )
    .option('--activation <name>', 'activation: tanh | sigmoid | sin (relu is outside the theory)', 'tanh')
    .requiredOption('--alpha <A>', 'recurrence scale alpha >= 0')
    .requiredOption('--T <T>', 'sequence length (positive integer)')
    .requiredOption('--m <M>', 'width (positive integer)')
    .requiredOption('--n <N>', 'number of training sequences (positive integer)')
    .option('--d <D>', 'input dimension (positive integer; default 1)')
    .option('--delta <P>', 'failure probability, 0 < delta < 1 (default 0.05)')
    .option('--rho <R>', 'max-norm projection radius (default nu = sqrt(nu_w^2 + nu_u^2))')
    .option('--nu-w <A>', 'transport-map bound nu_w on the recurrent weight (default 1)')
    .option('--nu-u <B>', 'transport-map bound nu_u on the input weights (default 1)')
    .option('--eta <E>', 'step size (default etaMax = 1/(4 L_T^2))')
    .option('--tau <S>', 'number of iterations (adds the optimization term)')
    .option('--eps <E>', 'target accuracy (adds mRequired and tauRequired)')
    .option('--w-bar0 <W>', 'max_i |w_i(0)| at initialization (default 1)')
    .action((opts: RawOptions) => {
      const input: BoundsInput = {
        activation: opts.activation,
        alpha: parseNumber('alpha', opts.alpha)!,
        T: parseNumber('T', opts.T)!,
        m: parseNumber('m', opts.m)!,
        n: parseNumber('n', opts.n)!,
        d: parseNumber('d', opts.d),
        delta: parseNumber('delta', opts.delta),
        rho: parseNumber('rho', opts.rho),
        nuW: parseNumber('nu-w', opts.nuW),
        nuU: parseNumber('nu-u', opts.nuU),
        eta: parseNumber('eta', opts.eta),
        tau: parseNumber('tau', opts.tau),
        eps: parseNumber('eps', opts.eps),
        wBar0: parseNumber('w-bar0', opts.wBar0),
      };
      try {
        printJson(bounds(input));
      } catch (err) {
        if (err instanceof BoundsInputError) {
          throw new UsageError(`option --${OPTION_OF[err.field] ?? err.field}: ${err.detail}`);
        }
        throw err;
      }
    });
}
