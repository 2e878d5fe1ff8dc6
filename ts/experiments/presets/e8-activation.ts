/**
 * E8 — activation: tanh against sigmoid. The cutoff of the memory factor sits at alpha = 1/sigma_1:
 * 1 for tanh (sigma_1 = 1), 4 for sigmoid (sigma_1 = 1/4). Same growth-in-T test as E2, with alpha
 * swept relative to each activation's own critical value.
 */
import { activations } from '../../core/activations.js';
import type { Analysis, Experiment, PointTemplate, PresetOptions } from '../experiment.js';
import { diagonal, etaOf, transportData } from '../common.js';
import type { PointResult, Size } from '../types.js';
import { cutoffSummary, cutoffVerdict } from './cutoff.js';

const EPS = 0.01;
const M_REF = 32;
const ACTS = ['tanh', 'sigmoid'] as const;
const GRID = {
  quick: { ratios: [0.5, 1, 1.5, 2], Ts: [2, 4, 8, 16, 32], n: 128, steps: 2000 },
  full: { ratios: [0.25, 0.5, 0.75, 1, 1.5, 2], Ts: [2, 4, 8, 16, 32, 64], n: 256, steps: 5000 },
} as const;

const critical = (act: (typeof ACTS)[number]) => 1 / activations[act].sigma1;

export const E8: Experiment = {
  id: 'E8',
  title: 'Activation: tanh against sigmoid, cutoff at alpha = 1/sigma_1',
  claim:
    'The memory cutoff sits at alpha = 1/sigma_1 (w_bar = 1): alpha = 1 for tanh, alpha = 4 for sigmoid. Below it the iterations needed are flat or polynomial in T, above it they grow exponentially. [paper]',
  defaultSeeds: { quick: 5, full: 5 },
  etaOption: true,
  setting(size: Size) {
    const g = GRID[size];
    return (
      `Diagonal RNN, m = ${M_REF}, activation tanh or sigmoid, alpha = ratio / sigma_1 with ratio in {${g.ratios.join(', ')}} (tanh: alpha = ratio; sigmoid: alpha = 4 ratio). ` +
      `Targets: the class teacher with the same activation, alpha and T (map 'mix'), n = ${g.n}, d = 2, RMS 1. T in {${g.Ts.join(', ')}}. GD, eta = 1, up to ${g.steps} steps, eps = ${EPS}.`
    );
  },
  configs(size: Size, opts: PresetOptions = {}): PointTemplate[] {
    const g = GRID[size];
    const out: PointTemplate[] = [];
    for (const act of ACTS)
      for (const ratio of g.ratios)
        for (const T of g.Ts) {
          const alpha = ratio * critical(act);
          out.push({
            params: { activation: act, ratio, T, m: M_REF },
            model: diagonal(M_REF, alpha, act),
            data: transportData({ n: g.n, T, d: 2, alpha, activation: act }),
            train: { eta: 1, steps: g.steps, recordEvery: 10 },
            ...etaOf(opts.eta),
            measure: { eps: EPS, stopAtEps: true, plateau: true, constants: true, curvePoints: 20 },
          });
        }
    return out;
  },
  analyze(results: PointResult[]): Analysis {
    const parts = ACTS.map((act) => ({
      act,
      s: cutoffSummary(
        results.filter((r) => r.params.activation === act),
        {
          eps: EPS,
          mRef: M_REF,
          prefix: `E8-${act}`,
          seriesKey: 'ratio',
          activation: act,
          alphaOf: (v) => v * critical(act),
        },
      ),
    }));
    const verdicts = parts.map((p) => ({
      act: p.act,
      ...cutoffVerdict(p.s, `${p.act} (cutoff alpha = ${critical(p.act)})`),
    }));
    const all = verdicts.every((v) => v.verdict === 'matches')
      ? 'matches'
      : verdicts.some((v) => v.verdict === 'does not match') && verdicts.every((v) => v.verdict !== 'matches')
        ? 'does not match'
        : 'inconclusive';
    return {
      verdict: all,
      reason: verdicts.map((v) => `${v.act}: ${v.verdict} — ${v.reason}`).join(' '),
      measured:
        'Per activation, alpha relative to 1/sigma_1 and T (m = 32 only, so m* is not measured): GD steps to eps per run (censored at the steps the run made when it stopped before eps: budget, plateau rule or divergence), measured gradient and Hessian constants of h_{T-1} at init; growth in T judged per series by the censored-regression rule of E2 (verdicts/cutoff.ts).',
      fits: parts.flatMap((p) => p.s.fits.map((f) => ({ ...f, name: `${p.act}: ${f.name}` }))),
      tables: parts.flatMap((p) => p.s.tables.map((t) => ({ ...t, title: `${p.act}: ${t.title}` }))),
      plots: parts.flatMap((p) => p.s.plots.filter((pl) => !pl.name.endsWith('mstar'))),
      notes: [
        ...parts.flatMap((p) => p.s.notes.map((n) => `${p.act}: ${n}`)),
        'm* is not measured (one width): the m* column lists the reach at m = 32 only.',
        'sigmoid is not odd: sigma(0) = 1/2, so the hidden states carry an offset; the class teacher uses the same activation.',
      ],
    };
  },
};
