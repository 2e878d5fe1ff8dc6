/**
 * E8 — activation: tanh against sigmoid. The cutoff of the memory factor sits at alpha = 1/sigma_1:
 * 1 for tanh (sigma_1 = 1), 4 for sigmoid (sigma_1 = 1/4). Same growth-in-T test as E2, with alpha
 * swept relative to each activation's own critical value.
 */
import { activations } from '../../core/activations.js';
import type { Analysis, Experiment, PointTemplate, PresetOptions } from '../experiment.js';
import { diagonal } from '../common.js';
import type { PointResult, Size } from '../types.js';
import { cutoffSummary, cutoffVerdict, fixedNormTeacher } from './cutoff.js';

const EPS = 0.01;
/** The width at which the iterations are read, and where the width search starts. */
const M_REF = 16;
const ACTS = ['tanh', 'sigmoid'] as const;
/** One ratio per side of the cutoff; the step budget must not bind at the theory's eta. */
const GRID = {
  quick: { ratios: [0.5, 1.15], Ts: [2, 4, 6, 8], ms: [2, 4, 8, 16, 32], n: 64, steps: 40000 },
  full: { ratios: [0.5, 1.15], Ts: [2, 4, 6, 8, 10, 12], ms: [2, 4, 8, 16, 32, 64], n: 128, steps: 120000 },
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
      `Diagonal RNN, activation tanh or sigmoid, alpha = ratio / sigma_1 with ratio in {${g.ratios.join(', ')}} (tanh: alpha = ratio; sigmoid: alpha = 4 ratio). ` +
      `Targets: the class teacher with the same activation, alpha and T (map 'mix', nu_w = nu_u = 1, targets not rescaled: nu is the same for both activations and every T), n = ${g.n}, d = 2. T on a linear grid {${g.Ts.join(', ')}}. ` +
      `GD at the theory's step size eta = 1/(4 L_T^2) (L_T measured at init; --eta overrides), up to ${g.steps} steps, eps = ${EPS} relative to R(Theta(0)). ` +
      `m* per (activation, ratio, T, seed) by a width search over {${g.ms.join(', ')}} starting at m = ${M_REF}; the iterations are read at m = ${M_REF}.`
    );
  },
  search: { param: 'm', start: () => M_REF },
  configs(size: Size, opts: PresetOptions = {}): PointTemplate[] {
    const g = GRID[size];
    const out: PointTemplate[] = [];
    for (const act of ACTS)
      for (const ratio of g.ratios)
        for (const T of g.Ts)
          for (const m of g.ms) {
            const alpha = ratio * critical(act);
            out.push({
              params: { activation: act, ratio, T, m },
              model: diagonal(m, alpha, act),
              data: fixedNormTeacher({ n: g.n, T, d: 2, alpha, activation: act }),
              train: { eta: 1, steps: g.steps, recordEvery: 10 },
              eta: opts.eta ?? 'theory',
              measure: { eps: EPS, stopAtEps: true, plateau: true, constants: m === M_REF, curvePoints: 20 },
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
          decayRule: true,
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
      measured: `Per activation, alpha relative to 1/sigma_1 and T: GD steps to eps at m = ${M_REF} and eta = 1/(4 L_T^2) per run (censored at the steps the run made when it stopped before eps: budget, plateau rule or divergence), also as eta tau; measured gradient and Hessian constants and memory decay of h_{T-1} at init; m* per seed as a grid interval from the width search. Growth in T judged per series by the two rules of E2 (verdicts/cutoff.ts: exponential against polynomial; verdicts/decay-rate.ts: the rate against 2 ln of the measured memory decay); the target norm nu is the same for both activations, so a difference is not nu^2's.`,
      fits: parts.flatMap((p) => p.s.fits.map((f) => ({ ...f, name: `${p.act}: ${f.name}` }))),
      tables: parts.flatMap((p) => p.s.tables.map((t) => ({ ...t, title: `${p.act}: ${t.title}` }))),
      plots: parts.flatMap((p) => p.s.plots),
      notes: [
        ...parts.flatMap((p) => p.s.notes.map((n) => `${p.act}: ${n}`)),
        'm* is measured (the width search) and reported with its grid intervals; the verdict judges the iterations only.',
        'sigmoid is not odd: sigma(0) = 1/2, so the hidden states carry an offset; the class teacher uses the same activation.',
      ],
    };
  },
};
