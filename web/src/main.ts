/**
 * The demo page: a form, a training worker (comlink), four SVG charts and the bound calculator.
 * The main thread only renders (at most once per animation frame); all numerics run in the worker.
 */
import * as Comlink from 'comlink';
import { bounds, BoundsInputError, PACKAGE_VERSION, SYSTEMS, type MetricRecord, type SystemName } from 'rnn-gd';
import { drawChart, formatNumber } from './plots';
import type { DemoConfig, DemoWorkerApi, SetupInfo, Update } from './protocol';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('config');
const startBtn = $<HTMLButtonElement>('start');
const pauseBtn = $<HTMLButtonElement>('pause');
const resetBtn = $<HTMLButtonElement>('reset');
const statusEl = $('status');
const errorEl = $('error');
const systemSelect = $<HTMLSelectElement>('system');

for (const s of SYSTEMS) systemSelect.append(new Option(s, s));
$('version').textContent = PACKAGE_VERSION;

const NUMBER_FIELDS = ['m', 'alpha', 'T', 'eta', 'rho', 'steps', 'n', 'seed'] as const;
const DEFAULTS: DemoConfig = {
  system: 'transport',
  recurrence: 'diagonal',
  m: 256,
  alpha: 0.5,
  T: 10,
  eta: 0.2,
  rho: 10,
  steps: 3000,
  n: 256,
  seed: 1,
};

function readForm(): DemoConfig {
  const num = (name: string) => Number($<HTMLInputElement>(name).value);
  return {
    system: systemSelect.value as SystemName,
    recurrence: $<HTMLSelectElement>('recurrence').value as DemoConfig['recurrence'],
    m: num('m'),
    alpha: num('alpha'),
    T: num('T'),
    eta: num('eta'),
    rho: num('rho'),
    steps: num('steps'),
    n: num('n'),
    seed: num('seed'),
  };
}

function writeForm(c: DemoConfig): void {
  systemSelect.value = c.system;
  $<HTMLSelectElement>('recurrence').value = c.recurrence;
  for (const f of NUMBER_FIELDS) $<HTMLInputElement>(f).value = String(c[f]);
}

/** Messages for invalid fields (the worker validates again: these are for people). */
function checkForm(c: DemoConfig): string | null {
  for (const f of NUMBER_FIELDS) {
    const input = $<HTMLInputElement>(f);
    if (!input.checkValidity() || !Number.isFinite(c[f]))
      return `${input.labels?.[0]?.textContent?.trim() ?? f}: ${input.validationMessage || 'not a number'}`;
  }
  if (c.m % 2 !== 0) return 'Width m: must be even (symmetric initialization)';
  return null;
}

// The setting lives in the URL hash, so a run can be shared and repeated.
function configFromHash(): DemoConfig {
  const p = new URLSearchParams(location.hash.slice(1));
  const c: DemoConfig = { ...DEFAULTS };
  const sys = p.get('system');
  if (sys && (SYSTEMS as readonly string[]).includes(sys)) c.system = sys as SystemName;
  const rec = p.get('recurrence');
  if (rec === 'dense' || rec === 'diagonal') c.recurrence = rec;
  for (const f of NUMBER_FIELDS) {
    const v = p.get(f);
    if (v !== null && v !== '' && Number.isFinite(Number(v))) c[f] = Number(v);
  }
  return c;
}
const hashOf = (c: DemoConfig) =>
  '#' + new URLSearchParams(Object.entries(c).map(([k, v]) => [k, String(v)])).toString();

// ---- state -------------------------------------------------------------------------------------
type Phase = 'idle' | 'setup' | 'running' | 'paused' | 'done';
let phase: Phase = 'idle';
let info: SetupInfo | null = null;
let records: MetricRecord[] = [];
let lastUpdate: Update | null = null;
let preds: Update['predictions'];
let current: DemoConfig = configFromHash();
/** Bumped by reset: answers from an older run are ignored. */
let generation = 0;
writeForm(current);

const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'rnn-gd-demo' });
const api = Comlink.wrap<DemoWorkerApi>(worker);

function setPhase(p: Phase): void {
  phase = p;
  const busy = p === 'running' || p === 'setup';
  startBtn.disabled = busy || p === 'done';
  startBtn.textContent = p === 'paused' ? 'Resume' : 'Start';
  pauseBtn.disabled = p !== 'running';
  resetBtn.disabled = p === 'idle' || p === 'setup';
  for (const elx of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>(
    'input, select, #new-seed',
  ))
    elx.disabled = p !== 'idle';
  document.body.dataset.phase = p;
}

function showError(msg: string | null): void {
  errorEl.hidden = !msg;
  errorEl.textContent = msg ?? '';
}

// ---- rendering ---------------------------------------------------------------------------------
let frameRequested = false;
function scheduleRender(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    render();
  });
}

const svg = (id: string) => $<HTMLElement>(id) as unknown as SVGSVGElement;
const setDesc = (id: string, text: string) => {
  $(id).textContent = text;
};

function render(): void {
  // Read every chart's width before drawing any (one layout per frame, not four).
  const widths = Object.fromEntries(
    ['chart-risk', 'chart-rho', 'chart-memory', 'chart-pred'].map((id) => [id, svg(id).getBoundingClientRect().width]),
  );
  const last = records[records.length - 1];
  const xs = (f: (r: MetricRecord) => number | undefined) => records.map((r) => [r.step, f(r) ?? Number.NaN] as const);
  drawChart(
    svg('chart-risk'),
    {
      xLabel: 'step s',
      yLabel: 'risk R',
      logY: true,
      series: [
        { name: 'training risk', points: xs((r) => r.risk), className: 'train' },
        { name: 'test risk', points: xs((r) => r.testRisk), className: 'test' },
      ],
    },
    widths['chart-risk'],
  );
  drawChart(
    svg('chart-rho'),
    {
      xLabel: 'step s',
      yLabel: 'ρ_s',
      series: [{ name: 'ρ_s', points: xs((r) => r.rhoEff), className: 'train' }],
      rules: current.rho > 0 ? [{ y: current.rho, label: `ρ = ${current.rho}`, className: 'bad' }] : [],
      yInclude: [0],
    },
    widths['chart-rho'],
  );
  drawChart(
    svg('chart-memory'),
    {
      xLabel: 'step s',
      yLabel: 'a_s',
      series: [{ name: 'a_s', points: xs((r) => r.memoryFactor), className: 'train' }],
      rules: [{ y: 1, label: 'a = 1 (critical)', className: 'bad' }],
      yInclude: [0],
    },
    widths['chart-memory'],
  );
  const pts = preds ? preds.target.map((t, i) => [t, preds!.predicted[i]] as const) : [];
  drawChart(
    svg('chart-pred'),
    {
      xLabel: 'target y',
      yLabel: 'prediction f(X)',
      square: true,
      series: [{ name: 'test sequences', points: pts, className: 'test', dots: true }],
    },
    widths['chart-pred'],
  );
  if (last) {
    setDesc(
      'risk-desc',
      `Step ${last.step}: training risk ${formatNumber(last.risk)}, test risk ${formatNumber(last.testRisk ?? NaN)}; started at ${formatNumber(records[0].risk)}.`,
    );
    setDesc(
      'rho-desc',
      `Step ${last.step}: effective radius ${formatNumber(last.rhoEff)}${current.rho > 0 ? ` of the projection radius ${current.rho}` : ''}.`,
    );
    setDesc('mem-desc', `Step ${last.step}: memory factor ${formatNumber(last.memoryFactor)} (below 1: short memory).`);
  }
  if (preds)
    setDesc('pred-desc', `${preds.target.length} test sequences: prediction against target, with the diagonal y = x.`);
  renderStatus();
  renderBound();
}

function renderStatus(): void {
  const u = lastUpdate;
  const last = records[records.length - 1];
  if (phase === 'setup') {
    statusEl.textContent = 'Generating data and initializing…';
    return;
  }
  if (!u || !last) {
    statusEl.textContent = phase === 'idle' ? 'Ready.' : '…';
    return;
  }
  const words = { running: 'Training', paused: 'Paused', completed: 'Done', diverged: 'Diverged' }[u.status];
  statusEl.textContent =
    `${words}: step ${u.step} of ${current.steps} · training risk ${formatNumber(last.risk)}` +
    (last.testRisk !== undefined ? ` · test risk ${formatNumber(last.testRisk)}` : '') +
    (u.status === 'running' ? ` · ${Math.round(u.stepsPerSecond).toLocaleString('en')} steps/s` : '') +
    (info ? ` · ${info.backend} (${info.wasmSource}) · seed ${current.seed}` : '');
  if (u.message && u.status === 'diverged') showError(u.message);
}

function renderBound(): void {
  const c = phase === 'idle' ? readForm() : current;
  const dl = $('bound');
  const regimeEl = $('regime');
  const note = $('bound-note');
  dl.replaceChildren();
  const row = (k: string, v: string, cls = '') => {
    const dt = document.createElement('dt');
    dt.innerHTML = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    if (cls) dd.className = cls;
    dl.append(dt, dd);
  };
  try {
    const b = bounds({
      activation: 'tanh',
      alpha: c.alpha,
      T: c.T,
      m: c.m,
      n: c.n,
      eta: c.eta,
      tau: c.steps,
      ...(c.rho > 0 ? { rho: c.rho } : {}),
      ...(info ? { wBar0: info.wBar0 } : {}),
      ...(info?.nuW !== undefined ? { nuW: info.nuW, nuU: info.nuU } : {}),
    });
    regimeEl.textContent = `${b.regime} memory`;
    regimeEl.className = `regime ${b.regime}`;
    row(
      'memory factor <i>a</i> at radius ρ',
      `${formatNumber(b.a)} (a₀ = ${formatNumber(b.a0)} at init; α_c = ${formatNumber(b.alphaCritical)})`,
    );
    row(
      'step size limit η<sub>max</sub>',
      `${formatNumber(b.etaMax)}${c.eta > b.etaMax ? ` — η = ${c.eta} is above it` : ' — η is within it'}`,
      c.eta > b.etaMax ? 'warn-text' : '',
    );
    row('S<sub>T</sub> = Σ a<sup>k</sup>', formatNumber(b.S_T));
    if (b.terms.optimization !== undefined) row('optimization term', formatNumber(b.terms.optimization));
    row('approximation term', formatNumber(b.terms.approximation));
    row('linearization term', formatNumber(b.terms.linearization));
    row('bound on the average risk', formatNumber(b.terms.total));
    const last = records[records.length - 1];
    if (last) {
      row('measured average risk', formatNumber(last.avgRisk));
      row('measured a<sub>s</sub>, ρ<sub>s</sub>', `${formatNumber(last.memoryFactor)}, ${formatNumber(last.rhoEff)}`);
    }
    note.textContent =
      `Derived constants (this project's, not the paper's); stated for the diagonal RNN${c.recurrence === 'dense' ? ' — shown for reference with a dense run' : ''}` +
      `${info?.nuW !== undefined ? `; ν_w = ${formatNumber(info.nuW)}, ν_u = ${formatNumber(info.nuU ?? NaN)} from the transport teacher` : ''}${c.rho > 0 ? '' : '; ρ defaults to ν without projection'}.`;
  } catch (err) {
    regimeEl.textContent = '';
    regimeEl.className = 'regime';
    note.textContent =
      err instanceof BoundsInputError ? `No bound: ${err.message}` : `No bound: ${(err as Error).message}`;
  }
}

// ---- actions -----------------------------------------------------------------------------------
async function start(): Promise<void> {
  showError(null);
  const gen = generation;
  if (phase === 'idle') {
    const c = readForm();
    const problem = checkForm(c);
    if (problem) {
      showError(problem);
      return;
    }
    current = c;
    history.replaceState(null, '', hashOf(c));
    records = [];
    preds = undefined;
    lastUpdate = null;
    info = null;
    setPhase('setup');
    render();
    try {
      info = await api.setup(c);
    } catch (err) {
      if (gen !== generation) return;
      setPhase('idle');
      showError((err as Error).message);
      render();
      return;
    }
  }
  setPhase('running');
  try {
    const final = await api.run(
      Comlink.proxy((u: Update) => {
        if (gen !== generation) return;
        records.push(...u.records);
        lastUpdate = u;
        if (u.predictions) preds = u.predictions;
        scheduleRender();
      }),
    );
    if (gen !== generation) return; // reset while running
    setPhase(final.status === 'paused' ? 'paused' : 'done');
  } catch (err) {
    if (gen !== generation) return;
    showError((err as Error).message);
    setPhase('done');
  }
  scheduleRender();
}

startBtn.addEventListener('click', () => {
  void start();
});
pauseBtn.addEventListener('click', () => {
  void api.pause();
});
resetBtn.addEventListener('click', () => {
  generation++;
  void api.reset();
  records = [];
  preds = undefined;
  lastUpdate = null;
  info = null;
  showError(null);
  setPhase('idle');
  render();
});
$('new-seed').addEventListener('click', () => {
  $<HTMLInputElement>('seed').value = String(crypto.getRandomValues(new Uint32Array(1))[0]);
  renderBound();
});
form.addEventListener('input', () => {
  if (phase === 'idle') renderBound();
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  void start();
});

setPhase('idle');
render();
// Charts are drawn at their on-screen size (text stays readable on a phone): redraw on resize.
new ResizeObserver(() => scheduleRender()).observe(document.querySelector('.charts')!);

// For the browser tests (test/browser): the page's state, read-only.
Object.assign(window, {
  rnnGdDemo: {
    phase: () => phase,
    step: () => lastUpdate?.step ?? 0,
    records: () => records,
    info: () => info,
    config: () => current,
    predictions: () => preds,
  },
});
