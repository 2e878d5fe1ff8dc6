/** Classic systems: exact values on hand-made inputs, and the random teacher RNN. */
import { describe, expect, it } from 'vitest';
import { delayRecall, linearFilter, makeTeacherRnn, narma10, rnnOutputs } from '../../ts/data/classic.js';
import { generateData } from '../../ts/data/generate.js';

// Two sequences, T = 3, d = 2 (dyadic values: every result below is exact in float64).
const hand = {
  n: 2,
  T: 3,
  d: 2,
  X: Float64Array.of(
    1,
    0,
    0,
    1,
    0.5,
    0.5, //  sequence 0: x_0 = (1, 0), x_1 = (0, 1), x_2 = (0.5, 0.5)
    -0.5,
    0.25,
    0.75,
    0,
    0,
    -1, // sequence 1
  ),
};

describe('linear fading-memory filter', () => {
  it('y = sum_k r^k <beta, x_{T-1-k}>, exactly, for readout final and all', () => {
    const beta = [0.5, 0.25];
    // sequence 0: <beta, x_t> = 0.5, 0.25, 0.375;  sequence 1: -0.1875, 0.375, -0.25
    expect(Array.from(linearFilter(hand, 'final', 0.5, beta))).toEqual([
      0.375 + 0.5 * 0.25 + 0.25 * 0.5,
      -0.25 + 0.5 * 0.375 + 0.25 * -0.1875,
    ]);
    expect(Array.from(linearFilter(hand, 'all', 0.5, beta))).toEqual([0.5, 0.5, 0.625, -0.1875, 0.28125, -0.109375]);
    expect(Array.from(linearFilter(hand, 'final', 0, beta))).toEqual([0.375, -0.25]);
  });

  it('generateData uses the normalized beta and the same formula', async () => {
    const g = await generateData(
      { system: 'linear-filter', n: 5, nTest: 0, T: 7, d: 3, r: 0.7, beta: [1, 2, 2], normalize: 'none' },
      3,
    );
    const beta = [1 / 3, 2 / 3, 2 / 3];
    const { X, T, d } = g.train;
    for (let j = 0; j < 5; j++) {
      let y = 0;
      for (let k = 0; k < T; k++) for (let q = 0; q < d; q++) y += 0.7 ** k * beta[q] * X[(j * T + T - 1 - k) * d + q];
      expect(g.train.Y[j]).toBeCloseTo(y, 13);
    }
    expect(g.meta.teacher.beta).toEqual(beta.map((b) => expect.closeTo(b, 15)));
  });
});

describe('delay recall', () => {
  it('y = x_{T-1-k}[coordinate], exactly; readout all is 0 before t = k', () => {
    expect(Array.from(delayRecall(hand, 'final', 0))).toEqual([0.5, 0]);
    expect(Array.from(delayRecall(hand, 'final', 1))).toEqual([0, 0.75]);
    expect(Array.from(delayRecall(hand, 'final', 2))).toEqual([1, -0.5]);
    expect(Array.from(delayRecall(hand, 'final', 1, 1))).toEqual([1, 0]);
    expect(Array.from(delayRecall(hand, 'all', 1))).toEqual([0, 1, 0, 0, -0.5, 0.75]);
  });

  it('rejects k >= T and a coordinate outside [0, d)', () => {
    expect(() => delayRecall(hand, 'final', 3)).toThrow(/field 'k' must be an integer in \[0, T-1\] = \[0, 2\], got 3/);
    expect(() => delayRecall(hand, 'final', 0, 2)).toThrow(/field 'coordinate'/);
  });
});

describe('NARMA-10', () => {
  /** Direct transcription of the recursion with explicit zero history. */
  function reference(u: number[]): number[] {
    const y = new Map<number, number>();
    const Y = (t: number) => (t < 0 ? 0 : y.get(t)!);
    const U = (t: number) => (t < 0 ? 0 : u[t]);
    y.set(0, 0);
    for (let t = 0; t < u.length; t++) {
      let s = 0;
      for (let i = 0; i <= 9; i++) s += Y(t - i);
      y.set(t + 1, 0.3 * Y(t) + 0.05 * Y(t) * s + 1.5 * U(t - 9) * U(t) + 0.1);
    }
    return Array.from({ length: u.length }, (_, t) => Y(t + 1));
  }

  it('first steps by hand: constant input x = 0 (u = 0.25)', () => {
    const data = { n: 1, T: 2, d: 1, X: new Float64Array(2) };
    const y = narma10(data, 'all');
    expect(y[0]).toBe(0.1);
    expect(y[1]).toBeCloseTo(0.3 * 0.1 + 0.05 * 0.1 * 0.1 + 0.1, 15);
  });

  it('matches the recursion (u_t = (1 + x_t[0]) / 4, with the u_{t-9} u_t term) for both readouts', () => {
    const T = 25;
    const X = Float64Array.from({ length: T }, (_, t) => Math.sin(1.7 * t + 0.3));
    const u = Array.from(X, (x) => (1 + x) / 4);
    const ref = reference(u);
    const all = narma10({ n: 1, T, d: 1, X }, 'all');
    for (let t = 0; t < T; t++) expect(all[t]).toBeCloseTo(ref[t], 14);
    expect(narma10({ n: 1, T, d: 1, X }, 'final')[0]).toBe(all[T - 1]);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThanOrEqual(0.5);
  });
});

describe('random teacher RNN', () => {
  for (const recurrence of ['diagonal', 'dense'] as const) {
    it(`${recurrence}: not identically zero, c balanced, readout all ends with readout final`, () => {
      const opts = { recurrence, activation: 'tanh' as const, alpha: 0.9, mTeacher: 8, wInit: 'uniform' as const };
      const p = makeTeacherRnn(opts, 3, 'seed-1', 'final');
      expect(Array.from(p.c)).toEqual([1, 1, 1, 1, -1, -1, -1, -1]);
      // the second half was re-drawn: not a copy of the first
      expect(p.U.slice(12, 24)).not.toEqual(p.U.slice(0, 12));
      const data = { n: 6, T: 5, d: 3, X: Float64Array.from({ length: 90 }, (_, k) => 0.5 * Math.sin(0.37 * k)) };
      const fin = rnnOutputs(p, data, 'final');
      const all = rnnOutputs(p, data, 'all');
      expect(Math.max(...Array.from(fin, Math.abs))).toBeGreaterThan(1e-2);
      for (let j = 0; j < 6; j++) expect(all[j * 5 + 4]).toBeCloseTo(fin[j], 14);
      expect(makeTeacherRnn(opts, 3, 'seed-1', 'final').W).toEqual(p.W);
      expect(makeTeacherRnn(opts, 3, 'seed-2', 'final').W).not.toEqual(p.W);
    });
  }
});
