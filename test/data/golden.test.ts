/**
 * Seeded generation is reproducible to the bit: golden hashes of small datasets of every system
 * (inputs, targets, clean targets, Monte-Carlo errors and the teacher facts in meta).
 * A hash change means the generated data changed; update the table only on purpose.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateData, type DataConfigInput } from '../../ts/data/index.js';
import { tsBackend } from '../../ts/backend/ts-backend.js';

const small = { n: 6, nTest: 3, T: 5, d: 3 } as const;
const CASES: Record<string, DataConfigInput> = {
  'transport mix': { system: 'transport', ...small, M: 64, seParticles: 16, backend: 'ts' },
  'transport memory all antithetic': {
    system: 'transport',
    ...small,
    map: 'memory',
    M: 32,
    antithetic: true,
    seParticles: 8,
    readout: 'all',
    backend: 'ts',
    noise: 0.1,
  },
  'dense-teacher': { system: 'dense-teacher', ...small, mTeacher: 8, anchors: 4 },
  'dense-teacher all': {
    system: 'dense-teacher',
    ...small,
    mTeacher: 6,
    anchors: 3,
    readout: 'all',
    normalize: 'none',
  },
  'linear-filter': { system: 'linear-filter', ...small, noise: 0.2 },
  'linear-filter beta': { system: 'linear-filter', ...small, beta: [1, 2, -1], readout: 'all', seed: 'x' },
  delay: { system: 'delay', ...small, k: 2, coordinate: 1 },
  narma10: { system: 'narma10', n: 6, nTest: 0, T: 12, readout: 'all' },
  'teacher-rnn diagonal': { system: 'teacher-rnn', ...small, mTeacher: 8, seed: 3 },
  'teacher-rnn dense': { system: 'teacher-rnn', ...small, mTeacher: 6, recurrence: 'dense', normalize: 'scale' },
};

function digest(g: Awaited<ReturnType<typeof generateData>>): string {
  const h = createHash('sha256');
  const add = (a: Float64Array | Float32Array | null | undefined) =>
    h.update(a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : 'null');
  add(g.train.X);
  add(g.train.Y);
  add(g.test?.X);
  add(g.test?.Y);
  add(g.clean.train);
  add(g.clean.test);
  add(g.stdErr?.train);
  add(g.stdErr?.test);
  const { generator: _generator, ...meta } = g.meta;
  h.update(JSON.stringify(meta));
  h.update(JSON.stringify(g.map ?? null, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v)));
  if (g.teacherModel) for (const a of [g.teacherModel.W, g.teacherModel.U, g.teacherModel.c]) add(a);
  return h.digest('hex').slice(0, 16);
}

const GOLDEN: Record<string, string> = {
  // The two transport digests changed only with meta.kind, which now cites docs/spec/model.md (was MODEL.md).
  'transport mix': 'f1260a054256422c',
  'transport memory all antithetic': '4e4a384f18aa54dd',
  'dense-teacher': '841a7be4e055a2be', // Theta_T(0) by 'halves' (issue 23)
  'dense-teacher all': '3dbcc3f34a1af2b3',
  'linear-filter': 'd86026eb6d342d37',
  'linear-filter beta': 'fcdc021a2d7f4b32',
  delay: 'd57e59766e57f1de',
  narma10: '0dcf356e60603090',
  'teacher-rnn diagonal': '9178a3a0379276c8',
  'teacher-rnn dense': '1b62e13358996e33',
};

describe('generated data is bit-identical for a seed', () => {
  const backend = tsBackend();
  for (const [name, config] of Object.entries(CASES)) {
    it(name, async () => {
      const g = await generateData(config, undefined, { backend });
      const got = digest(g);
      expect(got).toBe(GOLDEN[name]);
    });
  }
});
