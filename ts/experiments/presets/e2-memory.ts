/**
 * E2 — the memory cutoff. The paper: with memory factor a = alpha sigma_1 w_bar below 1 the width
 * and iterations needed are flat (or polynomial) in T; above 1 they grow exponentially (exploding
 * gradients); the cutoff sits at alpha = 1/sigma_1.
 */
import type { Experiment, PointTemplate, PresetOptions } from '../experiment.js';
import { diagonal } from '../common.js';
import type { PointResult, Size } from '../types.js';
import { cutoffSummary, cutoffVerdict, fixedNormTeacher, memoryScale } from './cutoff.js';
import { CUTOFF_RULE } from '../verdicts/cutoff.js';
import { DECAY_RULE } from '../verdicts/decay-rate.js';

const EPS = 0.01;
const M_REF = 32;
/** Step budget: large enough not to bind at the theory's eta (the plateau rule ends hopeless runs). */
const GRID = {
  quick: { alphas: [0.5, 1.15], Ts: [2, 4, 6, 8, 10], n: 64, steps: 40000 },
  full: { alphas: [0.5, 0.8, 1.1, 1.2], Ts: [2, 4, 6, 8, 10, 12, 14, 16], n: 256, steps: 120000 },
} as const;

export const E2: Experiment = {
  id: 'E2',
  title: 'Memory cutoff: alpha against T',
  claim:
    'Below the cutoff (memory factor a = alpha sigma_1 w_bar < 1, i.e. alpha < 1/sigma_1 for w_bar = 1) the width and iterations needed are flat or polynomial in the sequence length T; above it they grow exponentially in T (exploding gradients). [paper]',
  defaultSeeds: { quick: 5, full: 10 },
  etaOption: true,
  setting(size: Size) {
    const g = GRID[size];
    return (
      `Diagonal RNN (tanh, sigma_1 = 1, so the cutoff is alpha = 1), m = ${M_REF}, w_i(0) ~ Uniform[-1, 1] (w_bar ~ 1). ` +
      `Step size per cell inside the theory's condition: eta = 1/(4 L_T^2) with L_T measured at init on the cell's data (--eta overrides), full-batch GD for up to ${g.steps} steps (stopping at eps or by the plateau rule); iterations are reported in steps and in units of 1/eta (eta tau). ` +
      `Targets: the transport-map teacher of the class with the same alpha and T (map 'mix', nu_w = nu_u = 1, targets not rescaled, so nu is the same in every cell), n = ${g.n}, d = 2. ` +
      `alpha in {${g.alphas.join(', ')}} (below the cutoff and just above it: at alpha = 1.3 the theory's eta needs > 60000 steps from T = 10 on at n = 128), T on a linear grid {${g.Ts.join(', ')}}; eps = ${EPS} relative to R(Theta(0)). ` +
      `The measured constants (largest gradient and Hessian norm of h_{T-1} per neuron over the training data, and the memory decay: exp of the slope of ln ||d h_{T-1}/d x_t|| in the lag) are read at init.`
    );
  },
  configs(size: Size, opts: PresetOptions = {}): PointTemplate[] {
    const g = GRID[size];
    const out: PointTemplate[] = [];
    for (const alpha of g.alphas)
      for (const T of g.Ts)
        out.push({
          params: { alpha, T, m: M_REF },
          model: diagonal(M_REF, alpha),
          data: fixedNormTeacher({ n: g.n, T, d: 2, alpha }),
          train: { eta: 1, steps: g.steps, recordEvery: 10 },
          eta: opts.eta ?? 'theory',
          measure: { eps: EPS, stopAtEps: true, plateau: true, constants: true, curvePoints: 20 },
        });
    return out;
  },
  analyze(results: PointResult[]) {
    const s = cutoffSummary(results, {
      eps: EPS,
      mRef: M_REF,
      prefix: 'E2',
      seriesKey: 'alpha',
      activation: 'tanh',
      alphaOf: (v) => v,
      decayRule: true,
    });
    return {
      ...cutoffVerdict(s, "growth in T of the iterations at the theory's step size"),
      measured:
        `For each alpha and T: the measured gradient constant L_T = max ||d h_{i,T-1}/d theta_i|| and Hessian constant beta_T (spectral norm) over neurons and training sequences at init (m = ${M_REF}); ` +
        `GD iterations to reach eps at m = ${M_REF} per run, at eta = 1/(4 L_T^2) of the cell (also in units of 1/eta: eta tau): exact when the run reached eps, censored at the steps it made when it stopped first (budget, plateau rule, divergence), never imputed. The width needed, m*, is E8's. ` +
        `Rule (pre-registered, verdicts/cutoff.ts): per alpha, tau0 + c e^(rT) and tau0 + c T^k (both with a base of steps tau0) are fitted by censored (Tobit) likelihood; the rate r gets a 95% seed-level t-interval (jackknife over seeds), and seed resamples give the share in which each law is better by a likelihood ratio of e. ` +
        `Exponential growth = rate interval above 0 and exponential better in >= 90% of resamples; no exponential growth = the fitted growth's upper end is < x2 over the T range, or polynomial better in >= 90%. ` +
        `Below the cutoff "matches" needs no exponential growth, above it exponential growth; eps reached at fewer than 3 T values, or fewer than ${CUTOFF_RULE.MIN_SEEDS} seeds, is "inconclusive". Runs that never reach (the old "blow-up") are not evidence either way. ` +
        `Second rule (verdicts/decay-rate.ts, [our derivation]): at eta = c/L_T^2 with nu fixed, tau grows like L_T^2 ~ a^(2T), so the per-seed censored slope of ln tau on T (mean over seeds, 95% t-interval, >= ${DECAY_RULE.MIN_SEEDS} seeds each reaching eps at >= ${DECAY_RULE.MIN_REACHED_T} T values) must lie within ± max(${DECAY_RULE.REL} |2 ln a|, ln 2 / T range) of 2 ln(max(a, 1)), a = the measured memory decay at the longest T; it fails when the interval lies beyond ${DECAY_RULE.SLACK} of that tolerance. The verdict needs both rules.`,
      fits: s.fits,
      tables: s.tables,
      plots: s.plots,
      notes: [
        memoryScale(results).symbol === 'w_bar'
          ? 'The regime uses w_bar = 1 (the bound of Uniform[-1, 1] init); the measured max |w_i(0)| is slightly below 1.'
          : 'The regime uses rho(W(0)/sqrt m) = 1 (the circular-law limit); the measured radius at m = 32 is in the growth table.',
        "tanh saturates: where a > 1 the hidden states grow until sigma' shrinks, which can cap the measured growth; that is reported as measured.",
        'The measured memory decay is a mean over neurons and samples (the slope of ln ||d h_{T-1}/d x_t||_F in the lag); the cutoff a = alpha sigma_1 w_bar is the worst neuron. Where the two disagree the decay rule says so.',
        ...s.notes,
      ],
    };
  },
};
