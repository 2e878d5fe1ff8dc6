/** Shared helpers of the experiment tests: they run the compiled package in dist/ (built by `make build`). */
import { readFileSync } from 'node:fs';

/** Backend of the test sweeps (RNN_GD_TEST_BACKEND=ts to run without the wasm build). */
export const BACKEND = (process.env.RNN_GD_TEST_BACKEND ?? 'wasm') as 'wasm' | 'ts';

export interface Line extends StableLine {
  timing?: unknown;
}

/** A result line without its timing. (Omit<Line, 'timing'> would lose the named keys to the index signature.) */
export interface StableLine {
  id: string;
  index: number;
  status: string;
  [k: string]: unknown;
}

export function readLines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** Results without their timing (what must be identical between runs of the same points), in index order. */
export function stable(lines: Line[]): StableLine[] {
  return [...lines].sort((a, b) => a.index - b.index).map(({ timing: _t, ...rest }) => rest);
}
