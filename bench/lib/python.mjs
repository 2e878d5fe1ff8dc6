/**
 * The Python yardstick (bench/python/bench_step.py: JAX and, when installed, PyTorch), run in the
 * same bench run after the JS entries, from the exact parameters and data of every case (written
 * as .npy files from lib/recipe.mjs), so Python starts from the same Theta0.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeNpy } from '../../dist/entries/index.js';
import { benchData, benchParams } from './recipe.mjs';

/** @typedef {import('./recipe.mjs').BenchCase} BenchCase */
/** @typedef {import('./report.mjs').Result} Result */
/**
 * bench/python/bench_step.py's output (python-latest.json).
 * @typedef {{ machine: { python: string, versions: Record<string, string> }, results: Result[], notes?: string[],
 *   checks?: { case: string, backend: string, loss0: number, loss1: number }[] }} PythonReport
 */

/**
 * Writes every case's Theta0 and data as .npy files under `dir`/<case>/.
 * @param {string} dir
 * @param {BenchCase[]} cases
 */
function writeInputs(dir, cases) {
  for (const c of cases) {
    const at = path.join(dir, c.name);
    mkdirSync(at, { recursive: true });
    const p = benchParams(c),
      data = benchData(c);
    const f32 = (/** @type {ArrayLike<number>} */ a) => Float32Array.from(a);
    writeFileSync(path.join(at, 'W.npy'), encodeNpy(f32(p.W), c.recurrence === 'dense' ? [c.m, c.m] : [c.m]));
    writeFileSync(path.join(at, 'U.npy'), encodeNpy(f32(p.U), [c.m, c.d]));
    writeFileSync(path.join(at, 'c.npy'), encodeNpy(f32(p.c), [c.m]));
    writeFileSync(path.join(at, 'X.npy'), encodeNpy(data.X, [c.n, c.T, c.d]));
    writeFileSync(path.join(at, 'Y.npy'), encodeNpy(data.Y, [c.n]));
  }
}

/**
 * Runs the yardstick with interpreter `python` on `cases`; its report (written to `outDir`/python-latest.json),
 * or null with the exit status when it failed.
 * @param {string} python
 * @param {BenchCase[]} cases
 * @param {string} outDir
 * @returns {{ report: PythonReport } | { report: null, status: number | null }}
 */
export function runPython(python, cases, outDir) {
  const out = path.join(outDir, 'python-latest.json');
  const inputs = path.join(tmpdir(), `rnn-gd-bench-inputs-${process.pid}`);
  writeInputs(inputs, cases);
  const script = new URL('../python/bench_step.py', import.meta.url).pathname;
  const args = [script, '--out', out, '--inputs', inputs, '--cases', cases.map((x) => x.name).join(',')];
  const r = spawnSync(python, args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 20 * 60_000 });
  rmSync(inputs, { recursive: true, force: true });
  if (r.status !== 0 || !existsSync(out)) return { report: null, status: r.status };
  return { report: JSON.parse(readFileSync(out, 'utf8')) };
}

/**
 * The note naming the yardstick's interpreter and library versions.
 * @param {PythonReport} python
 */
export const pythonNote = (python) =>
  `Python yardstick: ${python.machine.python}; ${Object.entries(python.machine.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}. ${python.notes?.join(' ') ?? ''}`;
