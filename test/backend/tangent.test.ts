/** The float64 reference tangent kernels: features vs finite differences, teacher sum vs the explicit particle sum. */
import { ValidationError } from '../../ts/core/errors.js';
import { describe, expect, it } from 'vitest';
import { activations } from '../../ts/core/activations.js';
import { tangentKernels } from '../../ts/backend/ts-tangent.js';
import type { TangentSpec } from '../../ts/backend/types.js';
import { randomData } from '../helpers.js';

/** h_{T-1}(X_j; w, u) by the plain forward recursion. */
function lastHidden(
  spec: TangentSpec,
  w: number,
  u: ArrayLike<number>,
  X: ArrayLike<number>,
  j: number,
  T: number,
): number {
  const act = activations[spec.activation];
  let h = 0;
  for (let t = 0; t < T; t++) {
    let z = spec.alpha * w * h;
    for (let q = 0; q < spec.d; q++) z += u[q] * X[(j * T + t) * spec.d + q];
    h = act.f(z);
  }
  return h;
}

const particles = (M: number, d: number) => ({
  w: Float64Array.from({ length: M }, (_, k) => Math.sin(1.3 * k + 0.2)),
  u: Float64Array.from({ length: M * d }, (_, k) => 1.1 * Math.cos(0.7 * k + 0.5)),
});

describe('tangentFeatures (ts float64)', () => {
  for (const activation of ['tanh', 'sigmoid', 'sin'] as const) {
    it(`matches central finite differences of h_{T-1} (${activation})`, () => {
      const d = 3,
        T = 6,
        M = 5;
      const spec: TangentSpec = { activation, alpha: 0.9, d };
      const data = randomData(4, T, d, 'final', `fd-${activation}`);
      const P = particles(M, d);
      const phi = tangentKernels.tangentFeatures(spec, P, data);
      expect(phi.length).toBe(data.n * M * (1 + d));
      const eps = 1e-6;
      let worst = 0,
        scale = 0;
      for (let j = 0; j < data.n; j++) {
        for (let i = 0; i < M; i++) {
          const u = P.u.slice(i * d, (i + 1) * d);
          const fdW =
            (lastHidden(spec, P.w[i] + eps, u, data.X, j, T) - lastHidden(spec, P.w[i] - eps, u, data.X, j, T)) /
            (2 * eps);
          const fd = [fdW];
          for (let q = 0; q < d; q++) {
            const up = u.slice();
            up[q] += eps;
            const um = u.slice();
            um[q] -= eps;
            fd.push(
              (lastHidden(spec, P.w[i], up, data.X, j, T) - lastHidden(spec, P.w[i], um, data.X, j, T)) / (2 * eps),
            );
          }
          for (let q = 0; q <= d; q++) {
            const a = phi[(j * M + i) * (1 + d) + q];
            worst = Math.max(worst, Math.abs(a - fd[q]));
            scale = Math.max(scale, Math.abs(fd[q]));
          }
        }
      }
      expect(scale).toBeGreaterThan(0.05);
      expect(worst).toBeLessThan(1e-8);
    });
  }

  it("T = 1: phi = sigma'(<u, x_0>) (0, x_0) exactly", () => {
    const d = 2;
    const spec: TangentSpec = { activation: 'tanh', alpha: 0.7, d };
    const data = { n: 1, T: 1, d, X: Float64Array.of(0.5, -0.25), Y: new Float64Array(1) };
    const phi = tangentKernels.tangentFeatures(spec, { w: [0.3], u: [1, 2] }, data);
    const s = 1 - Math.tanh(0) ** 2; // <u, x_0> = 0.5 - 0.5 = 0
    expect(Array.from(phi)).toEqual([0, 0.5 * s, -0.25 * s]);
  });
});

describe('teacherSum (ts float64)', () => {
  it('equals the explicit particle sum (1/M) sum_k <v_k, phi_k> on tiny cases', () => {
    for (const [activation, alpha, T] of [
      ['tanh', 0.5, 4],
      ['sigmoid', 2, 3],
      ['sin', 1.2, 5],
      ['relu', 0.8, 4],
    ] as const) {
      const d = 2,
        M = 7;
      const spec: TangentSpec = { activation, alpha, d };
      const data = randomData(5, T, d, 'final', `ts-${activation}`);
      const P = particles(M, d);
      const v = Float64Array.from({ length: M * (1 + d) }, (_, k) => Math.cos(2.1 * k));
      const sum = tangentKernels.teacherSum(spec, P, v, data);
      const phi = tangentKernels.tangentFeatures(spec, P, data);
      for (let j = 0; j < data.n; j++) {
        let explicit = 0;
        for (let k = 0; k < M; k++)
          for (let q = 0; q <= d; q++) explicit += v[k * (1 + d) + q] * phi[(j * M + k) * (1 + d) + q];
        explicit /= M;
        expect(Math.abs(sum[j] - explicit)).toBeLessThan(1e-14 * Math.max(1, Math.abs(explicit)));
      }
    }
  });

  it('rejects bad shapes with messages that name the argument', () => {
    const spec: TangentSpec = { activation: 'tanh', alpha: 0.5, d: 2 };
    const data = randomData(2, 3, 2, 'final');
    const P = particles(3, 2);
    expect(() => tangentKernels.teacherSum(spec, P, new Float64Array(5), data)).toThrow(
      /v has 5 values, expected M\*\(1\+d\) = 3\*3 = 9/,
    );
    expect(() => tangentKernels.tangentFeatures(spec, { w: P.w, u: P.u.slice(1) }, data)).toThrow(
      /particles\.u has 5 values, expected M\*d/,
    );
    expect(() => tangentKernels.tangentFeatures({ ...spec, d: 3 }, P, data)).toThrow(
      /inputs have d = 2 but spec has d = 3/,
    );
    expect(() => tangentKernels.tangentFeatures(spec, { w: [], u: [] }, data)).toThrow(ValidationError);
    expect(() => tangentKernels.tangentFeatures({ ...spec, activation: 'cube' as never }, P, data)).toThrow(
      /spec\.activation/,
    );
    expect(() => tangentKernels.tangentFeatures(spec, P, { ...data, X: data.X.slice(1) })).toThrow(
      /field 'X' has 11 entries/,
    );
  });
});
