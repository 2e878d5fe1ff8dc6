#!/usr/bin/env node
/** rnn-gd command line (the commands are registered in ./program.ts). */
import { createProgram } from './program.js';
import { runCli } from './run.js';

await runCli(createProgram(), process.argv);
