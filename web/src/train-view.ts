/**
 * The training view: a form derived from the package's schemas, a training worker (comlink), runs
 * kept and overlaid on the charts (risk, ρ_s, memory factor), downloads of a run's model.json and
 * metrics.csv as `rnn-gd train` writes them, the capacity check before set-up, a Cancel that ends
 * the set-up (the worker is replaced), and the bound panel. The main thread only renders (at most
 * once per animation frame); the numerics run in the worker.
 */
import * as Comlink from 'comlink';
import { dataConfigSchema, initSchema, metricsCsv, modelSpecSchema, trainSchema, type MetricRecord } from 'rnn-gd';
import { renderBoundPanel } from './bound-panel';
import { capacityAdvice, planPageRun } from './train/capacity';
import { downloadButton } from './downloads';
import { readHash, writeHash } from './hash';
import { BASIC_DATA_FIELDS, HINTS } from './field-hints';
import { drawChart, formatNumber, type Series } from './plots';
import type { DemoWorkerApi, RunConfig, SetupInfo, Update } from './protocol';
import { configsOf, defaultOf, fieldsOf, isShown, textOf, type FieldDef, type FormValues } from './schema-form';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- the form, from the schemas -----------------------------------------------------------------
const modelFields = fieldsOf(modelSpecSchema, { group: 'model', skip: ['d'] });
const initFields = fieldsOf(initSchema, { group: 'init', skip: ['seed'] });
const trainFields = fieldsOf(trainSchema, { group: 'train', skip: ['seed'] });
const taken = new Set([...modelFields, ...initFields, ...trainFields].map((f) => f.key));
// The data's readout is the model's (one field); the seed is the page's one seed.
const dataFields = fieldsOf(dataConfigSchema, { group: 'data', skip: ['seed', 'readout'], taken });
const FIELDS: FieldDef[] = [...dataFields, ...modelFields, ...initFields, ...trainFields];
const SEED_KEY = 'seed';
export const TRAIN_KEYS = [...FIELDS.map((f) => f.key), SEED_KEY];

/** The page's own starting values where the library has no default (or a slow one for a page). */
const PAGE_DEFAULTS: Record<string, string> = {
  system: 'transport',
  recurrence: 'diagonal',
  m: '256',
  alpha: '0.5',
  T: '10',
  n: '256',
  nTest: '256',
  eta: '0.2',
  steps: '3000',
  'projection.kind': 'maxnorm',
  'projection.rho': '10',
  'inputs.r': '0.5',
  seed: '1',
};

/** Readable labels; a field without one shows its schema name. */
const LABELS: Record<string, string> = {
  system: 'System',
  n: 'Sequences n',
  nTest: 'Test sequences',
  T: 'Length T',
  d: 'Input dimension d',
  'inputs.kind': 'Inputs',
  'inputs.scale': 'Input scale',
  'inputs.r': 'AR(1) coefficient r',
  noise: 'Label noise σ',
  normalize: 'Normalization',
  recurrence: 'Recurrence',
  activation: 'Activation',
  readout: 'Readout',
  m: 'Width m',
  alpha: 'Scale α',
  w: 'Init law of w_i(0)',
  eta: 'Step size η',
  steps: 'Steps τ',
  'projection.kind': 'Projection',
  'projection.rho': 'Projection radius ρ',
  batchSize: 'Batch size (0: full)',
  recordEvery: 'Record every',
  'data.alpha': 'Teacher α',
  'data.activation': 'Teacher activation',
  'data.recurrence': 'Teacher recurrence',
  M: 'Teacher particles M',
  map: 'Teacher map',
  wInit: 'Teacher w init',
  nuW: 'Teacher ν_w',
  nuU: 'Teacher ν_u',
  kappa: 'Teacher κ',
  beta: 'β (list)',
  gamma: 'γ (list)',
  memoryFn: 'Memory function',
  antithetic: 'Antithetic particles',
  seParticles: 'Particles for the std. error',
  backend: 'Teacher kernels on',
  mTeacher: 'Teacher width',
  nu: 'Teacher radius ν',
  anchors: 'Anchors',
  r: 'Filter pole r',
  k: 'Delay k',
  coordinate: 'Input coordinate',
};
const SECTIONS: [string, string][] = [
  ['data', 'Data'],
  ['model', 'Model'],
  ['init', 'Initialization'],
  ['train', 'Training'],
];

const idOf = (key: string) => `f-${key.replace(/\./g, '-')}`;
const systemOf = (v: FormValues) => v.system ?? PAGE_DEFAULTS.system;

function initialValue(f: FieldDef, system: string): string {
  return PAGE_DEFAULTS[f.key] ?? textOf(f, defaultOf(f, f.group === 'data' ? system : ''));
}

// ---- state ----------------------------------------------------------------------------------------
type Phase = 'idle' | 'setup' | 'running' | 'paused';

export interface RunView {
  id: number;
  config: RunConfig;
  values: FormValues;
  records: MetricRecord[];
  status: 'setup' | Update['status'] | 'cancelled' | 'failed';
  info: SetupInfo | null;
  message?: string;
  modelText?: string;
  color: string;
  visible: boolean;
}

const PALETTE = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4b5563'];

export function createTrainView(): { show(): void; followLink(hash: URLSearchParams): void; state: () => unknown } {
  const form = $<HTMLFormElement>('config');
  const startBtn = $<HTMLButtonElement>('start');
  const pauseBtn = $<HTMLButtonElement>('pause');
  const resumeBtn = $<HTMLButtonElement>('resume');
  const cancelBtn = $<HTMLButtonElement>('cancel');
  const clearBtn = $<HTMLButtonElement>('clear-runs');
  const statusEl = $('status');
  const errorEl = $('error');
  const runsEl = $('runs');

  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const wrappers = new Map<string, HTMLElement>();

  let phase: Phase = 'idle';
  const runs: RunView[] = [];
  let current: RunView | null = null;
  let lastUpdate: Update | null = null;
  let preds: Update['predictions'];
  let nextId = 1;
  /** Bumped when a worker is replaced or a run ends early: answers for older runs are ignored. */
  let generation = 0;

  let worker: Worker;
  let api: Comlink.Remote<DemoWorkerApi>;
  const newWorker = () => {
    worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'rnn-gd-train' });
    api = Comlink.wrap<DemoWorkerApi>(worker);
  };
  newWorker();

  const values = (): FormValues => Object.fromEntries([...inputs].map(([k, el]) => [k, el.value]));
  /** The system whose defaults the data fields hold (a system change replaces those still at them). */
  let lastSystem = PAGE_DEFAULTS.system;
  buildForm();

  /** Fills the form from the URL: each key the URL names, the default for the others. */
  function applySetting(hash: URLSearchParams): void {
    const system = hash.get('system') ?? PAGE_DEFAULTS.system;
    for (const f of FIELDS) inputs.get(f.key)!.value = hash.get(f.key) ?? initialValue(f, system);
    inputs.get(SEED_KEY)!.value = hash.get(SEED_KEY) ?? PAGE_DEFAULTS.seed;
    lastSystem = systemOf(values());
    updateVisibility();
    // A link that sets a folded field unfolds its details, so the setting it carries is on screen.
    for (const f of FIELDS)
      if (hash.get(f.key)) {
        const details = wrappers.get(f.key)?.closest('details');
        if (details) details.open = true;
      }
  }

  function buildForm(): void {
    const host = $('fields');
    for (const [group, title] of SECTIONS) {
      const set = document.createElement('fieldset');
      set.className = 'group';
      const legend = document.createElement('legend');
      legend.textContent = title;
      const grid = document.createElement('div');
      grid.className = 'fields';
      set.append(legend, grid);
      // The teacher's and the inputs' details fold away (one-line hints under each field).
      let details: HTMLDetailsElement | null = null;
      let detailsGrid: HTMLElement | null = null;
      if (group === 'data') {
        details = document.createElement('details');
        details.className = 'advanced';
        details.id = 'data-details';
        const summary = document.createElement('summary');
        summary.textContent = 'Teacher and input details (κ, β, γ, memory function, particles, noise…)';
        detailsGrid = document.createElement('div');
        detailsGrid.className = 'fields';
        details.append(summary, detailsGrid);
      }
      for (const f of FIELDS.filter((x) => x.group === group)) {
        const wrap = document.createElement('div');
        wrap.className = 'field';
        const label = document.createElement('label');
        label.htmlFor = idOf(f.key);
        label.textContent = LABELS[f.key] ?? f.path.join('.');
        let input: HTMLInputElement | HTMLSelectElement;
        if (f.kind === 'enum' || f.kind === 'boolean') {
          const sel = document.createElement('select');
          for (const o of f.kind === 'boolean' ? ['false', 'true'] : f.options!) sel.append(new Option(o, o));
          input = sel;
        } else {
          const inp = document.createElement('input');
          if (f.kind === 'numbers') {
            inp.type = 'text';
            inp.placeholder = 'default (comma-separated numbers)';
          } else {
            inp.type = 'number';
            inp.step = f.kind === 'integer' ? '1' : 'any';
            if (f.min !== undefined && !f.minExclusive) inp.min = String(f.min);
            if (f.max !== undefined) inp.max = String(f.max);
            if (!f.required) inp.placeholder = 'default';
          }
          input = inp;
        }
        input.id = idOf(f.key);
        input.name = f.key;
        inputs.set(f.key, input);
        wrappers.set(f.key, wrap);
        wrap.append(label, input);
        const hint = HINTS[f.key];
        if (hint) {
          const small = document.createElement('small');
          small.className = 'hint';
          small.id = `${idOf(f.key)}-hint`;
          small.textContent = hint;
          input.setAttribute('aria-describedby', small.id);
          wrap.append(small);
        }
        (detailsGrid && !BASIC_DATA_FIELDS.has(f.key) ? detailsGrid : grid).append(wrap);
      }
      if (details) set.append(details);
      // The one seed, with the training options.
      if (group === 'train') {
        const wrap = document.createElement('div');
        wrap.className = 'field wide';
        wrap.innerHTML = `<label for="f-seed">Seed (data, init and batches)</label><span class="with-button"><input id="f-seed" name="seed" type="number" min="0" max="4294967295" step="1" required><button type="button" id="new-seed" title="Draw a new random seed">new seed</button></span>`;
        grid.append(wrap);
      }
      host.append(set);
    }
    const seed = $<HTMLInputElement>('f-seed');
    inputs.set(SEED_KEY, seed);
    $('new-seed').addEventListener('click', () => {
      seed.value = String(crypto.getRandomValues(new Uint32Array(1))[0]);
      onFormChange();
    });
    $<HTMLSelectElement>('f-system').addEventListener('change', () => {
      // Fields still at the old system's default take the new system's default.
      const next = systemOf(values());
      for (const f of dataFields) {
        const input = inputs.get(f.key)!;
        if (PAGE_DEFAULTS[f.key] === undefined && input.value === textOf(f, defaultOf(f, lastSystem)))
          input.value = textOf(f, defaultOf(f, next));
      }
      lastSystem = next;
    });
    applySetting(readHash());
  }

  function updateVisibility(): void {
    const v = values();
    for (const f of FIELDS) wrappers.get(f.key)!.hidden = !isShown(f, v);
  }

  function runConfig(v: FormValues): RunConfig {
    const c = configsOf(FIELDS, v);
    return {
      data: { ...(c.data ?? {}), system: systemOf(v) },
      model: c.model ?? {},
      init: c.init ?? {},
      train: (c.train ?? {}) as RunConfig['train'],
      seed: Number(v[SEED_KEY]),
    };
  }

  /**
   * The package's validation and the capacity check, in the page, before any work: a clear
   * message naming the field (and what to change, in the page's own fields) instead of a set-up
   * that runs for a minute and then fails.
   */
  function check(c: RunConfig): string | null {
    for (const [key, el] of inputs) {
      if (wrappers.get(key)?.hidden) continue;
      if (el instanceof HTMLInputElement && !el.checkValidity())
        return `${el.labels?.[0]?.textContent?.trim() ?? key}: ${el.validationMessage}`;
    }
    if (!Number.isSafeInteger(c.seed) || c.seed < 0) return 'Seed: must be a non-negative integer';
    try {
      return capacityAdvice(planPageRun(c));
    } catch (err) {
      return (err as Error).message;
    }
  }

  // ---- phases and rendering ------------------------------------------------------------------------
  function setPhase(p: Phase): void {
    phase = p;
    const busy = p === 'running' || p === 'setup';
    startBtn.disabled = busy;
    pauseBtn.disabled = p !== 'running';
    resumeBtn.disabled = p !== 'paused';
    cancelBtn.disabled = p !== 'setup';
    cancelBtn.hidden = p !== 'setup';
    clearBtn.disabled = busy || runs.length === 0;
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>(
      '#fields input, #fields select, #new-seed',
    ))
      el.disabled = busy;
    document.body.dataset.phase = p;
    if (!busy && pendingLink) {
      const link = pendingLink;
      pendingLink = null;
      followLink(link);
    }
  }

  /**
   * A link opened in this tab (only the hash changed, so the page did not reload): the form takes
   * its setting; during a run or a set-up, as soon as that ends.
   */
  let pendingLink: URLSearchParams | null = null;
  function followLink(hash: URLSearchParams): void {
    if (phase === 'running' || phase === 'setup') {
      pendingLink = hash;
      return;
    }
    applySetting(hash);
    writeHash(TRAIN_KEYS, values());
    renderBound();
  }

  function showError(msg: string | null): void {
    errorEl.hidden = !msg;
    errorEl.textContent = msg ?? '';
    // A message that names a folded field unfolds it, so the field it names is on screen.
    const named = msg ? /field '([\w.]+)'/.exec(msg)?.[1] : undefined;
    const details = named ? wrappers.get(named)?.closest('details') : null;
    if (details) details.open = true;
  }

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
  const rhoOf = (c: RunConfig) =>
    (c.train.projection as { kind?: string; rho?: number } | undefined)?.kind === 'maxnorm'
      ? (c.train.projection as { rho: number }).rho
      : undefined;
  const label = (r: RunView) => {
    const d = r.config.data,
      m = r.config.model,
      t = r.config.train;
    return `#${r.id} ${d.system}, ${m.recurrence} m=${m.m}, α=${m.alpha}, T=${d.T ?? 10}, η=${t.eta}, seed ${r.config.seed}`;
  };

  function render(): void {
    const ids = ['chart-risk', 'chart-rho', 'chart-memory', 'chart-pred'];
    const widths = Object.fromEntries(ids.map((id) => [id, svg(id).getBoundingClientRect().width]));
    const shown = runs.filter((r) => r.visible && r.records.length > 0);
    const line = (r: RunView, f: (x: MetricRecord) => number | undefined, dashed = false): Series => ({
      name: label(r),
      points: r.records.map((x) => [x.step, f(x) ?? Number.NaN] as const),
      className: dashed ? 'test' : 'train',
      // Colour says which run, line style says training or test: never the other way round.
      color: r.color,
      dashed,
    });
    drawChart(
      svg('chart-risk'),
      {
        xLabel: 'step s',
        yLabel: 'risk R',
        logY: true,
        series: shown.flatMap((r) => [line(r, (x) => x.risk), line(r, (x) => x.testRisk, true)]),
        legend: [
          { name: 'training (solid)', className: 'key' },
          { name: 'test (dashed)', className: 'key', dashed: true },
          { name: 'colour = run', className: 'key-none' },
        ],
      },
      widths['chart-risk'],
    );
    const rhos = [...new Set(shown.map((r) => rhoOf(r.config)).filter((x): x is number => x !== undefined))];
    drawChart(
      svg('chart-rho'),
      {
        xLabel: 'step s',
        yLabel: 'ρ_s',
        series: shown.map((r) => line(r, (x) => x.rhoEff)),
        legend: [{ name: 'ρ_s (colour = run)', className: 'key' }],
        rules: rhos.map((rho) => ({ y: rho, label: `ρ = ${rho}`, className: 'bad' })),
        yInclude: [0],
      },
      widths['chart-rho'],
    );
    drawChart(
      svg('chart-memory'),
      {
        xLabel: 'step s',
        yLabel: 'a_s',
        series: shown.map((r) => line(r, (x) => x.memoryFactor)),
        legend: [{ name: 'a_s (colour = run)', className: 'key' }],
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
        series: [
          {
            name: `test sequences${current ? ` (run #${current.id})` : ''}`,
            points: pts,
            className: 'test',
            dots: true,
          },
        ],
      },
      widths['chart-pred'],
    );
    const last = current?.records[current.records.length - 1];
    if (current && last) {
      $('risk-desc').textContent =
        `${shown.length} run(s). Run #${current.id}, step ${last.step}: training risk ${formatNumber(last.risk)}, test risk ${formatNumber(last.testRisk ?? NaN)}; started at ${formatNumber(current.records[0].risk)}.`;
      const rho = rhoOf(current.config);
      $('rho-desc').textContent =
        `Run #${current.id}, step ${last.step}: effective radius ${formatNumber(last.rhoEff)}${rho !== undefined ? ` of the projection radius ${rho}` : ''}.`;
      $('mem-desc').textContent =
        `Run #${current.id}, step ${last.step}: memory factor ${formatNumber(last.memoryFactor)} (below 1: short memory).`;
    }
    if (preds)
      $('pred-desc').textContent =
        `${preds.target.length} test sequences: prediction against target, with the diagonal y = x.`;
    renderStatus();
    renderRuns();
    // The bound panel's measured values change slowly: twice a second is enough during a run.
    const now = performance.now();
    if (phase !== 'running' || now - boundAt > 500) {
      boundAt = now;
      renderBound();
    }
  }
  let boundAt = 0;

  function renderStatus(): void {
    if (phase === 'setup') {
      statusEl.textContent = 'Generating data and initializing… (Cancel stops it)';
      return;
    }
    const u = lastUpdate;
    const last = current?.records[current.records.length - 1];
    if (!current || !u || !last) {
      statusEl.textContent = current?.status === 'cancelled' ? 'Set-up cancelled.' : 'Ready.';
      return;
    }
    const words = { running: 'Training', paused: 'Paused', completed: 'Done', diverged: 'Diverged' }[u.status];
    statusEl.textContent =
      `Run #${current.id}: ${words}: step ${u.step} of ${current.config.train.steps} · training risk ${formatNumber(last.risk)}` +
      (last.testRisk !== undefined ? ` · test risk ${formatNumber(last.testRisk)}` : '') +
      (u.status === 'running' ? ` · ${Math.round(u.stepsPerSecond).toLocaleString('en')} steps/s` : '') +
      (current.info ? ` · ${current.info.backend} (${current.info.wasmSource}) · seed ${current.config.seed}` : '');
  }

  let runsRendered = '';
  function renderRuns(): void {
    // Rebuilt only when something a visitor sees in the list changed (not on every frame).
    const key = runs.map((r) => `${r.id}:${r.status}:${r.visible}:${!!r.modelText}:${r.records.length > 0}`).join('|');
    if (key === runsRendered) return;
    runsRendered = key;
    runsEl.replaceChildren();
    $('runs-empty').hidden = runs.length > 0;
    for (const r of runs) {
      const li = document.createElement('li');
      li.dataset.run = String(r.id);
      const show = document.createElement('input');
      show.type = 'checkbox';
      show.checked = r.visible;
      show.id = `run-show-${r.id}`;
      show.addEventListener('change', () => {
        r.visible = show.checked;
        scheduleRender();
      });
      const name = document.createElement('label');
      name.htmlFor = show.id;
      name.innerHTML = `<span class="swatch" style="background:${r.color}"></span>`;
      name.append(`${label(r)} — ${r.status}${r.message ? `: ${r.message}` : ''}`);
      const actions = document.createElement('span');
      actions.className = 'run-actions';
      if (r.records.length > 0) {
        actions.append(downloadButton('metrics.csv', `run${r.id}-metrics.csv`, () => metricsCsv(r.records)));
      }
      if (r.modelText) actions.append(downloadButton('model.json', `run${r.id}-model.json`, () => r.modelText!));
      const again = document.createElement('button');
      again.type = 'button';
      again.textContent = 'use setting';
      again.title = 'Put this run’s setting into the form (and the URL)';
      again.disabled = phase === 'running' || phase === 'setup';
      again.addEventListener('click', () => {
        for (const [k, el] of inputs) el.value = r.values[k] ?? '';
        onFormChange();
      });
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'remove';
      remove.disabled = r === current && (phase === 'running' || phase === 'setup');
      remove.addEventListener('click', () => {
        runs.splice(runs.indexOf(r), 1);
        if (r === current) {
          current = null;
          preds = undefined;
          lastUpdate = null;
        }
        setPhase(phase === 'paused' && !current ? 'idle' : phase);
        scheduleRender();
      });
      actions.append(again, remove);
      li.append(show, name, actions);
      runsEl.append(li);
    }
  }

  function renderBound(): void {
    // The current run's setting while it trains; the form's otherwise, with the run's measurements
    // when the form still holds that run's setting.
    const busy = phase === 'running' || phase === 'setup';
    const v = busy && current ? current.values : values();
    const c = busy && current ? current.config : runConfig(v);
    const same = !!current && (busy || JSON.stringify(current.values) === JSON.stringify(v));
    renderBoundPanel(
      { regime: $('regime'), list: $('bound'), notes: $('bound-notes') },
      {
        activation: String(c.model.activation ?? 'tanh'),
        recurrence: String(c.model.recurrence),
        alpha: Number(c.model.alpha),
        T: Number(c.data.T ?? 10),
        m: Number(c.model.m),
        n: Number(c.data.n ?? 512),
        eta: Number(c.train.eta),
        steps: Number(c.train.steps),
        rho: rhoOf(c),
        info: same ? current!.info : null,
        records: same ? current!.records : undefined,
        system: String(c.data.system),
        transportNu: { nuW: Number(c.data.nuW ?? 1), nuU: Number(c.data.nuU ?? 1) },
      },
    );
  }

  // ---- actions ---------------------------------------------------------------------------------------
  async function start(): Promise<void> {
    showError(null);
    const v = values();
    const c = runConfig(v);
    const problem = check(c);
    if (problem) {
      showError(problem);
      return;
    }
    // The paused run (if any) keeps its records and model; its worker state is replaced.
    writeHash(TRAIN_KEYS, v);
    const run: RunView = {
      id: nextId++,
      config: c,
      values: v,
      records: [],
      status: 'setup',
      info: null,
      color: PALETTE[(nextId - 2) % PALETTE.length],
      visible: true,
    };
    runs.push(run);
    current = run;
    preds = undefined;
    lastUpdate = null;
    const gen = ++generation;
    setPhase('setup');
    render();
    try {
      run.info = await api.setup(c);
    } catch (err) {
      if (gen !== generation) return;
      run.status = 'failed';
      run.message = (err as Error).message;
      setPhase('idle');
      showError((err as Error).message);
      render();
      return;
    }
    if (gen !== generation) return;
    await train(run, gen);
  }

  async function train(run: RunView, gen: number): Promise<void> {
    setPhase('running');
    run.status = 'running';
    try {
      const final = await api.run(
        Comlink.proxy((u: Update) => {
          if (gen !== generation) return;
          run.records.push(...u.records);
          run.status = u.status;
          lastUpdate = u;
          if (u.predictions) preds = u.predictions;
          scheduleRender();
        }),
      );
      if (gen !== generation) return;
      run.status = final.status;
      if (final.message) run.message = final.message;
      if (final.status === 'diverged' && final.message) showError(final.message);
      run.modelText = await api.modelJson();
      setPhase(final.status === 'paused' ? 'paused' : 'idle');
    } catch (err) {
      if (gen !== generation) return;
      run.status = 'failed';
      showError((err as Error).message);
      setPhase('idle');
    }
    scheduleRender();
  }

  /** Ends the set-up at once: the worker (busy generating data) is ended and a fresh one takes its place. */
  function cancelSetup(): void {
    if (phase !== 'setup' || !current) return;
    generation++;
    worker.terminate();
    newWorker();
    current.status = 'cancelled';
    setPhase('idle');
    render();
  }

  function onFormChange(): void {
    updateVisibility();
    if (phase !== 'running' && phase !== 'setup') writeHash(TRAIN_KEYS, values());
    if (phase === 'idle' || phase === 'paused') renderBound();
  }

  startBtn.addEventListener('click', () => void start());
  pauseBtn.addEventListener('click', () => void api.pause());
  resumeBtn.addEventListener('click', () => {
    if (current && phase === 'paused') void train(current, generation);
  });
  cancelBtn.addEventListener('click', cancelSetup);
  clearBtn.addEventListener('click', () => {
    generation++;
    void api.reset();
    runs.length = 0;
    current = null;
    preds = undefined;
    lastUpdate = null;
    showError(null);
    setPhase('idle');
    render();
  });
  form.addEventListener('input', onFormChange);
  form.addEventListener('change', onFormChange);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void start();
  });

  setPhase('idle');
  // The URL holds the whole setting from the start, so a link copied at once reproduces this run.
  writeHash(TRAIN_KEYS, values());
  new ResizeObserver(() => scheduleRender()).observe($('train-charts'));
  return {
    show: () => scheduleRender(),
    followLink,
    state: () => ({
      phase,
      runs: runs.map((r) => ({ id: r.id, status: r.status, config: r.config, records: r.records, info: r.info })),
      current: current?.id ?? null,
      step: lastUpdate?.step ?? 0,
      predictions: preds,
      values: values(),
    }),
  };
}
