/**
 * The training view: a form derived from the package's schemas, a training worker (comlink), runs
 * kept and overlaid on the charts (risk, ρ_s, memory factor), downloads of a run's model.json and
 * metrics.csv as `rnn-gd train` writes them, the capacity check before set-up, a Cancel that ends
 * the set-up (the worker is replaced), and the bound panel. The main thread only renders (at most
 * once per animation frame); the numerics run in the worker. This module wires the phases and the
 * actions; the state is one object (train/state.ts) that the render functions read.
 */
import * as Comlink from 'comlink';
import { $ } from '../shared/dom';
import { writeHash } from '../shared/hash';
import { renderBoundPanel } from './bound-panel';
import { renderCharts } from './charts';
import { TRAIN_KEYS } from './fields';
import { applySetting, buildForm, checkRun, formValues, runConfig, setValues, unfold, updateVisibility } from './form';
import type { DemoWorkerApi, Update } from './protocol';
import { renderRuns, renderStatus, type RunActions, type RunList } from './runs';
import { addRun, dropCurrent, isBusy, newTrainState, rhoOf, type Phase, type RunView, type TrainState } from './state';

export function createTrainView(): { show(): void; followLink(hash: URLSearchParams): void; state: () => unknown } {
  const form = $<HTMLFormElement>('config');
  const buttons = {
    start: $<HTMLButtonElement>('start'),
    pause: $<HTMLButtonElement>('pause'),
    resume: $<HTMLButtonElement>('resume'),
    cancel: $<HTMLButtonElement>('cancel'),
    clear: $<HTMLButtonElement>('clear-runs'),
  };
  const statusEl = $('status');
  const errorEl = $('error');
  const runList: RunList = { el: $('runs'), shown: '' };
  const s: TrainState = newTrainState();
  /** A link that arrived during a run or a set-up: followed as soon as that ends. */
  let pendingLink: URLSearchParams | null = null;
  /** When the bound panel was last drawn during a run. */
  let boundAt = 0;

  let worker: Worker;
  let api: Comlink.Remote<DemoWorkerApi>;
  const newWorker = () => {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'rnn-gd-train' });
    api = Comlink.wrap<DemoWorkerApi>(worker);
  };
  newWorker();

  const fields = buildForm(() => onFormChange());
  const values = () => formValues(fields);

  function setPhase(p: Phase): void {
    s.phase = p;
    const busy = isBusy(s);
    buttons.start.disabled = busy;
    buttons.pause.disabled = p !== 'running';
    buttons.resume.disabled = p !== 'paused';
    buttons.cancel.disabled = p !== 'setup';
    buttons.cancel.hidden = p !== 'setup';
    buttons.clear.disabled = busy || s.runs.length === 0;
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
  function followLink(hash: URLSearchParams): void {
    if (isBusy(s)) {
      pendingLink = hash;
      return;
    }
    applySetting(fields, hash);
    writeHash(TRAIN_KEYS, values());
    renderBound();
  }

  function showError(msg: string | null): void {
    errorEl.hidden = !msg;
    errorEl.textContent = msg ?? '';
    // A message that names a folded field unfolds it, so the field it names is on screen.
    const named = msg ? /field '([\w.]+)'/.exec(msg)?.[1] : undefined;
    if (named) unfold(fields, named);
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

  const runActions: RunActions = {
    toggled: scheduleRender,
    useSetting: (r) => {
      setValues(fields, r.values);
      onFormChange();
    },
    remove: (r) => {
      s.runs.splice(s.runs.indexOf(r), 1);
      if (r === s.current) dropCurrent(s);
      setPhase(s.phase === 'paused' && !s.current ? 'idle' : s.phase);
      scheduleRender();
    },
  };

  function render(): void {
    renderCharts(s);
    renderStatus(s, statusEl);
    renderRuns(runList, s, runActions);
    // The bound panel's measured values change slowly: twice a second is enough during a run.
    const now = performance.now();
    if (s.phase !== 'running' || now - boundAt > 500) {
      boundAt = now;
      renderBound();
    }
  }

  function renderBound(): void {
    // The current run's setting while it trains; the form's otherwise, with the run's measurements
    // when the form still holds that run's setting.
    const { current } = s;
    const busy = isBusy(s);
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
    const problem = checkRun(fields, c);
    if (problem) {
      showError(problem);
      return;
    }
    // The paused run (if any) keeps its records and model; its worker state is replaced.
    writeHash(TRAIN_KEYS, v);
    const run = addRun(s, c, v);
    const gen = ++s.generation;
    setPhase('setup');
    render();
    try {
      run.info = await api.setup(c);
    } catch (err) {
      if (gen !== s.generation) return;
      run.status = 'failed';
      run.message = (err as Error).message;
      setPhase('idle');
      showError((err as Error).message);
      render();
      return;
    }
    if (gen !== s.generation) return;
    await train(run, gen);
  }

  async function train(run: RunView, gen: number): Promise<void> {
    setPhase('running');
    run.status = 'running';
    try {
      const final = await api.run(
        Comlink.proxy((u: Update) => {
          if (gen !== s.generation) return;
          run.records.push(...u.records);
          run.status = u.status;
          s.lastUpdate = u;
          if (u.predictions) s.preds = u.predictions;
          scheduleRender();
        }),
      );
      if (gen !== s.generation) return;
      run.status = final.status;
      if (final.message) run.message = final.message;
      if (final.status === 'diverged' && final.message) showError(final.message);
      run.modelText = await api.modelJson();
      setPhase(final.status === 'paused' ? 'paused' : 'idle');
    } catch (err) {
      if (gen !== s.generation) return;
      run.status = 'failed';
      showError((err as Error).message);
      setPhase('idle');
    }
    scheduleRender();
  }

  /** Ends the set-up at once: the worker (busy generating data) is ended and a fresh one takes its place. */
  function cancelSetup(): void {
    if (s.phase !== 'setup' || !s.current) return;
    s.generation++;
    worker.terminate();
    newWorker();
    s.current.status = 'cancelled';
    setPhase('idle');
    render();
  }

  function onFormChange(): void {
    updateVisibility(fields);
    if (!isBusy(s)) writeHash(TRAIN_KEYS, values());
    if (s.phase === 'idle' || s.phase === 'paused') renderBound();
  }

  buttons.start.addEventListener('click', () => void start());
  buttons.pause.addEventListener('click', () => void api.pause());
  buttons.resume.addEventListener('click', () => {
    if (s.current && s.phase === 'paused') void train(s.current, s.generation);
  });
  buttons.cancel.addEventListener('click', cancelSetup);
  buttons.clear.addEventListener('click', () => {
    s.generation++;
    void api.reset();
    s.runs.length = 0;
    dropCurrent(s);
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
      phase: s.phase,
      runs: s.runs.map((r) => ({ id: r.id, status: r.status, config: r.config, records: r.records, info: r.info })),
      current: s.current?.id ?? null,
      step: s.lastUpdate?.step ?? 0,
      predictions: s.preds,
      values: values(),
    }),
  };
}
