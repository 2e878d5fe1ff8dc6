/**
 * The experiments view: any experiment of the package's registry, run on a pool of module Web
 * Workers (the package's browser pool), each finished point checkpointed in IndexedDB at once; the
 * report (verdict, reason, fits, tables, plots) rebuilt by the package's report builder as points
 * arrive and shown as its report.md renders; downloads of the sweep directory's files in the
 * package's formats. A reload (or a closed tab) loses no finished point: the page offers to
 * resume, and a resume runs only the points not yet finished. This module wires the phases and
 * the actions; the state is one object (lab/state.ts) that the render functions read.
 */
import {
  createBrowserPool,
  driveSweep,
  type PointResult,
  type SweepManifest,
  type SweepPlan,
} from 'rnn-gd/experiments';
import { $ } from '../shared/dom';
import { readHash } from '../shared/hash';
import { offerResume } from './offer';
import { createReportPane } from './report-pane';
import {
  applyLabSetting,
  cores,
  defaultSeeds,
  describeSetting,
  labControls,
  planLabSweep,
  writeLabSetting,
} from './setting';
import { counts, isLabBusy, newLabState, showSweep, type LabPhase, type LabState } from './state';
import { renderLabStatus } from './status';
import { getPoints, getSweep, listSweeps, putPoint, putSweep, type StoredSweep } from './sweep-store';

/** The stored manifest of a sweep, with what the plan knows that older pages did not record. */
const storedManifest = (stored: StoredSweep | undefined, sweep: SweepPlan): SweepManifest =>
  stored ? { ...stored.manifest, search: sweep.manifest.search } : sweep.manifest;

const now = () => new Date().toISOString();

export function createLabView(): { show(): void; followLink(hash: URLSearchParams): void; state: () => unknown } {
  const controls = labControls();
  const runBtn = $<HTMLButtonElement>('lab-run');
  const stopBtn = $<HTMLButtonElement>('lab-stop');
  const statusEl = $('lab-status');
  const errorEl = $('lab-error');
  const offerEl = $('lab-offer');
  applyLabSetting(controls, readHash());
  const s: LabState = newLabState();
  const report = createReportPane(s);
  const renderStatus = () => renderLabStatus(s, statusEl);
  /** A link that arrived during a sweep: followed once it has stopped. */
  let pendingLink: URLSearchParams | null = null;

  function setPhase(p: LabPhase): void {
    s.phase = p;
    const busy = isLabBusy(s);
    runBtn.disabled = busy;
    stopBtn.disabled = p !== 'running';
    for (const el of Object.values(controls)) el.disabled = busy;
    document.body.dataset.labPhase = p;
    if (!busy && pendingLink) {
      const link = pendingLink;
      pendingLink = null;
      followLink(link);
    }
  }

  const showError = (msg: string | null) => {
    errorEl.hidden = !msg;
    errorEl.textContent = msg ?? '';
  };

  // ---- run, stop, resume -----------------------------------------------------------------------------
  async function run(): Promise<void> {
    showError(null);
    offerEl.hidden = true;
    if (!controls.seeds.checkValidity() || !controls.workers.checkValidity()) {
      showError(`Seeds and workers: positive integers (workers at most ${cores()}, this machine's cores)`);
      return;
    }
    writeLabSetting(controls);
    let p: ReturnType<typeof planLabSweep>;
    try {
      p = planLabSweep(controls);
    } catch (err) {
      showError((err as Error).message);
      return;
    }
    const stored = await getSweep(p.key);
    const manifest = storedManifest(stored, p.sweep);
    showSweep(s, { manifest, plan: p.sweep, key: p.key, results: stored ? await getPoints(p.key) : [] });
    await report.schedule(true);
    if (counts(s)!.complete) {
      // Finished (a width search's skipped grid points are not needed): Run has nothing to do.
      if (stored && stored.status !== 'completed')
        await putSweep({ ...stored, manifest, status: 'completed', updatedAt: now() });
      setPhase('done');
      renderStatus();
      return;
    }
    const record: StoredSweep = { key: p.key, manifest, status: 'running', updatedAt: now() };
    await putSweep(record);
    const controller = new AbortController();
    s.controller = controller;
    setPhase('running');
    renderStatus();
    // The package's sweep driver, as `rnn-gd experiment run` uses it, with IndexedDB for the sweep
    // directory: the same points are trained, a finished width search is done, a resume replays it.
    const store = {
      done: new Map(s.results.map((r) => [r.id, r] as const)),
      append: async (r: PointResult) => {
        await putPoint(p.key, r); // committed before the point counts as finished
        if (manifest !== s.manifest) return;
        s.results.push(r);
        void report.schedule();
      },
    };
    try {
      const outcome = await driveSweep({
        plan: p.sweep,
        store,
        executor: (todo) => createBrowserPool({ size: Math.min(p.s.workers, todo), backend: 'wasm' }),
        signal: controller.signal,
        graceMs: 2000,
        onProgress: (pr) => {
          s.progress = pr;
          renderStatus();
        },
      });
      if (outcome.share.complete && stored?.status !== 'completed')
        await putSweep({ ...record, status: 'completed', updatedAt: now() });
    } catch (err) {
      showError((err as Error).message);
    } finally {
      s.controller = null;
    }
    await report.schedule(true);
    setPhase(counts(s)?.complete ? 'done' : 'idle');
    renderStatus();
  }

  function stop(): void {
    if (s.phase !== 'running' || !s.controller) return;
    setPhase('stopping');
    s.controller.abort();
    renderStatus();
  }

  /** Offers to resume the most recent unfinished sweep, if any; shows a finished one of the URL's setting. */
  async function offer(): Promise<void> {
    let sweeps: StoredSweep[];
    try {
      sweeps = await listSweeps();
    } catch (err) {
      showError(`The browser refuses IndexedDB (${(err as Error).message}): sweeps run, but a reload loses them.`);
      return;
    }
    const resume = (m: SweepManifest) => {
      controls.exp.value = m.experiment;
      controls.size.value = m.size;
      controls.seeds.value = String(m.seeds);
      describeSetting(controls);
      void run();
    };
    if (!(await offerResume(offerEl, sweeps, resume, () => void offer()))) await showLinkedSweep(sweeps);
  }

  /** A link to a finished sweep shows it from the checkpoint (nothing is run again). */
  async function showLinkedSweep(sweeps: StoredSweep[]): Promise<void> {
    if (readHash().get('view') !== 'lab' || isLabBusy(s)) return;
    let p: ReturnType<typeof planLabSweep>;
    try {
      p = planLabSweep(controls);
    } catch {
      return;
    }
    if (p.key === s.key && s.manifest) return; // already shown
    const stored = sweeps.find((x) => x.key === p.key && x.status === 'completed');
    showSweep(
      s,
      stored
        ? {
            manifest: storedManifest(stored, p.sweep),
            plan: p.sweep,
            key: stored.key,
            results: await getPoints(stored.key),
          }
        : null,
    );
    await report.schedule(true);
    setPhase(stored ? 'done' : 'idle');
    renderStatus();
  }

  /**
   * A link opened in this tab (only the hash changed, so the page did not reload): the setting
   * takes it, and a finished sweep of that setting is shown; during a sweep, once it has stopped.
   */
  function followLink(hash: URLSearchParams): void {
    if (isLabBusy(s)) {
      pendingLink = hash;
      return;
    }
    applyLabSetting(controls, hash);
    writeLabSetting(controls);
    describeSetting(controls);
    showError(null);
    void listSweeps().then(showLinkedSweep, () => undefined);
  }

  const onSettingChange = () => {
    if (isLabBusy(s)) return;
    writeLabSetting(controls);
    describeSetting(controls);
  };
  controls.exp.addEventListener('change', () => {
    controls.seeds.value = String(defaultSeeds(controls));
    onSettingChange();
  });
  controls.size.addEventListener('change', onSettingChange);
  controls.seeds.addEventListener('input', onSettingChange);
  controls.workers.addEventListener('input', onSettingChange);
  runBtn.addEventListener('click', () => void run());
  stopBtn.addEventListener('click', stop);
  setPhase('idle');
  // The URL holds the whole setting from the start, so a link copied at once reproduces this sweep.
  writeLabSetting(controls);
  describeSetting(controls);
  renderStatus();
  void offer();

  return {
    followLink,
    show: () => {
      /* the report is rendered as points arrive */
    },
    state: () => ({
      phase: s.phase,
      key: s.key,
      total: s.total,
      resumed: s.resumed,
      /** trained (finished), notNeeded (grid points a finished width search skipped), complete */
      counts: counts(s),
      results: [...s.results].sort((a, b) => a.index - b.index),
      verdict: s.built?.analysis.verdict ?? null,
      reason: s.built?.analysis.reason ?? null,
      files: report.files().map((f) => f.name),
      reportPoints: s.built ? s.built.analysis && s.results.length : 0,
    }),
  };
}
