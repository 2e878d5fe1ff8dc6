// Where things are, defined once for every test: the repository and the built CLI.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI (`make build`), or RNN_GD_CLI (another build of it). */
export const CLI = process.env.RNN_GD_CLI ?? join(ROOT, 'dist/cli/main.js');
