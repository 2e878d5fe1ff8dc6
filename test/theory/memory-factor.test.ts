/** The memory factor three ways (ts/theory/memory-factor.ts): bound, mean field, measured Lyapunov exponent. */
import { describe, expect, it } from 'vitest';
import { gaussPair } from '../../ts/backend/gauss-pair.js';
import { generateInputs } from '../../ts/data/inputs.js';
import { initialize } from '../../ts/train/init.js';
import { makeRng } from '../../ts/core/rng.js';
import { constants } from '../../ts/theory/constants.js';
import { criticalAlpha, inputVariance, lyapunovExponent, meanField } from '../../ts/theory/memory-factor.js';
import type { Dataset } from '../../ts/core/types.js';
import { randomData } from '../helpers.js';

/** The default input law: N(0, I_d) projected onto the unit ball. */
function gaussianInputs(n: number, T: number, d: number): Dataset {
  const X = generateInputs({ kind: 'gaussian', scale: 1 }, n, T, d, makeRng(1, 'memory-inputs'));
  return { n, T, d, X, Y: new Float64Array(n) };
}

describe('mean field', () => {
  it("q* solves q = alpha^2 E[sigma(sqrt(q) xi)^2] + q_in and chi = alpha^2 E[sigma'^2] at q*", () => {
    for (const act of ['tanh', 'sigmoid', 'sin'] as const) {
      const mf = meanField(act, 1.7, 0.8);
      const g = gaussPair(act, mf.qStar, mf.qStar, mf.qStar);
      expect(Math.abs(1.7 ** 2 * g.hh + 0.8 - mf.qStar)).toBeLessThan(1e-10);
      expect(mf.chi).toBeCloseTo(1.7 ** 2 * g.dd, 12);
      expect(mf.factor).toBeCloseTo(Math.sqrt(mf.chi), 14);
    }
    // relu in closed form: q* = q_in/(1 - alpha^2/2), chi = alpha^2/2, divergent beyond sqrt(2).
    expect(meanField('relu', 1, 0.5)).toMatchObject({ qStar: 1, chi: 0.5 });
    expect(meanField('relu', 1.5, 0.5).qStar).toBe(Infinity);
    expect(criticalAlpha('relu', 0.3)).toBeCloseTo(Math.SQRT2, 10);
  });
  it('tanh with input drive: the critical alpha (chi = 1) lies above 1 and grows with the drive', () => {
    const a1 = criticalAlpha('tanh', 0.2)!,
      a2 = criticalAlpha('tanh', 1)!;
    expect(a1).toBeGreaterThan(1.2);
    expect(a2).toBeGreaterThan(a1);
    expect(meanField('tanh', a2, 1).chi).toBeCloseTo(1, 9);
  });
  it('q_in is E||x_t||^2 of the data', () => {
    const data = randomData(3, 4, 2, 'final', 'qin');
    let s = 0;
    for (const x of data.X) s += x * x;
    expect(inputVariance(data)).toBeCloseTo(s / 12, 14);
  });
});

describe('the measured top Lyapunov exponent at Theta(0)', () => {
  it('dense m = 512 on Gaussian inputs: negative below the mean-field critical alpha, positive above; e^lambda ~ sqrt(chi)', () => {
    const data = gaussianInputs(3, 40, 4);
    const qIn = inputVariance(data);
    const ac = criticalAlpha('tanh', qIn)!;
    for (const [alpha, sign] of [
      [0.85 * ac, -1],
      [1.15 * ac, 1],
    ] as const) {
      const p = initialize({ recurrence: 'dense', activation: 'tanh', m: 512, d: 4, alpha }, { seed: 2 });
      const L = lyapunovExponent(p, data);
      expect(Math.sign(L.exponent)).toBe(sign);
      expect(Math.abs(L.factor - meanField('tanh', alpha, qIn).factor)).toBeLessThan(0.03);
    }
  });
  it('diagonal: never above the bound alpha sigma_1 max|w_i|; reported beside it by constants()', () => {
    const data = gaussianInputs(4, 12, 2);
    const p = initialize({ recurrence: 'diagonal', activation: 'tanh', m: 16, d: 2, alpha: 0.9 }, { seed: 3 });
    const r = constants(p, data);
    expect(r.memory.meanField).toBeNull();
    expect(r.memory.bound.a).toBeCloseTo(0.9 * Math.max(...Array.from(p.W0, Math.abs)), 14);
    expect(r.memory.measured!.factor).toBeLessThanOrEqual(r.memory.bound.a + 1e-12);
    expect(r.memory.bound.source).toMatch(/derived/);
    expect(r.memory.measured!.source).toMatch(/ours/);
  });
  it('constants() of a dense model labels all three; T = 1 has no measured factor', () => {
    const data = gaussianInputs(2, 6, 2);
    const p = initialize({ recurrence: 'dense', activation: 'tanh', m: 8, d: 2, alpha: 1.2 }, { seed: 1 });
    const r = constants(p, data, { hessian: { samples: 1 } });
    expect(r.memory.meanField!.source).toMatch(/Poole et al\. 2016; Schoenholz et al\. 2017; Chen, Pennington/);
    expect(r.memory.meanField!.criticalAlpha).toBeGreaterThan(1);
    expect(constants(p, gaussianInputs(2, 1, 2), { hessian: { samples: 1 } }).memory.measured).toBeNull();
  });
  it('refuses too short a sequence for the burn-in, naming the fix', () => {
    const p = initialize({ recurrence: 'dense', m: 4, d: 2, alpha: 1 }, { seed: 1 });
    expect(() => lyapunovExponent(p, gaussianInputs(1, 3, 2), { burnIn: 2 })).toThrow(/longer sequences/);
  });
});
