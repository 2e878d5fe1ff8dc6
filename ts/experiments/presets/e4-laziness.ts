/**
 * E4 — laziness. In the regime of the analysis the parameters move O(1) in total
 * (O(1/sqrt(m)) per neuron) and the tangent kernel barely changes, less as m grows.
 */
import { diagonal, distinct, num, okResults, summarizeWhere, transportData } from '../common.js';
import type { Analysis, Experiment, PointTemplate } from '../experiment.js';
import { fmt, pm, powerFit } from '../fit.js';
import { curveLayer, lineChart, samples } from '../plots.js';
import type { PointResult, Size } from '../types.js';

const GRID = {
  quick: { ms: [8, 16, 32, 64, 128, 256], n: 64, T: 8, steps: 500 },
  full: { ms: [8, 16, 32, 64, 128, 256, 512, 1024], n: 128, T: 10, steps: 2000 },
} as const;

export const E4: Experiment = {
  id: 'E4',
  title: 'Laziness: parameter movement and kernel drift against m',
  claim:
    'Training stays near the initialization: ||Theta(s) - Theta(0)|| stays O(1) (each neuron moves O(1/sqrt(m)), rho_s bounded) and the empirical NTK drifts less as the width grows, vanishing as m -> infinity. [paper: NTK-regime analysis]',
  defaultSeeds: { quick: 3, full: 5 },
  setting(size: Size) {
    const g = GRID[size];
    return (
      `Diagonal RNN (tanh, alpha = 0.5), T = ${g.T}, d = 2; class teacher (map 'mix'), n = ${g.n}, RMS 1. Full-batch GD, eta = 1, ${g.steps} steps. m in {${g.ms.join(', ')}}. ` +
      'Kernel drift = ||K(Theta(end)) - K(Theta(0))||_F / ||K(Theta(0))||_F for the empirical NTK on the training data.'
    );
  },
  configs(size: Size): PointTemplate[] {
    const g = GRID[size];
    return g.ms.map((m) => ({
      params: { m },
      model: diagonal(m, 0.5),
      data: transportData({ n: g.n, T: g.T, d: 2, alpha: 0.5 }),
      train: { eta: 1, steps: g.steps, recordEvery: 10 },
      measure: { ntk: true, curvePoints: 20 },
    }));
  },
  analyze(results: PointResult[]): Analysis {
    const ok = okResults(results);
    const ms = distinct(ok, 'm');
    const rows = ms.map((m) => {
      const sel = (r: PointResult) => num(r, 'm') === m;
      return {
        m,
        dist: summarizeWhere(ok, sel, 'distL2'),
        rho: summarizeWhere(ok, sel, 'rhoEffMax'),
        drift: summarizeWhere(ok, sel, 'ntkDrift'),
        risk: summarizeWhere(ok, sel, 'finalRel'),
      };
    });
    const driftFit = powerFit(
      rows.map((r) => r.m),
      rows.map((r) => r.drift.mean ?? Number.NaN),
    );
    const distFit = powerFit(
      rows.map((r) => r.m),
      rows.map((r) => r.dist.mean ?? Number.NaN),
    );
    let verdict: Analysis['verdict'];
    let reason: string;
    if (!driftFit || !distFit || driftFit.n < 3) {
      verdict = 'inconclusive';
      reason = 'too few widths with a measured kernel drift to fit.';
    } else {
      const driftHi = driftFit.p + 2 * (driftFit.pSE ?? 0);
      const desc = `kernel drift ~ m^${fmt(driftFit.p)} (± ${fmt(driftFit.pSE)}, R² log ${fmt(driftFit.r2Log)}), ||Theta(s) - Theta(0)|| ~ m^${fmt(distFit.p)} (± ${fmt(distFit.pSE)})`;
      if (driftFit.p <= -0.25 && driftHi < 0 && Math.abs(distFit.p) <= 0.35) {
        verdict = 'matches';
        reason = `The kernel drift falls with the width and the total movement stays O(1): ${desc} (lazy-training scaling would give drift ~ m^-0.5, movement ~ m^0).`;
      } else if (driftFit.p >= 0) {
        verdict = 'does not match';
        reason = `The kernel drift does not fall with the width: ${desc}.`;
      } else {
        verdict = 'inconclusive';
        reason = `${desc}: the drift falls, but not clearly, or the movement is not flat.`;
      }
    }
    const data = rows
      .flatMap((r) => [
        {
          m: r.m,
          value: r.drift.mean,
          lo: (r.drift.mean ?? 0) - (r.drift.std ?? 0),
          hi: (r.drift.mean ?? 0) + (r.drift.std ?? 0),
          quantity: 'kernel drift',
        },
        {
          m: r.m,
          value: r.dist.mean,
          lo: (r.dist.mean ?? 0) - (r.dist.std ?? 0),
          hi: (r.dist.mean ?? 0) + (r.dist.std ?? 0),
          quantity: '||Theta - Theta(0)||',
        },
        {
          m: r.m,
          value: r.rho.mean,
          lo: (r.rho.mean ?? 0) - (r.rho.std ?? 0),
          hi: (r.rho.mean ?? 0) + (r.rho.std ?? 0),
          quantity: 'max rho_s',
        },
      ])
      .filter((v) => v.value !== null && v.value > 0);
    const extra =
      driftFit && ms.length
        ? [
            curveLayer(
              samples(ms[0], ms[ms.length - 1], 30, true),
              (x) => driftFit.c * x ** driftFit.p,
              'm',
              'value',
              'drift fit',
              '#d62728',
            ),
          ]
        : [];
    return {
      verdict,
      reason,
      measured:
        'Per width (mean ± std over seeds): the total parameter movement ||Theta(end) - Theta(0)||_2, the largest effective radius rho_s over the run, the relative NTK drift, and the final risk. Power fits on log-log axes.',
      fits: [
        ...(driftFit
          ? [
              {
                name: 'kernel drift',
                formula: 'drift = c m^p',
                params: { c: driftFit.c, p: driftFit.p, pSE: driftFit.pSE },
                r2: driftFit.r2Log,
                n: driftFit.n,
                note: 'R² on log axes',
              },
            ]
          : []),
        ...(distFit
          ? [
              {
                name: 'movement',
                formula: '||Theta - Theta(0)|| = c m^p',
                params: { c: distFit.c, p: distFit.p, pSE: distFit.pSE },
                r2: distFit.r2Log,
                n: distFit.n,
                note: 'R² on log axes',
              },
            ]
          : []),
      ],
      tables: [
        {
          title: 'by width',
          columns: ['m', '||Theta - Theta(0)||', 'max rho_s', 'kernel drift', 'final risk / R0'],
          rows: rows.map((r) => [r.m, pm(r.dist), pm(r.rho), pm(r.drift), pm(r.risk)]),
        },
      ],
      plots: [
        {
          name: 'E4-lazy',
          title: 'movement and kernel drift against m',
          spec: lineChart({
            title: 'E4: laziness against width',
            data,
            x: 'm',
            y: 'value',
            color: 'quantity',
            xLog: true,
            yLog: true,
            xTitle: 'width m',
            yTitle: 'value',
            yLow: 'lo',
            yHigh: 'hi',
            extraLayers: extra,
          }),
        },
      ],
    };
  },
};
