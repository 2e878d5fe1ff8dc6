/**
 * Bivariate Gaussian expectations of an activation, the building blocks of the exact infinite-width
 * kernels of the dense model (ts/backend/ts-dense-kernel.ts):
 *
 *   V_sigma (q1, q2, c) = E[sigma(u)  sigma(v) ]     (u, v) ~ N(0, [[q1, c], [c, q2]])
 *   V_sigma'(q1, q2, c) = E[sigma'(u) sigma'(v)]
 *
 * Closed forms where they exist [literature]: relu (the arc-cosine kernels of Cho & Saul 2009),
 * sin (E[sin u sin v] = e^{-(q1+q2)/2} sinh c, E[cos u cos v] = e^{-(q1+q2)/2} cosh c).
 * tanh by a two-dimensional trapezoid rule after the Cholesky change of variables
 * u = s1 xi1, v = s2 (rho xi1 + r xi2) (s = sqrt(q), rho = c/(s1 s2), r = sqrt(1 - rho^2)) [our method]:
 * for an integrand analytic in a strip |Im xi| < a times the Gaussian, the trapezoid rule with step h
 * errs by about exp(-2 pi a / h) (Trefethen & Weideman 2014). tanh(s xi) has its poles at
 * |Im xi| = pi/(2 s), so the step shrinks with the variance instead of the accuracy collapsing as a
 * fixed Gauss-Hermite rule's does (degree 48 is ~1e-3 off at variance 3). The step is
 * h = min(0.8, a/5), exp(-2 pi * 5) ~ 2e-14, on |xi| <= 7.5 (Gaussian tail ~ 1e-13); the test
 * test/theory/dense-kernel.test.ts checks 1e-7 against an independent NumPy Gauss-Hermite quadrature.
 * sigmoid reduces to tanh: sigmoid(z) = (1 + tanh(z/2))/2, sigmoid'(z) = sech^2(z/2)/4.
 * The Rust core (crates/rnn-core/src/dense_kernel.rs) implements the same rule.
 */
import type { ActivationName } from '../core/activations.js';

/** E[sigma(u) sigma(v)] and E[sigma'(u) sigma'(v)]. */
export interface GaussPair {
  hh: number;
  dd: number;
}

const XI_MAX = 7.5;
const H_MAX = 0.8;
/** a/h: the trapezoid error is ~exp(-2 pi a/h) = exp(-10 pi) ~ 2e-14. */
const STRIP_STEPS = 5;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The trapezoid step for a direction whose nearest tanh pole is at pi/(2 scale) off the real axis. */
const stepFor = (scale: number): number => (scale > 0 ? Math.min(H_MAX, Math.PI / (2 * scale) / STRIP_STEPS) : H_MAX);

/** E[tanh(u) tanh(v)] and E[sech^2(u) sech^2(v)] by the trapezoid rule (see the file comment). */
function tanhPair(q1: number, q2: number, c: number): GaussPair {
  const s1 = Math.sqrt(Math.max(q1, 0)),
    s2 = Math.sqrt(Math.max(q2, 0));
  const rho = s1 > 0 && s2 > 0 ? Math.max(-1, Math.min(1, c / (s1 * s2))) : 0;
  const r = Math.sqrt(Math.max(0, 1 - rho * rho));
  const h1 = stepFor(Math.max(s1, s2 * Math.abs(rho)));
  const h2 = stepFor(s2 * r);
  const n1 = Math.ceil(XI_MAX / h1),
    n2 = Math.ceil(XI_MAX / h2);
  const w2 = new Float64Array(2 * n2 + 1);
  for (let l = -n2; l <= n2; l++) w2[l + n2] = Math.exp(-0.5 * (l * h2) ** 2);
  let hh = 0,
    dd = 0;
  // The integrands are even under (xi1, xi2) -> -(xi1, xi2): sum xi1 >= 0, doubling xi1 > 0.
  for (let k = 0; k <= n1; k++) {
    const x1 = k * h1;
    const tu = Math.tanh(s1 * x1);
    const du = 1 - tu * tu;
    const wk = (k === 0 ? 1 : 2) * Math.exp(-0.5 * x1 * x1);
    const a = s2 * rho * x1,
      b = s2 * r * h2;
    let sh = 0,
      sd = 0;
    for (let l = -n2; l <= n2; l++) {
      const tv = Math.tanh(a + b * l);
      sh += w2[l + n2] * tv;
      sd += w2[l + n2] * (1 - tv * tv);
    }
    hh += wk * tu * sh;
    dd += wk * du * sd;
  }
  const norm = h1 * h2 * INV_SQRT_2PI * INV_SQRT_2PI;
  return { hh: hh * norm, dd: dd * norm };
}

/** relu: E[relu(u) relu(v)] = sqrt(q1 q2)/(2 pi) (sin th + (pi - th) cos th), E[1{u>0} 1{v>0}] = (pi - th)/(2 pi), cos th = rho. */
function reluPair(q1: number, q2: number, c: number): GaussPair {
  const s = Math.sqrt(Math.max(q1, 0) * Math.max(q2, 0));
  // A zero variance: that pre-activation is 0, relu(0) = relu'(0) = 0 (ts/core/activations.ts).
  if (!(s > 0)) return { hh: 0, dd: 0 };
  const rho = Math.max(-1, Math.min(1, c / s));
  const th = Math.acos(rho);
  return { hh: (s / (2 * Math.PI)) * (Math.sin(th) + (Math.PI - th) * rho), dd: (Math.PI - th) / (2 * Math.PI) };
}

/** V_sigma and V_sigma' of `activation` at the covariance [[q1, c], [c, q2]]. */
export function gaussPair(activation: ActivationName, q1: number, q2: number, c: number): GaussPair {
  switch (activation) {
    case 'tanh':
      return tanhPair(q1, q2, c);
    case 'sigmoid': {
      // E[tanh(u/2)] = 0 (odd integrand, symmetric law), so only the product term survives.
      const t = tanhPair(q1 / 4, q2 / 4, c / 4);
      return { hh: 0.25 * (1 + t.hh), dd: t.dd / 16 };
    }
    case 'sin': {
      const e = Math.exp(-0.5 * (q1 + q2));
      return { hh: e * Math.sinh(c), dd: e * Math.cosh(c) };
    }
    case 'relu':
      return reluPair(q1, q2, c);
  }
}
