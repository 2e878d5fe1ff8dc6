/** The rnn-gd command tree: each command lives in ts/cli/commands/<name>.ts and registers itself here. */
import { Command } from 'commander';
import { registerBounds } from './commands/bounds.js';
import { registerConstants } from './commands/constants.js';
import { registerData } from './commands/data.js';
import { registerDemo } from './commands/demo.js';
import { registerEval } from './commands/eval.js';
import { registerExperiment } from './commands/experiment.js';
import { registerKernel } from './commands/kernel.js';
import { registerMerge } from './commands/merge.js';
import { registerNtk } from './commands/ntk.js';
import { registerReport } from './commands/report.js';
import { registerStep } from './commands/step.js';
import { registerTrain } from './commands/train.js';
import { PACKAGE_VERSION } from '../version.js';

/**
 * Every command of the CLI. exitOverride comes before the commands are added so that they inherit
 * it: commander then throws instead of exiting, and runCli maps every failure to one exit code.
 */
export function createProgram(): Command {
  const program = new Command('rnn-gd')
    .description('Train RNNs with (projected) gradient descent as in Cayci & Eryilmaz, and test the theory.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the package version')
    .showHelpAfterError()
    .exitOverride();

  registerBounds(program);
  registerConstants(program);
  registerData(program);
  registerDemo(program);
  registerEval(program);
  registerExperiment(program);
  registerKernel(program);
  registerMerge(program);
  registerNtk(program);
  registerReport(program);
  registerStep(program);
  registerTrain(program);
  return program;
}
