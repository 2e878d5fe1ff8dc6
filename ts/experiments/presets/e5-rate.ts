/**
 * E5 — optimization rate. The bound: (1/tau) sum_{s<tau} R(Theta(s)) <= 2 nu^2 / (eta tau) + floor,
 * i.e. the running-average risk falls like 1/tau (slope -1 on log-log axes) until the floor.
 */
import { diagonal, distinct, num, okResults, transportData } from '../common.js';
import type { Analysis, Experiment, Fit, PointTemplate } from '../experiment.js';
import { fmt, linearFit, mean, std, summary } from '../fit.js';
import { lineChart } from '../plots.js';
import type { PointResult, Size } from '../types.js';

const GRID = {
  quick: { etas: [0.25, 0.5, 1], m: 64, n: 256, T: 8, steps: 2000 },
  full: { etas: [0.125, 0.25, 0.5, 1, 2], m: 128, n: 512, T: 10, steps: 5000 },
} as const;

/** Slope of log avgRisk against log tau over tau >= 10 while avgRisk > 3 * (final risk): the optimization phase. */
function rateSlope(r: PointResult) {
  const curve = (r.curve ?? []).filter((c) => c.step >= 10 && c.avgRisk > 0);
  const floor = r.metrics?.finalRisk ?? 0;
  const phase = curve.filter((c) => c.avgRisk > 3 * floor);
  const f = linearFit(
    phase.map((c) => Math.log(c.step)),
    phase.map((c) => Math.log(c.avgRisk)),
  );
  return f && f.n >= 4
    ? { slope: f.slope, r2: f.r2, n: f.n, from: phase[0].step, to: phase[phase.length - 1].step }
    : null;
}

export const E5: Experiment = {
  id: 'E5',
  title: 'Optimization rate: running-average risk against tau',
  claim:
    'The running-average risk (1/tau) sum_{s<tau} R(Theta(s)) is at most 2 nu^2/(eta tau) plus the approximation and linearization terms: a 1/tau decay (slope -1 on log-log axes) until the floor, with a constant proportional to 1/eta. [paper: rate; derived: the constants]',
  defaultSeeds: { quick: 3, full: 5 },
  setting(size: Size) {
    const g = GRID[size];
    return `Diagonal RNN (tanh, alpha = 0.5), m = ${g.m}, T = ${g.T}, d = 2; class teacher (map 'mix'), n = ${g.n}, RMS 1. Full-batch GD for ${g.steps} steps with eta in {${g.etas.join(', ')}}; records every 5 steps.`;
  },
  configs(size: Size): PointTemplate[] {
    const g = GRID[size];
    return g.etas.map((eta) => ({
      params: { eta },
      model: diagonal(g.m, 0.5),
      data: transportData({ n: g.n, T: g.T, d: 2, alpha: 0.5 }),
      train: { eta, steps: g.steps, recordEvery: 5 },
      measure: { curvePoints: 80 },
    }));
  },
  analyze(results: PointResult[]): Analysis {
    const ok = okResults(results);
    const etas = distinct(ok, 'eta');
    const fits: Fit[] = [];
    const rows: (string | number | null)[][] = [];
    const slopes: number[] = [];
    for (const eta of etas) {
      const rs = ok.filter((r) => num(r, 'eta') === eta);
      const per = rs.map(rateSlope).filter((x): x is NonNullable<typeof x> => x !== null);
      const s = per.map((p) => p.slope);
      slopes.push(...s);
      // eta * tau * avgRisk at tau = 100: the bound says <= 2 nu^2 (a constant in eta) in the optimization phase.
      const c100 = summary(
        rs.map((r) => {
          const c = (r.curve ?? []).find((q) => q.step >= 100);
          return c ? eta * c.step * c.avgRisk : null;
        }),
      );
      fits.push({
        name: `eta = ${eta}`,
        formula: 'log avgRisk = a + slope log tau',
        params: { slope: s.length ? mean(s) : null, slopeStd: s.length ? std(s) : null },
        r2: per.length ? mean(per.map((p) => p.r2 ?? 0)) : null,
        n: per.length,
        note: per.length ? `tau in [${per[0].from}, ${per[0].to}] (seed 0)` : 'no optimization phase',
      });
      rows.push([
        eta,
        s.length ? `${fmt(mean(s))} ± ${fmt(std(s), 2)}` : '–',
        c100.mean,
        summary(rs.map((r) => r.metrics?.finalRisk)).mean,
      ]);
    }
    let verdict: Analysis['verdict'];
    let reason: string;
    if (!slopes.length) {
      verdict = 'inconclusive';
      reason = 'no run has an optimization phase (avgRisk > 3x the final risk) of at least 4 records.';
    } else {
      const ms = mean(slopes);
      const desc = `fitted slopes ${slopes.map((x) => fmt(x, 3)).join(', ')} (mean ${fmt(ms)})`;
      if (ms <= -0.8) {
        verdict = 'matches';
        reason = `The running-average risk falls like 1/tau (or faster towards the -1 limit of an average) in the optimization phase: ${desc}.`;
      } else if (ms > -0.5) {
        verdict = 'does not match';
        reason = `The running-average risk falls more slowly than 1/tau: ${desc}.`;
      } else {
        verdict = 'inconclusive';
        reason = `${desc}: between -0.8 and -0.5, slower than 1/tau but decaying.`;
      }
    }
    const curves = ok
      .filter((r) => r.seed === 0)
      .flatMap((r) =>
        (r.curve ?? [])
          .filter((c) => c.step > 0)
          .map((c) => ({ tau: c.step, avgRisk: c.avgRisk, risk: c.risk, eta: num(r, 'eta') })),
      );
    return {
      verdict,
      reason,
      measured:
        'The running average (1/tau) sum_{s<tau} R(Theta(s)) at log-spaced tau; per run, a least-squares slope of log avgRisk on log tau over tau >= 10 while the average is above 3x the final risk (the optimization phase, before the floor). eta * tau * avgRisk at tau = 100 compares the constant across step sizes.',
      fits,
      tables: [
        {
          title: 'by step size',
          columns: ['eta', 'slope (mean ± std)', 'eta * tau * avgRisk at tau = 100', 'final risk'],
          rows,
        },
      ],
      plots: [
        {
          name: 'E5-rate',
          title: 'running-average risk against tau (log-log)',
          spec: lineChart({
            title: 'E5: running-average risk (seed 0)',
            data: curves,
            x: 'tau',
            y: 'avgRisk',
            color: 'eta',
            xLog: true,
            yLog: true,
            xTitle: 'iterations tau',
            yTitle: '(1/tau) sum R(Theta(s))',
            colorType: 'ordinal',
          }),
        },
      ],
      notes: [
        'An average of a non-negative decreasing sequence cannot fall faster than 1/tau (slope >= -1); a slope near -1 means the risk itself dropped fast.',
      ],
    };
  },
};
