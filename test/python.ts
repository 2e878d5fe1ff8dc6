/**
 * The Python with NumPy the interoperability tests run: the project venv made by
 * scripts/setup-python.sh (`make test` runs it first), or RNN_GD_PYTHON. Missing, the tests fail
 * and say how to make it, rather than skip: a skipped interoperability test is an untested claim.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PYTHON = process.env.RNN_GD_PYTHON ?? fileURLToPath(new URL('../.python/bin/python', import.meta.url));

/** Throws with the set-up command when PYTHON has no NumPy. */
export function requireNumpy(): void {
  const ok = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  if (!ok) throw new Error(`no NumPy at ${PYTHON}: run scripts/setup-python.sh (make test does) or set RNN_GD_PYTHON`);
}
