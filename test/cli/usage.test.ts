/**
 * Usage errors of the CLI (commander's): a mistyped flag or command exits 2 with the "did you mean"
 * suggestion on the first line of stderr and one line pointing at the command's help, for every
 * command of the tree (in process), and the same through the built binary.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../ts/cli/program.js';
import { SYSTEMS } from '../../ts/data/generate.js';
import { runCli, runCliInProcess } from '../support/cli.js';

/** Every command that runs something, with its path of names under the root ('data generate'). */
function leaves(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  if (cmd.commands.length === 0) return [{ path, cmd }];
  return cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

/** Its first long option other than --help, mistyped by doubling the last letter (edit distance 1). */
function typo(cmd: Command): { flag: string; mistyped: string } | undefined {
  const flag = cmd.options.map((o) => o.long).find((l) => l !== undefined && l !== '--help' && !l.startsWith('--no-'));
  return flag === undefined ? undefined : { flag, mistyped: flag + flag.at(-1) };
}

function expectConcise(stderr: string, status: number | null, suggestion: string, command: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(status, stderr).toBe(2);
  expect(lines[0], stderr).toMatch(new RegExp(`^rnn-gd: .*\\(did you mean ${suggestion}\\?\\)$`));
  expect(lines.slice(1), stderr).toEqual([`see 'rnn-gd${command ? ` ${command}` : ''} --help'`]);
}

describe('CLI usage errors', () => {
  const commands = leaves(createProgram());

  it('covers every command', () => {
    expect(commands.map((c) => c.path.join(' '))).toEqual(
      expect.arrayContaining(['train', 'eval', 'step', 'data generate', 'experiment run', 'bounds']),
    );
  });

  it.each(commands.map((c) => [c.path.join(' '), c] as const))(
    '%s: a mistyped flag gives "did you mean" first, then the help hint',
    async (name, { path, cmd }) => {
      const t = typo(cmd);
      expect(t, `${name} has a long option`).toBeDefined();
      const r = await runCliInProcess([...path, t!.mistyped]);
      expect(r.stderr, name).toContain(`unknown option '${t!.mistyped}'`);
      expectConcise(r.stderr, r.status, t!.flag, name);
    },
  );

  it('an unknown command (top level and under a group) suggests the right one', async () => {
    const top = await runCliInProcess(['trian']);
    expectConcise(top.stderr, top.status, 'train', '');
    const r = await runCliInProcess(['data', 'generat']);
    expectConcise(r.stderr, r.status, 'generate', 'data');
  });

  it('a mistyped required option gets its suggestion, not "required option not specified"', async () => {
    const r = await runCliInProcess(['eval', '--modle', 'm.json', '--data', 'd.json']);
    expectConcise(r.stderr, r.status, '--model', 'eval');
  });

  it('a missing required option names it in one line, then the hint', async () => {
    const r = await runCliInProcess(['eval', '--data', 'd.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("rnn-gd: required option '--model <file>' not specified\nsee 'rnn-gd eval --help'\n");
  });

  it('one name per concept: --w-init for the law of w(0) everywhere, --w-law a hidden alias', async () => {
    const args = ['kernel', '--data', 'none.json', '--alpha', '1'];
    const alias = await runCliInProcess([...args, '--w-law', 'cauchy']);
    expect(alias.status).toBe(2);
    expect(alias.stderr).toBe("rnn-gd: option --w-init: expected uniform, rademacher or normal, got 'cauchy'\n");
    const both = await runCliInProcess([...args, '--w-init', 'normal', '--w-law', 'normal']);
    expect(both.status).toBe(2);
    expect(both.stderr.split('\n')[0]).toMatch(/option '--w-law <law>' cannot be used with option '--w-init <law>'/);
    for (const cmd of ['kernel', 'ntk', 'train']) {
      const help = (await runCliInProcess([cmd, '--help'])).stdout;
      expect(help, cmd).toContain('--w-init <law>');
      expect(help, cmd).not.toContain('--w-law');
    }
  });

  it('the data systems in the help come from the registry (a new system needs no CLI edit)', async () => {
    const unwrap = (text: string) => text.replace(/\s+/g, ' ');
    const train = unwrap((await runCliInProcess(['train', '--help'])).stdout);
    const data = unwrap((await runCliInProcess(['data', 'generate', '--help'])).stdout);
    expect(train).toContain(`generate the data instead: ${SYSTEMS.join(', ')} (its test split`);
    expect(data).toContain(`the system: ${SYSTEMS.join(' | ')}`);
  });

  it('the built binary behaves the same (spawned dist/cli/main.js)', () => {
    const r = runCli(['train', '--etaa', '1']);
    expectConcise(r.stderr, r.status, '--eta', 'train');
    const c = runCli(['experimnt', 'run', 'E1']);
    expectConcise(c.stderr, c.status, 'experiment', '');
  });
});
