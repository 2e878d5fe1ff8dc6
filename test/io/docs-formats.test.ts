/**
 * docs/formats.md: the Python checker in the page must agree with `rnn-gd eval` (ts backend) on
 * files written by rnn-gd, for both recurrences and readouts and for JSON and .npy data.
 * Needs the NumPy venv of scripts/setup-python.sh (make test makes it).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { evalCommand } from '../../ts/cli/commands/eval.js';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import type { Dataset } from '../../ts/core/types.js';
import { PYTHON, requireNumpy } from '../python.js';
import { tempDir } from '../support/fs.js';

const page = readFileSync(fileURLToPath(new URL('../../docs/formats.md', import.meta.url)), 'utf8');
/** The python block that follows the marker comment. */
const snippet = /<!-- The block below is run by[^\n]*-->\s*```python\n([\s\S]*?)```/.exec(page)?.[1];

describe('docs/formats.md', () => {
  it('has the checker snippet', () => {
    expect(snippet).toBeDefined();
    expect(snippet).toContain('def predict');
  });

  describe('the Python checker agrees with rnn-gd eval', () => {
    beforeAll(requireNumpy);
    const dir = tempDir('docs');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'check_rnn_gd.py');
    writeFileSync(script, snippet ?? '');

    it.each([
      ['diagonal', 'final', 'tanh', 'json'],
      ['diagonal', 'all', 'sigmoid', 'npy'],
      ['dense', 'final', 'sin', 'npy'],
      ['dense', 'all', 'tanh', 'json'],
      ['diagonal', 'all', 'relu', 'json'],
    ] as const)('%s %s %s (%s data)', async (recurrence, readout, activation, kind) => {
      const m = 6,
        d = 3,
        n = 4,
        T = 5;
      const p = initialize(
        { recurrence, activation, readout, m, d, alpha: 0.9 },
        { seed: `docs-${recurrence}-${readout}` },
      );
      p.W = p.W.map((v, i) => v + 0.1 * Math.sin(i));
      p.U = p.U.map((v, i) => v + 0.1 * Math.cos(i));
      const ds: Dataset = {
        n,
        T,
        d,
        X: Float64Array.from({ length: n * T * d }, (_, i) => 0.5 * Math.sin(0.7 * i)),
        Y: Float64Array.from({ length: readout === 'all' ? n * T : n }, (_, i) => 0.3 * Math.cos(i)),
      };
      const tag = `${recurrence}-${readout}-${activation}`;
      const modelPath = join(dir, `${tag}.json`);
      saveModel(modelPath, p);
      const dataPath = kind === 'json' ? join(dir, `${tag}-data.json`) : join(dir, `${tag}-npy`);
      writeData(dataPath, ds);
      const r = spawnSync(PYTHON, [script, modelPath, dataPath], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const py = JSON.parse(r.stdout) as { predictions: number[]; loss: number };
      const ours = await evalCommand({ model: modelPath, data: dataPath, backend: 'ts' });
      expect(py.predictions.length).toBe(ours.predictions.length);
      for (let i = 0; i < py.predictions.length; i++) {
        expect(Math.abs(py.predictions[i] - ours.predictions[i])).toBeLessThan(1e-13);
      }
      expect(Math.abs(py.loss - ours.loss)).toBeLessThan(1e-13 * Math.max(1, ours.loss));
    });
  });
});
