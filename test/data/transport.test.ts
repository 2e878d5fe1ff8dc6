/** The transport-map function class: teacher sums, Monte-Carlo error, odd/even maps, oracle parameters, floor, backends. */
import { describe, expect, it } from 'vitest';
import { getBackend, tsBackend } from '../../ts/backend/index.js';
import { initialize } from '../../ts/train/init.js';
import { neuronDistancesSq } from '../../ts/core/projection.js';
import { approximationFloor, linearizedPredictions, oracleParams } from '../../ts/data/oracle.js';
import {
  makeClassTeacher,
  mapValues,
  teacherStdErr,
  teacherValues,
  transportOptionsSchema,
  type TransportOptionsInput,
} from '../../ts/data/transport.js';
import type { Dataset } from '../../ts/core/types.js';
import { randomData, relError } from '../helpers.js';

const ts = tsBackend({ dtype: 'float64' });
const BETA = [0.6, 0, 0.8];
const GAMMA = [0, 1, 0];
const opts = (o: TransportOptionsInput) => transportOptionsSchema.parse({ beta: BETA, gamma: GAMMA, ...o });
const rms = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0) / a.length);

describe('transport-map teacher', () => {
  const data = randomData(16, 5, 3, 'final', 'class-data');

  it('equals the explicit particle sum over tangent features (every map)', () => {
    for (const map of ['linear', 'input', 'memory', 'mix'] as const) {
      const t = makeClassTeacher(opts({ map, M: 9, alpha: 0.8, kappa: 1.5, nuW: 0.7, nuU: 1.3 }), 3, `tiny-${map}`);
      const f = teacherValues(t, data, ts);
      const phi = ts.kernels.tangentFeatures(t.spec, t.particles, data);
      for (let j = 0; j < data.n; j++) {
        let s = 0;
        for (let k = 0; k < 9; k++) {
          const u = t.particles.u.subarray(k * 3, k * 3 + 3);
          const ug = u[0] * GAMMA[0] + u[1] * GAMMA[1] + u[2] * GAMMA[2];
          const cu = map === 'linear' ? 1.3 : map === 'memory' ? 0 : 1.3 * Math.cos(1.5 * ug);
          const vw = map === 'memory' || map === 'mix' ? 0.7 * Math.tanh(1.5 * ug) : 0;
          const o = (j * 9 + k) * 4;
          s += vw * phi[o] + cu * (BETA[0] * phi[o + 1] + BETA[1] * phi[o + 2] + BETA[2] * phi[o + 3]);
        }
        expect(f[j]).toBeCloseTo(s / 9, 14);
      }
    }
  });

  it('readout all: the last step of every sequence is the readout-final value', () => {
    const t = makeClassTeacher(opts({ M: 50 }), 3, 'all');
    const all = teacherValues(t, data, ts, 'all');
    const fin = teacherValues(t, data, ts, 'final');
    for (let j = 0; j < data.n; j++) expect(all[j * 5 + 4]).toBe(fin[j]);
    // and step t is the teacher on the prefix of length t + 1
    const t0 = teacherValues(
      t,
      { ...data, T: 1, X: Float64Array.from({ length: 16 * 3 }, (_, k) => data.X[Math.floor(k / 3) * 15 + (k % 3)]) },
      ts,
    );
    for (let j = 0; j < data.n; j++) expect(all[j * 5]).toBe(t0[j]);
  });

  it('Monte-Carlo error shrinks like 1/sqrt(M), and the standard-error estimate matches the observed spread', () => {
    const Ms = [64, 256, 1024, 4096];
    const R = 12;
    const sds: number[] = [];
    const ses: number[] = [];
    for (const M of Ms) {
      const reps = Array.from({ length: R }, (_, r) =>
        teacherValues(makeClassTeacher(opts({ M, map: 'mix' }), 3, `mc-${r}`), data, ts),
      );
      let v = 0;
      for (let j = 0; j < data.n; j++) {
        const mean = reps.reduce((s, f) => s + f[j], 0) / R;
        v += reps.reduce((s, f) => s + (f[j] - mean) ** 2, 0) / (R - 1);
      }
      sds.push(Math.sqrt(v / data.n));
      ses.push(rms(teacherStdErr(makeClassTeacher(opts({ M, map: 'mix' }), 3, 'mc-se'), data, ts, 'final', 1024)));
    }
    // least-squares slope of log sd against log M
    const lx = Ms.map(Math.log),
      ly = sds.map(Math.log);
    const mx = lx.reduce((a, b) => a + b) / lx.length,
      my = ly.reduce((a, b) => a + b) / ly.length;
    const slope = lx.reduce((s, x, i) => s + (x - mx) * (ly[i] - my), 0) / lx.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(-0.6);
    expect(slope).toBeLessThan(-0.4);
    expect(sds[0] / sds[3]).toBeGreaterThan(8 * 0.75); // sqrt(4096/64) = 8
    expect(sds[0] / sds[3]).toBeLessThan(8 / 0.75);
    for (let i = 0; i < Ms.length; i++) {
      expect(ses[i] / sds[i]).toBeGreaterThan(0.7);
      expect(ses[i] / sds[i]).toBeLessThan(1.4);
    }
  });

  it('an even memory-channel map (cos) gives ~0 for tanh, the odd one (tanh) does not', () => {
    const M = 20000;
    const even = makeClassTeacher(opts({ map: 'memory', memoryFn: 'cos', M, kappa: 1 }), 3, 'parity');
    const odd = makeClassTeacher(opts({ map: 'memory', memoryFn: 'tanh', M, kappa: 1 }), 3, 'parity');
    const fEven = teacherValues(even, data, ts),
      fOdd = teacherValues(odd, data, ts);
    const seEven = rms(teacherStdErr(even, data, ts)),
      seOdd = rms(teacherStdErr(odd, data, ts));
    expect(rms(fEven)).toBeLessThan(3 * seEven); // pure Monte-Carlo noise
    expect(rms(fOdd)).toBeGreaterThan(15 * seOdd); // a real signal
    expect(rms(fOdd)).toBeGreaterThan(10 * rms(fEven));
    // antithetic pairs (w, u), (w, -u) cancel the even map exactly
    const anti = makeClassTeacher(opts({ map: 'memory', memoryFn: 'cos', M: 2000, antithetic: true }), 3, 'parity');
    expect(Math.max(...Array.from(teacherValues(anti, data, ts), Math.abs))).toBeLessThan(1e-14);
    const antiOdd = makeClassTeacher(opts({ map: 'memory', memoryFn: 'tanh', M: 2000, antithetic: true }), 3, 'parity');
    expect(rms(teacherValues(antiOdd, data, ts))).toBeGreaterThan(0.5 * rms(fOdd));
  });

  it('particles do not depend on the student: the student init stream is never touched', () => {
    const a = makeClassTeacher(opts({ M: 10 }), 3, 7);
    const student = initialize({ recurrence: 'diagonal', m: 10, d: 3, alpha: 0.5 }, { seed: 7 });
    expect(a.particles.w).not.toEqual(student.W0);
    expect(makeClassTeacher(opts({ M: 10 }), 3, 7).particles.u).toEqual(a.particles.u);
  });
});

describe('oracle parameters and the approximation floor', () => {
  it('theta_bar lies in Omega(nu, m), on the boundary for the linear map', () => {
    const m = 64,
      d = 3;
    const student = initialize({ recurrence: 'diagonal', m, d, alpha: 0.5 }, { seed: 'stu' });
    for (const map of ['linear', 'input', 'memory', 'mix'] as const) {
      const t = makeClassTeacher(opts({ map, M: 4, nuW: 0.8, nuU: 0.6 }), d, 1);
      const bar = oracleParams(student, t.map);
      const dist = neuronDistancesSq(student.spec, bar.W, bar.U, bar.W0, bar.U0);
      const nu = Math.hypot(0.8, 0.6);
      for (let i = 0; i < m; i++) expect(Math.sqrt(dist[i])).toBeLessThanOrEqual((nu / Math.sqrt(m)) * (1 + 1e-12));
      if (map === 'linear') for (let i = 0; i < m; i++) expect(Math.sqrt(dist[i])).toBeCloseTo(0.6 / Math.sqrt(m), 14);
      expect(bar.W0).toEqual(student.W0);
      // theta_bar_i - theta_i(0) = c_i v(theta_i(0)) / sqrt(m)
      const v = mapValues(t.map, student.U0, m, d);
      expect(bar.W[m - 1] - bar.W0[m - 1]).toBeCloseTo(-v[(m - 1) * (1 + d)] / Math.sqrt(m), 15);
    }
  });

  it('the linearized network at theta_bar is the teacher sum over the student neurons, close to the real network for large m', async () => {
    const d = 3,
      T = 5;
    const data = randomData(12, T, d, 'final', 'floor');
    const t = makeClassTeacher(opts({ map: 'mix', M: 4, alpha: 0.5 }), d, 'f');
    const student = initialize({ recurrence: 'diagonal', m: 2048, d, alpha: 0.5 }, { seed: 's' });
    const bar = oracleParams(student, t.map);
    const lin = linearizedPredictions(bar, data, ts);
    // explicit: (1/m) sum_i <v(theta_i(0)), phi(X; theta_i(0))>
    const v = mapValues(t.map, student.U0, 2048, d);
    const explicit = ts.kernels.teacherSum(
      { activation: 'tanh', alpha: 0.5, d },
      { w: student.W0, u: student.U0 },
      v,
      data,
    );
    expect(relError(lin, explicit)).toBeLessThan(1e-12);
    // the real network at theta_bar differs by the linearization error O(nu^2 / sqrt(m))
    using net = ts.network(bar);
    using ws = net.workspace(data.n, T);
    ws.setData({ ...data, Y: new Float64Array(data.n) });
    expect(relError(ws.forward().predictions, lin)).toBeLessThan(0.05);
  });

  it('the floor falls with the student width (random features) and uses the normalization', async () => {
    const d = 3,
      T = 5;
    const data = randomData(64, T, d, 'final', 'floor2');
    const t = makeClassTeacher(opts({ map: 'mix', M: 20000 }), d, 'teach');
    const Y = teacherValues(t, data, ts);
    const target: Dataset = { ...data, Y };
    const floor = (m: number) =>
      approximationFloor(initialize({ recurrence: 'diagonal', m, d, alpha: 0.5 }, { seed: `w${m}` }), t.map, target, {
        backend: ts,
      }).risk;
    const small = floor(8),
      large = floor(2048);
    expect(large).toBeLessThan(small / 8);
    // normalized targets with the scaled map give the same floor divided by scale^2
    const scale = 0.3;
    const normed: Dataset = { ...data, Y: Y.map((y) => y / scale) };
    const student = initialize({ recurrence: 'diagonal', m: 64, d, alpha: 0.5 }, { seed: 'n' });
    const a = approximationFloor(student, t.map, target, { backend: ts }).risk;
    const b = approximationFloor(student, t.map, normed, { backend: ts, normalization: { offset: 0, scale } }).risk;
    expect(b).toBeCloseTo(a / scale ** 2, 12);
    expect(() =>
      approximationFloor(initialize({ recurrence: 'dense', m: 4, d, alpha: 0.5 }), t.map, target, { backend: ts }),
    ).toThrow(/diagonal/);
  });
});

// the loader imports both builds statically: skip until both exist (make wasm)

describe('backends agree', () => {
  it('teacher values and standard errors: wasm vs ts within 1e-4 relative', async () => {
    const wasm = await getBackend('wasm');
    const data = randomData(40, 8, 3, 'final', 'backends');
    for (const map of ['linear', 'mix'] as const) {
      const t = makeClassTeacher(opts({ map, M: 3000 }), 3, 'b');
      expect(relError(teacherValues(t, data, wasm), teacherValues(t, data, ts))).toBeLessThan(1e-4);
      expect(relError(teacherValues(t, data, wasm, 'all'), teacherValues(t, data, ts, 'all'))).toBeLessThan(1e-4);
      expect(
        relError(teacherStdErr(t, data, wasm, 'final', 256), teacherStdErr(t, data, ts, 'final', 256)),
      ).toBeLessThan(1e-4);
    }
  });
});
