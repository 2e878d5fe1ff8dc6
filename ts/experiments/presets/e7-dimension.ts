/**
 * E7 — the input dimension d. With ||x_t|| <= 1 none of the bound's constants depends on d
 * [derived], so the width and iterations needed should not grow with d.
 */
import { diagonal, distinct, num, okResults, summarizeWhere, transportData, widthNeeded } from '../common.js';
import type { Analysis, Experiment, PointTemplate } from '../experiment.js';
import { fmt, pm, powerFit, summary } from '../fit.js';
import { lineChart } from '../plots.js';
import type { PointResult, Size } from '../types.js';

const EPS = 0.05;
const M_REF = 64;
const GRID = {
  quick: { ds: [1, 2, 4, 8, 16, 32], ms: [4, 8, 16, 32, 64], n: 256, T: 8, steps: 1000 },
  full: { ds: [1, 2, 4, 8, 16, 32, 64, 128], ms: [4, 8, 16, 32, 64, 128, 256], n: 512, T: 10, steps: 3000 },
} as const;

export const E7: Experiment = {
  id: 'E7',
  title: 'Input dimension d',
  claim:
    "With inputs in the unit ball (||x_t|| <= 1) the bound's constants (L_T, beta_T, G) do not depend on d, so the width and iterations needed to reach a given risk should not grow with d. [derived from the paper's bound; the paper states its results for general d]",
  defaultSeeds: { quick: 2, full: 3 },
  setting(size: Size) {
    const g = GRID[size];
    return `Diagonal RNN (tanh, alpha = 0.5), T = ${g.T}; class teacher (map 'mix') in dimension d, inputs N(0, I_d) projected onto the unit ball, n = ${g.n}, RMS 1. GD, eta = 1, up to ${g.steps} steps, eps = ${EPS}. d in {${g.ds.join(', ')}}, m in {${g.ms.join(', ')}}.`;
  },
  search: { param: 'm', start: () => M_REF },
  configs(size: Size): PointTemplate[] {
    const g = GRID[size];
    const out: PointTemplate[] = [];
    for (const d of g.ds)
      for (const m of g.ms) {
        out.push({
          params: { d, m },
          model: diagonal(m, 0.5),
          data: transportData({ n: g.n, T: g.T, d, alpha: 0.5 }),
          train: { eta: 1, steps: g.steps, recordEvery: 10 },
          measure: { eps: EPS, stopAtEps: true, plateau: true, constants: m === M_REF, curvePoints: 20 },
        });
      }
    return out;
  },
  analyze(results: PointResult[]): Analysis {
    const ok = okResults(results);
    const ds = distinct(ok, 'd');
    const rows = ds.map((d) => {
      const sel = (r: PointResult) => num(r, 'd') === d;
      const ref = (r: PointResult) => sel(r) && num(r, 'm') === M_REF;
      const nu = summarizeWhere(ok, ref, 'nu');
      const perNu2 = summary(
        ok
          .filter(ref)
          .map((r) =>
            r.metrics?.stepsToEps != null && r.metrics?.nu ? r.metrics.stepsToEps / r.metrics.nu ** 2 : null,
          ),
      );
      return {
        d,
        w: widthNeeded(ok, EPS, sel),
        steps: summarizeWhere(ok, ref, 'stepsToEps'),
        grad: summarizeWhere(ok, ref, 'gradConst'),
        best: summarizeWhere(ok, ref, 'bestRel'),
        nu,
        perNu2,
      };
    });
    const mf = powerFit(
      rows.map((r) => r.d),
      rows.map((r) => r.w.geoMean ?? Number.NaN),
    );
    const sf = powerFit(
      rows.map((r) => r.d),
      rows.map((r) => r.steps.mean ?? Number.NaN),
    );
    const nf = powerFit(
      rows.map((r) => r.d),
      rows.map((r) => r.perNu2.mean ?? Number.NaN),
    );
    let verdict: Analysis['verdict'];
    let reason: string;
    if (!mf || mf.n < 3) {
      verdict = 'inconclusive';
      reason = 'm* is defined for fewer than 3 dimensions.';
    } else {
      const desc = `m* ~ d^${fmt(mf.p)} (± ${fmt(mf.pSE)}), steps to eps ~ d^${fmt(sf?.p)} (± ${fmt(sf?.pSE)}), steps / nu^2 ~ d^${fmt(nf?.p)} (± ${fmt(nf?.pSE)}) over d = ${ds[0]}..${ds[ds.length - 1]}`;
      const widthFlat = Math.abs(mf.p) <= 0.2;
      const stepsFlat = !sf || Math.abs(sf.p) <= 0.3;
      const stepsPerNuFlat = !nf || Math.abs(nf.p) <= 0.3;
      if (widthFlat && stepsFlat) {
        verdict = 'matches';
        reason = `Width and iterations needed are nearly independent of d: ${desc}.`;
      } else if (widthFlat && stepsPerNuFlat) {
        verdict = 'matches';
        reason = `The width needed is nearly independent of d; the iterations grow with d, but only as the class radius nu^2 of the normalized target does (the bound's tau ~ nu^2 L_T^2 / eps; the normalization rescales nu with d): ${desc}.`;
      } else if (mf.p > 0.4) {
        verdict = 'does not match';
        reason = `The width needed grows with d: ${desc}.`;
      } else {
        verdict = 'inconclusive';
        reason = `${desc}: the iterations grow with d beyond what nu^2 explains.`;
      }
    }
    const data = rows.flatMap((r) => [
      ...(r.w.geoMean !== null ? [{ d: r.d, value: r.w.geoMean, quantity: 'm*' }] : []),
      ...(r.steps.mean !== null ? [{ d: r.d, value: r.steps.mean, quantity: `steps to eps (m = ${M_REF})` }] : []),
      ...(r.grad.mean !== null ? [{ d: r.d, value: r.grad.mean, quantity: 'measured L_T' }] : []),
    ]);
    return {
      verdict,
      reason,
      measured: `Per d: m* (smallest width reaching eps = ${EPS}, geometric mean over seeds), GD steps to eps and the measured gradient constant at m = ${M_REF}. Power fits in d.`,
      fits: [
        ...(mf
          ? [{ name: 'm*', formula: 'm* = c d^p', params: { c: mf.c, p: mf.p, pSE: mf.pSE }, r2: mf.r2Log, n: mf.n }]
          : []),
        ...(sf
          ? [
              {
                name: 'steps',
                formula: 'steps = c d^p',
                params: { c: sf.c, p: sf.p, pSE: sf.pSE },
                r2: sf.r2Log,
                n: sf.n,
              },
            ]
          : []),
        ...(nf
          ? [
              {
                name: 'steps / nu^2',
                formula: 'steps / nu^2 = c d^p',
                params: { c: nf.c, p: nf.p, pSE: nf.pSE },
                r2: nf.r2Log,
                n: nf.n,
              },
            ]
          : []),
      ],
      tables: [
        {
          title: 'by input dimension',
          columns: [
            'd',
            'm*',
            `steps to eps (m = ${M_REF})`,
            'nu (normalized target)',
            'steps / nu^2',
            `best risk / R0 (m = ${M_REF})`,
            'measured L_T',
            'seeds with m*',
          ],
          rows: rows.map((r) => [
            r.d,
            r.w.geoMean,
            pm(r.steps),
            pm(r.nu),
            pm(r.perNu2),
            pm(r.best),
            pm(r.grad),
            `${r.w.reachedSeeds}/${r.w.seeds}`,
          ]),
        },
      ],
      plots: [
        {
          name: 'E7-dimension',
          title: 'width, iterations and gradient constant against d',
          spec: lineChart({
            title: 'E7: dependence on the input dimension',
            data,
            x: 'd',
            y: 'value',
            color: 'quantity',
            xLog: true,
            yLog: true,
            xTitle: 'input dimension d',
            yTitle: 'value',
          }),
        },
      ],
    };
  },
};
