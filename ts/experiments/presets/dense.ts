/**
 * The dense (Elman) versions of the central claims: E1 (width against samples), E2 (the memory
 * cutoff, ./e2-dense.ts) and E4 (laziness), with the dense recurrence h_t = sigma((alpha/sqrt(m)) W h_{t-1} + U x_t)
 * and targets from the dense linearized wide teacher (docs/spec/model.md section 9). Same sweeps and
 * analyses as the diagonal presets (variant.ts), grids cut where a dense step (m^2 per neuron
 * update instead of m) would make them too costly.
 *
 * E2-dense is its own experiment (./e2-dense.ts): alpha placed by the mean-field factor, each network
 * labelled by its measured Lyapunov exponent, a fixed width.
 */
import type { Experiment, PointTemplate } from '../experiment.js';
import type { Size } from '../types.js';
import { diagonal, transportData } from '../common.js';
import { E1 } from './e1-width.js';
import { E2_DENSE } from './e2-dense.js';
import { E4 } from './e4-laziness.js';
import { denseTemplate, variantOf } from './variant.js';

/** The values of a swept parameter over a list of templates, in order of appearance. */
const swept = (ts: PointTemplate[], key: string) => [...new Set(ts.map((t) => t.params[key]))].join(', ');

const TEACHER = { mTeacher: 128, anchors: 8 };
const dense = (t: PointTemplate) => denseTemplate(t, TEACHER);
const TEACHER_TEXT =
  `the dense linearized wide teacher f(X) = <grad_Theta f(X; Theta_T(0)), V> (width ${TEACHER.mTeacher}, its own init seed, ` +
  `V a random combination of the tangent features of ${TEACHER.anchors} anchor sequences with ||V|| = nu; docs/spec/model.md section 9, our construction), ` +
  'with the same alpha and activation as the student, normalized to RMS 1 (so R(Theta(0)) = 1/2)';
const DENSE_NOTE =
  'Dense variant: the same sweep and analysis as the diagonal experiment with the dense recurrence (W is m x m; the halves init: two independent networks of width m/2, W(0) block diagonal with N(0, 2) entries, so gradients reach every time step at Theta(0); docs/spec/model.md section 4) and the dense linearized teacher built on the same init law; grids are cut to keep the m^2 cost per step affordable.';

const E1_LIMITS = { quick: { n: 2048, m: 64 }, full: { n: 8192, m: 256 } } as const;

/**
 * E1-dense keeps E1's previous design, as its full-size run was made: data nested across n within a
 * seed, eps = 0.005, the width search from the smallest width. E1's lazy redesign (widths to 1024,
 * 90000 steps, eps 2.5e-4) would cost m^2 per neuron update here, far over the budget of a run.
 */
const E1_PREVIOUS_GRID = {
  quick: { ns: [32, 64, 128, 256, 512, 1024, 2048], ms: [2, 4, 6, 8, 12, 16, 24, 32, 64, 128], steps: 1000, T: 8 },
  full: {
    ns: [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384],
    ms: [2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64, 96, 128, 256, 512],
    steps: 15000,
    T: 10,
  },
} as const;
const E1_PREVIOUS: Experiment = {
  ...E1,
  search: { param: 'm' },
  configs: (size: Size) => {
    const g = E1_PREVIOUS_GRID[size];
    return g.ns.flatMap((n) =>
      g.ms.map((m): PointTemplate => ({
        params: { n, m },
        model: diagonal(m, 0.5),
        data: transportData({ n, T: g.T, d: 4, alpha: 0.5 }),
        train: { eta: 1, steps: g.steps, recordEvery: 10 },
        measure: { eps: 0.005, stopAtEps: true, plateau: true, curvePoints: 20 },
      })),
    );
  },
};

const E1_DENSE: Experiment = variantOf(E1_PREVIOUS, {
  id: 'E1-dense',
  title: 'Dense RNN: width against samples m*(n)',
  claim:
    'For the dense (Elman) recurrence as for the diagonal one: the width needed to reach a given training risk grows only logarithmically with the number of samples n. [paper: "standard Elman-type RNNs"; the dense teacher: ours]',
  keep: (t, size) => Number(t.params.n) <= E1_LIMITS[size].n && Number(t.params.m) <= E1_LIMITS[size].m,
  template: dense,
  setting(size: Size) {
    const ts = E1_DENSE.configs(size);
    const t = ts[0];
    return (
      `Dense RNN (tanh, alpha = ${t.model.alpha}, readout final), halves init; full-batch gradient descent, eta = ${t.train.eta}, ${t.train.steps} steps. ` +
      `Targets: ${TEACHER_TEXT}; T = ${t.data.T}, d = ${t.data.d}. n in {${swept(ts, 'n')}}, m in {${swept(ts, 'm')}}; the teacher and the first sequences are shared across n within a seed. ` +
      `eps = ${t.measure.eps} relative: a run reaches when its best training risk <= eps * R(Theta(0)) (training stops there).`
    );
  },
  notes: [DENSE_NOTE],
});

const E4_M_MAX = { quick: 256, full: 512 } as const;

const E4_DENSE: Experiment = variantOf(E4, {
  id: 'E4-dense',
  title: 'Dense RNN: laziness, parameter movement and kernel drift against m',
  claim:
    'For the dense recurrence: training stays near the initialization (||Theta(s) - Theta(0)|| = O(1)) and the empirical NTK drifts less as the width grows. [paper: NTK-regime analysis; the dense teacher: ours]',
  keep: (t, size) => Number(t.params.m) <= E4_M_MAX[size],
  template: dense,
  setting(size: Size) {
    const ts = E4_DENSE.configs(size);
    const t = ts[0];
    return (
      `Dense RNN (tanh, alpha = ${t.model.alpha}), T = ${t.data.T}, d = ${t.data.d}; targets: ${TEACHER_TEXT}; n = ${t.data.n}. ` +
      `Full-batch GD, eta = ${t.train.eta}, ${t.train.steps} steps. m in {${swept(ts, 'm')}}. ` +
      'Kernel drift = ||K(Theta(end)) - K(Theta(0))||_F / ||K(Theta(0))||_F for the empirical NTK on the training data.'
    );
  },
  notes: [DENSE_NOTE],
});

export const DENSE_EXPERIMENTS: readonly Experiment[] = [E1_DENSE, E2_DENSE, E4_DENSE];
