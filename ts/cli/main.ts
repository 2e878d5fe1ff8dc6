#!/usr/bin/env node
/** rnn-gd command line (the commands are registered in ./program.ts). */
import { createProgram } from './program.js';
import { runCli } from './run.js';

// A reader that stops early (`rnn-gd experiment points E1 | head`) closes the pipe: end quietly, as
// Unix tools do, instead of an unhandled EPIPE with a stack trace. Here, once per process (not in
// runCli, which tests call in-process many times).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});
await runCli(createProgram(), process.argv);
