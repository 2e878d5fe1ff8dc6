/**
 * Tests of the (derived) bound calculator: every number is recomputed here independently,
 * with explicit loops instead of closed forms, from the formulas of docs/spec/model.md section 8.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { CLI as cli } from '../support/paths.js';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerBounds } from '../../ts/cli/commands/bounds.js';
import { bounds, regimeOf, seriesS, type BoundsInput, type BoundsResult } from '../../ts/theory/bounds.js';
import { memoryFactor } from '../../ts/core/types.js';
import { BoundsInputError } from '../../ts/core/errors.js';

const SIGMA = {
  tanh: [1, 1, 4 / (3 * Math.sqrt(3))],
  sigmoid: [1, 0.25, 1 / (6 * Math.sqrt(3))],
  sin: [1, 1, 1],
} as const;

/** sum_{k<T} a^k by repeated multiplication. */
function loopS(a: number, T: number): number {
  let s = 0;
  let p = 1;
  for (let k = 0; k < T; k++) {
    s += p;
    p *= a;
  }
  return s;
}

/** The whole section-8 calculation, written out again by hand. */
function reference(inp: BoundsInput) {
  const [s0, s1, s2] = SIGMA[(inp.activation ?? 'tanh') as keyof typeof SIGMA];
  const { alpha, T, m, n } = inp;
  const nuW = inp.nuW ?? 1,
    nuU = inp.nuU ?? 1,
    delta = inp.delta ?? 0.05,
    w0 = inp.wBar0 ?? 1;
  const nu2 = nuW * nuW + nuU * nuU;
  const nu = Math.sqrt(nu2);
  const rho = inp.rho ?? nu;
  const a0 = alpha * s1 * w0;
  const a = alpha * s1 * (w0 + rho / Math.sqrt(m));
  const ST = loopS(a, T);
  const Lw = alpha * s0 * s1 * loopS(a, T - 1);
  const Lu = s1 * ST;
  const LT = s1 * (1 + alpha * s0) * ST;
  const beta = (1 + alpha * s0) * ST * ST * (s2 * (1 + alpha * s0) * ST + 2 * alpha * s1 * s1);
  const G = nuW * alpha * s0 * s1 * loopS(a0, T - 1) + nuU * s1 * loopS(a0, T);
  const etaMax = 1 / (4 * LT * LT);
  const eta = inp.eta ?? etaMax;
  const A = 16 * G * G * Math.log((2 * n) / delta);
  const B = beta * beta * (nu2 * nu2 + Math.pow(rho + nu, 4));
  const opt = inp.tau !== undefined ? (2 * nu2) / (eta * inp.tau) : 0;
  return {
    a0,
    a,
    alphaCritical: 1 / (s1 * (w0 + rho / Math.sqrt(m))),
    S_T: ST,
    L_w: Lw,
    L_u: Lu,
    L_T: LT,
    beta_T: beta,
    G,
    etaMax,
    opt,
    approx: A / m,
    lin: B / m,
    total: opt + A / m + B / m,
    mRequired: inp.eps !== undefined ? (2 * (A + B)) / inp.eps : undefined,
    tauRequired: inp.eps !== undefined ? (4 * nu2) / (eta * inp.eps) : undefined,
  };
}

function expectClose(got: number | undefined, want: number | undefined, rel = 1e-12): void {
  expect(got).toBeTypeOf('number');
  expect(want).toBeTypeOf('number');
  expect(Math.abs(got! - want!)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want!)));
}

function expectMatchesReference(r: BoundsResult, inp: BoundsInput): void {
  const ref = reference(inp);
  for (const k of ['a0', 'a', 'alphaCritical', 'S_T', 'L_w', 'L_u', 'L_T', 'beta_T', 'G', 'etaMax'] as const) {
    expectClose(r[k], ref[k]);
  }
  if (inp.tau !== undefined) expectClose(r.terms.optimization, ref.opt);
  expectClose(r.terms.approximation, ref.approx);
  expectClose(r.terms.linearization, ref.lin);
  expectClose(r.terms.total, ref.total);
  if (inp.eps !== undefined) {
    expectClose(r.mRequired, ref.mRequired);
    expectClose(r.tauRequired, ref.tauRequired);
  }
}

describe('seriesS / regimeOf / memoryFactor', () => {
  it('matches the explicit sum, including S_0 = 0 and a = 0', () => {
    for (const a of [0, 0.3, 0.9, 1, 1.1, 2]) {
      for (const T of [0, 1, 2, 7, 30]) expectClose(seriesS(a, T), loopS(a, T), 1e-13);
    }
    expect(seriesS(1, 17)).toBe(17);
  });

  it('stays accurate next to a = 1, where (1 - a^T)/(1 - a) cancels', () => {
    for (const a of [1 - 1e-7, 1 + 1e-7, 1 + 1e-12, 1 - 1e-15]) {
      expectClose(seriesS(a, 50), loopS(a, 50), 1e-13);
    }
    // first-order expansion: S_T(1 + x) ~ T + x T(T-1)/2
    const x = 1e-12;
    expectClose(seriesS(1 + x, 100), 100 + (x * 100 * 99) / 2, 1e-14);
  });

  it('classifies the regimes with a 1e-9 tolerance and computes a = alpha sigma_1 w_bar', () => {
    expect(regimeOf(0.5)).toBe('short');
    expect(regimeOf(1)).toBe('critical');
    expect(regimeOf(1 + 5e-10)).toBe('critical');
    expect(regimeOf(1 - 5e-10)).toBe('critical');
    expect(regimeOf(1 + 1e-8)).toBe('long');
    expect(regimeOf(1.5)).toBe('long');
    expect(memoryFactor(4, 0.25, 1)).toBe(1);
  });

  it('rejects a non-integer or negative T', () => {
    expect(() => seriesS(0.5, 2.5)).toThrow(/T/);
    expect(() => seriesS(0.5, -1)).toThrow(/T/);
  });
});

describe('bounds: hand-computed values in each regime', () => {
  const cases: Array<[string, BoundsInput, BoundsResult['regime']]> = [
    ['tanh alpha=0.5 (short)', { alpha: 0.5, T: 20, m: 256, n: 1000, tau: 1000, eps: 0.1 }, 'short'],
    ['tanh alpha=1, rho=0 (critical, a = 1 exactly)', { alpha: 1, T: 10, m: 64, n: 500, rho: 0, eps: 0.5 }, 'critical'],
    ['tanh alpha=1.5 (long)', { alpha: 1.5, T: 12, m: 1024, n: 100, tau: 50, nuW: 0.5, nuU: 2 }, 'long'],
    [
      'sigmoid alpha=4, rho=0 (critical)',
      { activation: 'sigmoid', alpha: 4, T: 8, m: 32, n: 10, rho: 0, tau: 10, eps: 1 },
      'critical',
    ],
    [
      'sin with eta, delta, wBar0 given',
      {
        activation: 'sin',
        alpha: 0.3,
        T: 5,
        m: 100,
        n: 7,
        delta: 0.01,
        eta: 1e-3,
        wBar0: 0.8,
        rho: 3,
        tau: 200,
        eps: 0.2,
      },
      'short',
    ],
  ];

  for (const [name, inp, regime] of cases) {
    it(name, () => {
      const r = bounds(inp);
      expect(r.regime).toBe(regime);
      expect(r.derived).toBe(true);
      expectMatchesReference(r, inp);
    });
  }

  it('critical case: S_T = T exactly and a0 = a = 1', () => {
    const r = bounds({ alpha: 1, T: 10, m: 64, n: 500, rho: 0 });
    expect(r.a).toBe(1);
    expect(r.a0).toBe(1);
    expect(r.S_T).toBe(10);
    expect(r.L_w).toBe(9); // alpha sigma0 sigma1 S_9(1)
    expect(r.alphaCritical).toBe(1);
  });

  it('the short-memory example of docs/theory.md, spelled out', () => {
    const r = bounds({ alpha: 0.5, T: 20, m: 256, n: 1000, tau: 1000, eps: 0.1 });
    const w = 1 + Math.SQRT2 / 16; // w_bar0 + rho/sqrt(m) with rho = nu = sqrt(2)
    expectClose(r.a, 0.5 * w);
    expectClose(r.alphaCritical, 1 / w);
    expectClose(r.S_T, (1 - Math.pow(0.5 * w, 20)) / (1 - 0.5 * w));
    expect(r.inputs.rho).toBe(Math.SQRT2);
    expect(r.inputs.eta).toBe(r.etaMax);
  });
});

describe('bounds: output shape', () => {
  it('has exactly the documented keys; optional ones only when their inputs are given', () => {
    const bare = bounds({ alpha: 0.5, T: 5, m: 16, n: 10 });
    expect(Object.keys(bare)).toEqual([
      'activation',
      'sigma0',
      'sigma1',
      'sigma2',
      'a0',
      'a',
      'regime',
      'alphaCritical',
      'S_T',
      'L_w',
      'L_u',
      'L_T',
      'beta_T',
      'G',
      'etaMax',
      'terms',
      'inputs',
      'derived',
    ]);
    expect(Object.keys(bare.terms)).toEqual(['approximation', 'linearization', 'total']);
    expect(Object.keys(bare.inputs)).toEqual([
      'alpha',
      'T',
      'm',
      'n',
      'd',
      'delta',
      'rho',
      'nuW',
      'nuU',
      'eta',
      'wBar0',
    ]);
    expect(bare.inputs).toMatchObject({ d: 1, delta: 0.05, nuW: 1, nuU: 1, wBar0: 1 });
    expect(bare.activation).toBe('tanh');

    const full = bounds({ alpha: 0.5, T: 5, m: 16, n: 10, tau: 100, eps: 0.1 });
    expect(Object.keys(full.terms)).toEqual(['optimization', 'approximation', 'linearization', 'total']);
    expect(full.mRequired).toBeTypeOf('number');
    expect(full.tauRequired).toBeTypeOf('number');
    expect(full.inputs.tau).toBe(100);
    expect(full.inputs.eps).toBe(0.1);

    const onlyTau = bounds({ alpha: 0.5, T: 5, m: 16, n: 10, tau: 100 });
    expect('mRequired' in onlyTau).toBe(false);
    expect('tauRequired' in onlyTau).toBe(false);
    const onlyEps = bounds({ alpha: 0.5, T: 5, m: 16, n: 10, eps: 0.1 });
    expect('optimization' in onlyEps.terms).toBe(false);
  });

  it('survives a JSON round trip unchanged (no NaN or Infinity)', () => {
    const r = bounds({ alpha: 1.5, T: 30, m: 64, n: 10, tau: 5, eps: 1 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe("bounds: growth claims (the paper's, checked on our constants)", () => {
  const base = { alpha: 0.5, T: 20, m: 256, eps: 0.1 };

  it('mRequired grows like log n: the increment is 32 G^2 log(n2/n1) / eps', () => {
    const ns = [10, 100, 1000, 1e6];
    const rs = ns.map((n) => bounds({ ...base, n }));
    const G = rs[0]!.G;
    for (let i = 1; i < ns.length; i++) {
      const inc = rs[i]!.mRequired! - rs[0]!.mRequired!;
      expectClose(inc, (32 * G * G * Math.log(ns[i]! / ns[0]!)) / base.eps, 1e-9);
    }
  });

  it('tauRequired does not depend on n', () => {
    const t1 = bounds({ ...base, n: 10 }).tauRequired;
    const t2 = bounds({ ...base, n: 1e7 }).tauRequired;
    expect(t2).toBe(t1);
  });

  it('in T: flat for a < 1, polynomial at a = 1, exponential for a > 1', () => {
    const mReq = (alpha: number, T: number) => bounds({ alpha, T, m: 256, n: 100, rho: 0, eps: 0.1 }).mRequired!;
    // short: saturates
    expectClose(mReq(0.5, 400), mReq(0.5, 200), 1e-12);
    // critical: S_T = T, so beta_T^2 ~ T^6 dominates; doubling T multiplies by at most 2^6
    const ratio = mReq(1, 400) / mReq(1, 200);
    expect(ratio).toBeGreaterThan(2 ** 5);
    expect(ratio).toBeLessThanOrEqual(2 ** 6 + 1e-9);
    // long: log mRequired grows linearly in T, at rate ~ 6 log a
    const slope = (Math.log(mReq(1.5, 200)) - Math.log(mReq(1.5, 100))) / 100;
    expectClose(slope, 6 * Math.log(1.5), 1e-3);
  });
});

describe('bounds: validation and errors', () => {
  const ok = { alpha: 0.5, T: 5, m: 16, n: 10 };
  const fieldOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof BoundsInputError) return e.field;
      throw e;
    }
    throw new Error('did not throw');
  };

  it('refuses relu as outside the theory', () => {
    expect(() => bounds({ ...ok, activation: 'relu' })).toThrow(/relu.*outside the theory/);
    expect(fieldOf(() => bounds({ ...ok, activation: 'relu' }))).toBe('activation');
    expect(fieldOf(() => bounds({ ...ok, activation: 'gelu' }))).toBe('activation');
  });

  it('names the bad field', () => {
    expect(fieldOf(() => bounds({ ...ok, delta: 1 }))).toBe('delta');
    expect(fieldOf(() => bounds({ ...ok, delta: 0 }))).toBe('delta');
    expect(fieldOf(() => bounds({ ...ok, T: 2.5 }))).toBe('T');
    expect(fieldOf(() => bounds({ ...ok, T: 0 }))).toBe('T');
    expect(fieldOf(() => bounds({ ...ok, m: 1.5 }))).toBe('m');
    expect(fieldOf(() => bounds({ ...ok, n: -3 }))).toBe('n');
    expect(fieldOf(() => bounds({ ...ok, d: 0 }))).toBe('d');
    expect(fieldOf(() => bounds({ ...ok, alpha: -1 }))).toBe('alpha');
    expect(fieldOf(() => bounds({ ...ok, alpha: Infinity }))).toBe('alpha');
    expect(fieldOf(() => bounds({ ...ok, rho: NaN }))).toBe('rho');
    expect(fieldOf(() => bounds({ ...ok, nuW: -0.1 }))).toBe('nuW');
    expect(fieldOf(() => bounds({ ...ok, nuU: Infinity }))).toBe('nuU');
    expect(fieldOf(() => bounds({ ...ok, eta: 0 }))).toBe('eta');
    expect(fieldOf(() => bounds({ ...ok, tau: -5 }))).toBe('tau');
    expect(fieldOf(() => bounds({ ...ok, eps: 0 }))).toBe('eps');
    expect(fieldOf(() => bounds({ ...ok, wBar0: 0 }))).toBe('wBar0');
    expect(() => bounds({ ...ok, delta: 1.5 })).toThrow(/delta/);
    expect(() => bounds({ ...ok, T: 2.5 })).toThrow(/T.*positive integer/);
  });

  it('says why when the long regime overflows float64', () => {
    expect(() => bounds({ alpha: 1.5, T: 100_000, m: 256, n: 10 })).toThrow(/long regime.*float64/);
  });
});

describe('CLI: registerBounds (in process)', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(args: string[]): Promise<string> {
    const program = new Command('rnn-gd').exitOverride().configureOutput({ writeErr: () => {} });
    registerBounds(program);
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    await program.parseAsync(args, { from: 'user' });
    return out;
  }

  it('prints the same JSON as bounds(), with 2-space indent', async () => {
    const out = await run([
      'bounds',
      '--alpha',
      '0.5',
      '--T',
      '20',
      '--m',
      '256',
      '--n',
      '1000',
      '--tau',
      '1000',
      '--eps',
      '0.1',
    ]);
    expect(out).toBe(
      JSON.stringify(bounds({ alpha: 0.5, T: 20, m: 256, n: 1000, tau: 1000, eps: 0.1 }), null, 2) + '\n',
    );
  });

  it('maps every option', async () => {
    const out = await run([
      'bounds',
      '--activation',
      'sin',
      '--alpha',
      '0.3',
      '--T',
      '5',
      '--m',
      '100',
      '--n',
      '7',
      '--d',
      '3',
      '--delta',
      '0.01',
      '--rho',
      '3',
      '--nu-w',
      '0.5',
      '--nu-u',
      '2',
      '--eta',
      '0.001',
      '--tau',
      '200',
      '--eps',
      '0.2',
      '--w-bar0',
      '0.8',
    ]);
    expect(JSON.parse(out).inputs).toEqual({
      alpha: 0.3,
      T: 5,
      m: 100,
      n: 7,
      d: 3,
      delta: 0.01,
      rho: 3,
      nuW: 0.5,
      nuU: 2,
      eta: 0.001,
      tau: 200,
      eps: 0.2,
      wBar0: 0.8,
    });
    expect(JSON.parse(out).activation).toBe('sin');
  });

  it('names the option in errors', async () => {
    const base = ['bounds', '--alpha', '0.5', '--T', '5', '--m', '16', '--n', '10'];
    await expect(run([...base, '--nu-w', '-1'])).rejects.toThrow(/--nu-w/);
    await expect(run([...base, '--w-bar0', 'x'])).rejects.toThrow(/--w-bar0/);
    await expect(run([...base, '--delta', '2'])).rejects.toThrow(/--delta/);
    await expect(run(['bounds', '--alpha', '0.5', '--T', '5', '--m', '16'])).rejects.toThrow(/--n/);
  });
});

describe('CLI: built binary', () => {
  // built by `npm run build:ts`; skipped when absent (the in-process tests above still run)

  it('prints JSON on stdout', () => {
    const out = execFileSync(
      process.execPath,
      [cli, 'bounds', '--alpha', '0.5', '--T', '20', '--m', '256', '--n', '1000', '--tau', '1000', '--eps', '0.1'],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out) as BoundsResult;
    expect(r.regime).toBe('short');
    expect(r.derived).toBe(true);
    expectMatchesReference(r, { alpha: 0.5, T: 20, m: 256, n: 1000, tau: 1000, eps: 0.1 });
  });

  it('exits non-zero with a message naming the problem', () => {
    const relu = spawnSync(
      process.execPath,
      [cli, 'bounds', '--activation', 'relu', '--alpha', '1', '--T', '5', '--m', '16', '--n', '10'],
      { encoding: 'utf8' },
    );
    expect(relu.status).not.toBe(0);
    expect(relu.stderr).toMatch(/--activation.*relu/);
    expect(relu.stdout).toBe('');
    const missing = spawnSync(process.execPath, [cli, 'bounds', '--alpha', '1', '--T', '5', '--m', '16'], {
      encoding: 'utf8',
    });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/--n/);
  });
});
