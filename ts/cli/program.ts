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
import { PACKAGE_VERSION } from '../core/version.js';

/**
 * Every command of the CLI. exitOverride comes before the commands are added so that they inherit
 * it: commander then throws instead of exiting, and runCli maps every failure to one exit code.
 */
export function createProgram(): Command {
  const program = new Command('rnn-gd')
    .description('Train RNNs with (projected) gradient descent as in Cayci & Eryilmaz, and test the theory.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the package version')
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
  conciseUsageErrors(program);
  return program;
}

/**
 * Commander's usage errors (unknown option or command, missing argument, ...) as one line that
 * keeps its "did you mean" suggestion, then one line pointing at the command's help, instead of
 * the whole help text, which buried the suggestion. Applied to every command of the tree.
 * Required options are checked after unknown ones (commander checks them first), so a mistyped
 * required flag (`--modle`) gets its suggestion rather than "required option '--model' not specified".
 */
function conciseUsageErrors(cmd: Command): void {
  cmd.showHelpAfterError(false).configureOutput({
    outputError: (message, write) => write(usageErrorText(message, commandPath(cmd))),
  });
  const required = cmd.options.filter((o) => o.mandatory);
  if (required.length > 0) {
    for (const o of required) o.mandatory = false;
    cmd.hook('preAction', () => {
      const missing = required.find((o) => cmd.getOptionValue(o.attributeName()) === undefined);
      if (missing) {
        cmd.error(`error: required option '${missing.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
        });
      }
    });
  }
  for (const sub of cmd.commands) conciseUsageErrors(sub);
}

/** The command as typed: 'rnn-gd data generate'. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** "error: unknown option '--etta'\n(Did you mean --eta?)" -> "rnn-gd: unknown option '--etta' (did you mean --eta?)" + the help hint. */
function usageErrorText(message: string, command: string): string {
  const lines = message
    .trim()
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const text = lines.map((l) => l.replace(/^\(Did you mean (.*)\)$/, '(did you mean $1)')).join(' ');
  return `rnn-gd: ${text}\nsee '${command} --help'\n`;
}
