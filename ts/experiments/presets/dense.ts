/**
 * The dense (Elman) versions of the central claims: E1 (width against samples), E2 (the memory
 * cutoff) and E4 (laziness), with the dense recurrence h_t = sigma((alpha/sqrt(m)) W h_{t-1} + U x_t)
 * and targets from the dense linearized wide teacher (docs/spec/model.md section 9). Same sweeps and
 * analyses as the diagonal presets (variant.ts), grids cut where a dense step (m^2 per neuron
 * update instead of m) would make them too costly.
 *
 * The cutoff of E2-dense [our derivation]: a = alpha sigma_1 rho(W(0)/sqrt(m)) with rho the
 * spectral radius (-> 1 by the circular law for this init), so the diagonal grid alpha in
 * {0.5, 1, 1.5, 2} (quick) already sits around it; see memoryScale in cutoff.ts.
 */
import type { Experiment, PointTemplate } from '../experiment.js';
import type { Size } from '../types.js';
import { E1 } from './e1-width.js';
import { E2 } from './e2-memory.js';
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

const E1_DENSE: Experiment = variantOf(E1, {
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

const E2_M_MAX = 64;

const E2_DENSE: Experiment = variantOf(E2, {
  id: 'E2-dense',
  title: 'Dense RNN: memory cutoff, alpha against T',
  claim:
    'For the dense recurrence, with the memory factor a = alpha sigma_1 rho(W(0)/sqrt m) [ours: the spectral radius in place of w_bar] below 1 the width and iterations needed are flat or polynomial in T; above 1 they grow exponentially in T. [paper: the cutoff; derived: the dense memory factor]',
  keep: (t) => Number(t.params.m) <= E2_M_MAX,
  template: dense,
  setting(size: Size) {
    const ts = E2_DENSE.configs(size);
    const t = ts[0];
    return (
      `Dense RNN (tanh, sigma_1 = 1), halves init (W(0) block diagonal, N(0, 2) entries); full-batch GD with eta = ${t.train.eta} for up to ${t.train.steps} steps (stopping at eps). ` +
      `The memory factor [our derivation] is a = alpha sigma_1 rho(W(0)/sqrt m), rho the spectral radius, which tends to 1 (circular law: W(0)/sqrt(m) is two copies of a Ginibre matrix of size m/2 scaled to radius 1), so the cutoff is alpha = 1. ` +
      `The operator norm ||W(0)/sqrt m||_2 of docs/spec/model.md section 8 tends to 2 instead and would put the cutoff at alpha ~ 0.5; it bounds one step of the recursion, but the growth rate over many steps is the spectral radius (Gelfand's formula). ` +
      `Targets: ${TEACHER_TEXT}; n = ${t.data.n}, d = ${t.data.d}, T as swept. ` +
      `alpha in {${swept(ts, 'alpha')}}, T in {${swept(ts, 'T')}}, m in {${swept(ts, 'm')}}; eps = ${t.measure.eps} relative. ` +
      'The measured constants, the spectral radius and the measured memory decay (the per-step factor of ||d h_{T-1} / d x_t|| against the lag, at init) are read at m = 32.'
    );
  },
  notes: [
    DENSE_NOTE,
    "The measured memory decay includes the activation slopes sigma'(z) < sigma_1 at the actual pre-activations, so it is smaller than a; where it exceeds 1 the gradients at init explode with T.",
  ],
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
