/**
 * The bound panel: the package's `bounds()` for the setting, with what the numbers mean said in
 * words — whether the bound says anything at this size, the width it would need, and that η_max is
 * the theory's sufficient condition for its guarantee, not a limit training has to respect.
 */
import { bounds, type MetricRecord } from 'rnn-gd';
import { formatNumber } from '../shared/plots';
import type { SetupInfo } from './protocol';

export interface BoundSetting {
  activation: string;
  recurrence: string;
  alpha: number;
  T: number;
  m: number;
  n: number;
  eta: number;
  steps: number;
  /** max-norm projection radius (undefined: no max-norm projection) */
  rho?: number;
  info?: SetupInfo | null;
  /** the data system; for 'transport', the map's ν_w and ν_u from its setting (before set-up reports them) */
  system: string;
  transportNu?: { nuW: number; nuU: number };
  /** records of the run shown (the first gives R(Θ(0))) */
  records?: readonly MetricRecord[];
}

/** Fills the panel's regime badge, definition list and notes. */
export function renderBoundPanel(
  els: { regime: HTMLElement; list: HTMLElement; notes: HTMLElement },
  c: BoundSetting,
): void {
  const { regime, list, notes } = els;
  list.replaceChildren();
  notes.replaceChildren();
  const row = (k: string, v: string, cls = '') => {
    const dt = document.createElement('dt');
    dt.innerHTML = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    if (cls) dd.className = cls;
    list.append(dt, dd);
  };
  const note = (text: string, cls = '') => {
    const p = document.createElement('p');
    p.textContent = text;
    if (cls) p.className = cls;
    notes.append(p);
  };
  const first = c.records?.[0];
  const last = c.records?.[c.records.length - 1];
  // The scale a bound has to beat: the risk at the initialization (f(Θ(0)) = 0 by the symmetric
  // init, so R(Θ(0)) is half the mean squared target), measured once a run has started.
  const risk0 = first?.risk;
  const scale = risk0 ?? 0.5;
  const eps = scale / 10;
  // ν_w, ν_u: the transport teacher's (measured at set-up, else its setting); other systems have none.
  const nu =
    c.info?.nuW !== undefined
      ? { nuW: c.info.nuW, nuU: c.info.nuU ?? NaN }
      : c.system === 'transport'
        ? c.transportNu
        : undefined;
  try {
    const b = bounds({
      activation: c.activation,
      alpha: c.alpha,
      T: c.T,
      m: c.m,
      n: c.n,
      eta: c.eta,
      tau: c.steps,
      eps,
      ...(c.rho !== undefined ? { rho: c.rho } : {}),
      ...(c.info ? { wBar0: c.info.wBar0 } : {}),
      ...(nu ? { nuW: nu.nuW, nuU: nu.nuU } : {}),
    });
    regime.textContent = `${b.regime} memory`;
    regime.className = `regime ${b.regime}`;
    row(
      'memory factor <i>a</i> at radius ρ',
      `${formatNumber(b.a)} (a₀ = ${formatNumber(b.a0)} at init; critical α_c = ${formatNumber(b.alphaCritical)})`,
    );
    row('S<sub>T</sub> = Σ a<sup>k</sup>', formatNumber(b.S_T));
    if (b.terms.optimization !== undefined) row('optimization term', formatNumber(b.terms.optimization));
    row('approximation term', formatNumber(b.terms.approximation));
    row('linearization term', formatNumber(b.terms.linearization));
    row('bound on the average risk', formatNumber(b.terms.total));
    row(`width the bound needs for ε = ${formatNumber(eps)}`, `m ≥ ${formatNumber(b.mRequired ?? NaN)}`);
    row('η<sub>max</sub> (sufficient step size)', formatNumber(b.etaMax));
    if (last) {
      row('measured risk at init R(Θ(0))', formatNumber(first!.risk));
      row('measured average risk', formatNumber(last.avgRisk));
      row('measured a<sub>s</sub>, ρ<sub>s</sub>', `${formatNumber(last.memoryFactor)}, ${formatNumber(last.rhoEff)}`);
    }
    const vacuous = b.terms.total >= scale;
    note(
      vacuous
        ? `Vacuous at this size: the bound (${formatNumber(b.terms.total)}) is above the risk at the initialization (${risk0 !== undefined ? `measured ${formatNumber(risk0)}` : 'about 0.5 for normalized targets'}), so it says nothing about this run; compare the measured risk with the curves, not with the bound.`
        : `The bound (${formatNumber(b.terms.total)}) is below the risk at the initialization (${formatNumber(scale)}): at this size it guarantees progress.`,
      vacuous ? 'vacuous' : '',
    );
    note(
      `For the bound to guarantee an average risk of ε = ${formatNumber(eps)} (a tenth of the initial risk) it would need width m ≥ ${formatNumber(b.mRequired ?? NaN)}` +
        ` (this run: m = ${c.m}) and τ ≥ ${formatNumber(b.tauRequired ?? NaN)} steps. The bound grows with the constants, not with what training does.`,
    );
    note(
      `η_max = ${formatNumber(b.etaMax)} is a sufficient condition of the analysis, not a requirement: ` +
        (c.eta > b.etaMax
          ? `with η = ${c.eta} above it the guarantee does not cover this run, but gradient descent often converges far above η_max (watch the risk curve; a too large η makes the run diverge, and the page says so).`
          : `η = ${c.eta} is within it, so the guarantee's step-size hypothesis holds.`),
    );
    note(
      `Every constant here is this project's derivation (docs/theory.md), not the paper's statement; the bound is stated for the diagonal RNN${c.recurrence === 'dense' ? ' and shown with this dense run for reference only' : ''}` +
        `${nu ? `; ν_w = ${formatNumber(nu.nuW)}, ν_u = ${formatNumber(nu.nuU)} from the transport teacher` : `; ν_w = ν_u = 1 assumed (the ${c.system} teacher is not a transport map of the paper's class)`}` +
        `${c.rho !== undefined ? '' : '; ρ = ν without a max-norm projection'}.`,
      'help',
    );
  } catch (err) {
    regime.textContent = '';
    regime.className = 'regime';
    note(`No bound for this setting: ${(err as Error).message}`);
  }
}
