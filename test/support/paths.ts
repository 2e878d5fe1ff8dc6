// Where things are, defined once for every test: the repository and the built CLI.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI (`make build`), or RNN_GD_CLI (the packed package's, in check-package). */
export const CLI = process.env.RNN_GD_CLI ?? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
