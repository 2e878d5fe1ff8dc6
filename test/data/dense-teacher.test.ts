/** The dense linearized wide teacher: forward-mode JVP vs central finite differences of the network. */
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { denseJvp, denseTeacherOptionsSchema, makeDenseTeacher } from '../../ts/data/dense-teacher.js';
import { neuronDistancesSq } from '../../ts/core/projection.js';
import type { ModelParams, Readout } from '../../ts/core/types.js';
import { randomData, relError } from '../helpers.js';

const ts = tsBackend({ dtype: 'float64' });

function outputs(p: ModelParams, data: ReturnType<typeof randomData>, readout: Readout): Float64Array {
  using net = ts.network({ ...p, spec: { ...p.spec, readout } });
  using ws = net.workspace(data.n, data.T);
  ws.setData(data);
  return ws.forward().predictions;
}

describe('dense linearized teacher', () => {
  it("is built on the halves init by default (its gradients reach every step), on 'paired' when asked", () => {
    const make = (init?: 'paired') =>
      makeDenseTeacher(
        denseTeacherOptionsSchema.parse({ mTeacher: 8, anchors: 2, ...(init ? { init } : {}) }),
        2,
        4,
        { kind: 'gaussian', scale: 1 },
        'init-law',
      );
    const halves = make().params,
      paired = make('paired').params;
    expect(halves.init).toBe('halves');
    expect(halves.W[4]).toBe(0); // row 0, column m/2: the zero off-diagonal block
    expect(paired.init).toBe('paired');
    expect(Array.from(paired.W.subarray(32, 40))).toEqual(Array.from(paired.W.subarray(0, 8)));
  });
  for (const readout of ['final', 'all'] as const) {
    for (const activation of ['tanh', 'sin'] as const) {
      it(`JVP = d/de f(Theta(0) + e V) (central differences), ${activation}, readout ${readout}`, () => {
        const d = 3,
          T = 6;
        const t = makeDenseTeacher(
          denseTeacherOptionsSchema.parse({ mTeacher: 16, activation, alpha: 0.9, nu: 1, anchors: 3 }),
          d,
          T,
          { kind: 'gaussian', scale: 1 },
          'jvp',
        );
        const data = randomData(5, T, d, readout, 'jvp-data');
        const jvp = denseJvp(t.params, t.VW, t.VU, data, readout);
        const eps = 1e-5;
        const shifted = (s: number): ModelParams => {
          const W = t.params.W.map((w, k) => w + s * t.VW[k]);
          const U = t.params.U.map((u, k) => u + s * t.VU[k]);
          return { ...t.params, W, U, W0: W, U0: U };
        };
        const plus = outputs(shifted(eps), data, readout),
          minus = outputs(shifted(-eps), data, readout);
        const fd = plus.map((p, k) => (p - minus[k]) / (2 * eps));
        expect(Math.max(...Array.from(fd, Math.abs))).toBeGreaterThan(1e-2);
        expect(relError(jvp, fd)).toBeLessThan(1e-7);
      });
    }
  }

  it('||V|| = nu, targets of order one, reproducible from the seed', () => {
    const opts = denseTeacherOptionsSchema.parse({ mTeacher: 64, nu: 2 });
    const law = { kind: 'gaussian', scale: 1 } as const;
    const t = makeDenseTeacher(opts, 4, 8, law, 5);
    let s = 0;
    for (const x of t.VW) s += x * x;
    for (const x of t.VU) s += x * x;
    expect(Math.sqrt(s)).toBeCloseTo(2, 12);
    const dist = neuronDistancesSq(
      t.params.spec,
      t.VW,
      t.VU,
      new Float64Array(t.VW.length),
      new Float64Array(t.VU.length),
    );
    expect(t.maxNormRadius).toBeCloseTo(Math.sqrt(64 * Math.max(...dist)), 12);
    const data = randomData(50, 8, 4, 'final', 'scale');
    const y = denseJvp(t.params, t.VW, t.VU, data, 'final');
    const r = Math.sqrt(y.reduce((a, b) => a + b * b, 0) / y.length);
    expect(r).toBeGreaterThan(0.05);
    expect(r).toBeLessThan(20);
    expect(makeDenseTeacher(opts, 4, 8, law, 5).VW).toEqual(t.VW);
    expect(makeDenseTeacher(opts, 4, 8, law, 6).VW).not.toEqual(t.VW);
  });
});
