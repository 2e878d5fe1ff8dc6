/** Reports from synthetic point results: no budget or grid bound printed as a measured value, stop reasons counted. */
import { describe, expect, it } from 'vitest';
import { getExperiment } from '../../../dist/experiments/index.js';
import type { PointResult } from '../../../dist/experiments/types.js';

type Stop = 'eps' | 'steps' | 'plateau' | 'diverged';

/** A finished point with just what the analyses read. */
function point(
  exp: string,
  params: Record<string, number>,
  seed: number,
  m: { stop: Stop; steps: number; stepsToEps?: number; bestRel: number },
  budget: number,
): PointResult {
  const reached = m.stop === 'eps';
  return {
    format: 'rnn-gd.point/1',
    index: 0,
    id: `${exp}/${Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join('/')}/seed=${seed}`,
    group: `${exp}/${Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join('/')}`,
    experiment: exp,
    params,
    seed,
    status: m.stop === 'diverged' ? 'diverged' : 'ok',
    metrics: {
      risk0: 0.5,
      finalRisk: 0.5 * m.bestRel,
      bestRisk: 0.5 * m.bestRel,
      bestRel: m.bestRel,
      finalRel: m.bestRel,
      finalTestRisk: null,
      avgRisk: 0.1,
      stepsToEps: reached ? (m.stepsToEps ?? m.steps) : null,
      reached,
      rhoEff: 1,
      rhoEffMax: 1,
      distL2: 1,
      wScale: 1,
      memoryFactor: 0.5,
      memoryFactorMax: 0.5,
      gradNorm0: 1,
      boundaryFraction: null,
      steps: m.steps,
      stopped: m.stop,
      rho: null,
      gradConst: 1 + params.T,
      hessConst: 1,
    },
    config: { train: { steps: budget }, model: { recurrence: 'diagonal' } } as unknown as PointResult['config'],
    run: { package: 'rnn-gd', version: '0', backend: 'ts', runtime: 'node' },
    timing: { wallMs: 1, finishedAt: '' },
  };
}

describe('E1 report from synthetic points', () => {
  it('prints m* as grid intervals, not interpolated values, and counts how the width below ended', () => {
    const rs: PointResult[] = [];
    for (const n of [32, 64, 128, 256, 512, 1024, 2048])
      for (let s = 0; s < 5; s++) {
        rs.push(point('E1', { n, m: 6 }, s, { stop: 'steps', steps: 1000, bestRel: 0.02 }, 1000));
        rs.push(point('E1', { n, m: 7 }, s, { stop: 'plateau', steps: 510, bestRel: 0.009 }, 1000));
        rs.push(point('E1', { n, m: 8 }, s, { stop: 'eps', steps: 300, bestRel: 0.00499 }, 1000));
      }
    const a = getExperiment('E1').analyze(rs, 'quick');
    const table = a.tables[0];
    expect(table.rows.every((r) => r[1] === '(6, 8] x5')).toBe(true);
    expect(table.rows[0][3]).toBe('5 plateau-stopped');
    expect(a.verdict).toBe('matches');
    expect(a.reason).toContain('No growth of m* detected');
    expect(JSON.stringify(a)).not.toMatch(/7\.9\d/);
  });

  it('reports per n the drift at m*, the budget as a multiple of the median steps to eps, and eps against the floor', () => {
    const rs: PointResult[] = [];
    for (const n of [64, 256, 1024])
      for (let s = 0; s < 5; s++) {
        rs.push(point('E1', { n, m: 64 }, s, { stop: 'steps', steps: 60000, bestRel: 4e-4 }, 60000));
        const at = point('E1', { n, m: 128 }, s, { stop: 'eps', steps: 6000, bestRel: 2.5e-4 }, 60000);
        Object.assign(at.metrics!, { drift: n === 1024 ? 0.08 : 0.03, oracleRel: 0.01 });
        rs.push(at);
      }
    const a = getExperiment('E1').analyze(rs, 'full');
    const regime = a.tables.find((t) => t.title.startsWith('the regime at m*'))!;
    expect(regime.rows.map((r) => r[0])).toEqual([64, 256, 1024]);
    expect(regime.rows[0].slice(1)).toEqual(['0.03 (5/5 lazy)', '6000', '10x', '0.025']);
    expect(regime.rows[2][1]).toBe('0.08 (0/5 lazy)');
    // The full design measures the floor and the drift at every width, at the pre-registered eps.
    expect(getExperiment('E1').setting('full')).toContain('eps = 0.00025');
    const full = getExperiment('E1').configs('full');
    expect(full.every((t) => t.measure.oracle === true && t.measure.eps === 2.5e-4)).toBe(true);
    expect(
      getExperiment('E1')
        .configs('quick')
        .some((t) => t.measure.oracle),
    ).toBe(false);
  });
});

describe('E1 in the lazy regime (maxDrift)', () => {
  /** Every width reaches the risk; only widths >= lazyWidth(n) do it with drift <= 0.05. */
  function lazyPoints(lazyWidth: (n: number) => number): PointResult[] {
    const ms = [16, 24, 32, 48, 64, 76, 90, 108, 128, 152, 180, 216, 256, 304, 362, 430, 512, 724, 1024];
    const rs: PointResult[] = [];
    for (const n of [64, 128, 256, 512, 1024, 2048])
      for (let s = 0; s < 10; s++)
        for (const m of ms) {
          const r = point('E1', { n, m }, s, { stop: 'eps', steps: 5000, bestRel: 2.5e-4 }, 150000);
          const lazy = m >= lazyWidth(n) * (1 + 0.03 * s);
          Object.assign(r.metrics!, { reached: lazy, reachedRisk: true, drift: lazy ? 0.04 : 0.2 });
          r.config.measure = { eps: 2.5e-4, maxDrift: 0.05 };
          rs.push(r);
        }
    return rs;
  }

  it('reads m* at the first lazy width: flat matches, growth like n^0.6 does not, though every run reached eps', () => {
    const flat = getExperiment('E1').analyze(
      lazyPoints(() => 100),
      'full',
    );
    expect(flat.verdict).toBe('matches');
    expect(flat.measured).toContain('kernel drift at eps is <= 0.05 as well');
    expect(flat.tables[0].rows[0][3]).toBe('10 reached eps not lazy');
    expect(flat.reason).not.toContain('Not in the lazy regime');
    const growing = getExperiment('E1').analyze(
      lazyPoints((n) => 4 * n ** 0.6),
      'full',
    );
    expect(growing.verdict).toBe('does not match');
    // The drift crossing (interpolated between the bracketing widths) reads the same laws over all n.
    const crossing = (a: typeof flat) => a.fits.find((f) => f.name.startsWith('drift crossing'))!.params.p as number;
    expect(Math.abs(crossing(flat))).toBeLessThan(0.1);
    expect(crossing(growing)).toBeGreaterThan(0.45);
    expect(crossing(growing)).toBeLessThan(0.75);
  });

  it('the full plan asks every point for drift <= 0.05 at eps, with 10 seeds; the quick demo does not', () => {
    const E1 = getExperiment('E1');
    expect(E1.configs('full').every((t) => t.measure.maxDrift === 0.05)).toBe(true);
    expect(E1.defaultSeeds.full).toBe(10);
    expect(E1.configs('quick').some((t) => t.measure.maxDrift !== undefined)).toBe(false);
  });
});

describe('E2 report from synthetic points', () => {
  it('says a plateau-stopped run stopped at 510, never "> budget", and does not count it as a blow-up', () => {
    const rs: PointResult[] = [];
    for (const alpha of [0.5, 2])
      for (const T of [2, 4, 8, 16])
        for (let s = 0; s < 5; s++) {
          const long = alpha === 2 && T >= 4;
          rs.push(
            point(
              'E2',
              { alpha, T, m: 32 },
              s,
              long
                ? { stop: 'plateau', steps: 510, bestRel: 0.3 }
                : { stop: 'eps', steps: 50 + 10 * s, bestRel: 0.0099 },
              5000,
            ),
          );
        }
    const a = getExperiment('E2').analyze(rs, 'quick');
    const text = JSON.stringify(a.tables);
    expect(text).toContain('stopped at 510 by the plateau rule');
    expect(text).not.toContain('> 5000');
    expect(a.verdict).toBe('inconclusive');
    expect(a.reason).toContain('eps reached at 1 T value(s) only');
  });
});

describe('run bookkeeping', () => {
  it('flags a budget under 10x the median steps to eps, and reports the regime (lazy runs, eta L_T^2)', async () => {
    const { budgetFlag, regimeNote, stepsObservation } = await import('../../../dist/experiments/runs.js');
    const reached = (steps: number, budget: number) =>
      point('E2', { alpha: 0.5, T: 4, m: 32 }, 0, { stop: 'eps', steps, bestRel: 0.009 }, budget);
    expect(budgetFlag([reached(300, 2000), reached(400, 2000)])).toContain('shorter than 10x');
    expect(budgetFlag([reached(100, 2000), reached(150, 2000)])).toBeNull();
    const withRegime = [0.02, 0.3].map((drift) => {
      const r = reached(100, 2000);
      Object.assign(r.metrics!, { drift, gradConst: 2 });
      (r.config as unknown as { train: { eta: number } }).train.eta = 1;
      return r;
    });
    const note = regimeNote(withRegime, 'm = 32');
    expect(note).toContain('1 of 2 runs lazy');
    expect(note).toContain('eta L_T^2 median 4'); // eta 1 x L_T 2 squared, from the measured constant
    const diverged = point('E2', { alpha: 2, T: 4, m: 32 }, 0, { stop: 'diverged', steps: 70, bestRel: 0.5 }, 2000);
    expect(stepsObservation(diverged)).toEqual({ steps: 70, censored: true, text: 'diverged by step 70' });
  });

  it('flags a verdict read where most runs are not lazy (E1 and E7 at m*), and not where most are', async () => {
    const { lazyFlag } = await import('../../../dist/experiments/runs.js');
    const at = (drifts: number[]) =>
      drifts.map((drift) => {
        const r = point('E1', { n: 512, m: 24 }, 0, { stop: 'eps', steps: 100, bestRel: 0.009 }, 2000);
        Object.assign(r.metrics!, { drift });
        return r;
      });
    expect(lazyFlag(at([0.2, 0.25, 0.01]), 'm*')).toContain('Not in the lazy regime: at m* 1 of 3 runs');
    expect(lazyFlag(at([0.02, 0.03, 0.2]), 'm*')).toBeNull();
    expect(
      lazyFlag([point('E1', { n: 512, m: 24 }, 0, { stop: 'eps', steps: 100, bestRel: 0.009 }, 2000)], 'm*'),
    ).toBeNull();
  });
});

describe('numbers in reports', () => {
  it('prints integers exactly (n = 16384, not 16380) and other values to 4 significant digits', async () => {
    const { fmt } = await import('../../../dist/experiments/fit.js');
    expect(fmt(16384)).toBe('16384');
    expect(fmt(5000)).toBe('5000');
    expect(fmt(7.98712)).toBe('7.987');
  });
});

describe('E11 report from synthetic points', () => {
  it('reads every target (string parameters) and judges eta tau and m* against the estimated norm', () => {
    const rs: PointResult[] = [];
    const targets = [
      { target: 'class: a', inClass: true, q: 1 },
      { target: 'class: b', inClass: true, q: 4 },
      { target: 'class: c', inClass: true, q: 16 },
      { target: 'out: x', inClass: false, q: 2 },
      { target: 'out: y', inClass: false, q: 8 },
    ];
    const ref = 32;
    for (const t of targets)
      for (let s = 0; s < 5; s++) {
        const q = t.q * (1 + 0.03 * s);
        // eta tau = 20 q (the class law) for every target, eta = 0.1, a seed-level wobble; read at the reference width.
        const steps = Math.round((200 * t.q * (1 + 0.05 * (s - 2))) / 10) * 10;
        const r = point('E11', {}, s, { stop: 'eps', steps, bestRel: 0.09 }, 100000);
        r.params = { target: t.target, inClass: t.inClass, m: ref };
        Object.assign(r.metrics!, { rkhsNorm: q, eta: 0.1, stepsToEpsTimesEta: 0.1 * steps });
        rs.push(r);
        // The width search: m* = 2 q (the same law in and out of the class), the norm only at the reference.
        for (const m of [2, 4, 8, 16, 64]) {
          const reached = m >= 2 * q;
          const w = point(
            'E11',
            {},
            s,
            reached ? { stop: 'eps', steps: 300, bestRel: 0.09 } : { stop: 'steps', steps: 20000, bestRel: 0.3 },
            20000,
          );
          w.params = { target: t.target, inClass: t.inClass, m };
          rs.push(w);
        }
      }
    const a = getExperiment('E11').analyze(rs, 'quick');
    expect(a.tables[0].rows).toHaveLength(5);
    expect(a.reason).toContain('reached eps: 15 class and 10 out-of-class of 25');
    expect(a.reason).toContain('m* bounded (a width reached eps): 15 class and 10 out-of-class of 25');
    expect(a.verdict, a.reason).toBe('matches');
    // the m* column: q = 4 (class b) needs 8 < m* <= 16 at every seed but the last (q = 4.48: 16 < m* <= 32)
    expect(a.tables[0].rows.find((row) => row[0] === 'class: b')!.at(-1)).toMatch(/\(4, 8\]|\(8, 16\]/);
  });
});
