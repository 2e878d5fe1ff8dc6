/**
 * The experiments view: any experiment of the package's registry, run on a pool of module Web
 * Workers (the package's browser pool), each finished point checkpointed in IndexedDB at once; the
 * report (verdict, reason, fits, tables, plots) rebuilt by the package's report builder as points
 * arrive and shown as its report.md renders; downloads of the sweep directory's files in the
 * package's formats. A reload (or a closed tab) loses no finished point: the page offers to
 * resume, and a resume runs only the points not yet finished.
 */
import {
  buildReport,
  createBrowserPool,
  driveSweep,
  EXPERIMENTS,
  getExperiment,
  planExperiment,
  planSweep,
  pointsText,
  reportFiles,
  shareStatus,
  SIZES,
  type BuiltReport,
  type PointResult,
  type ShareStatus,
  type Size,
  type SweepManifest,
  type SweepPlan,
  type SweepProgress,
} from 'rnn-gd/experiments';
import { download } from './downloads';
import { readHash, writeHash } from './hash';
import { markdownFragment, svgFragment } from './safe-html';
import {
  deleteSweep,
  getPoints,
  getSweep,
  listSweeps,
  putPoint,
  putSweep,
  sweepKey,
  type StoredSweep,
} from './sweep-store';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const LAB_KEYS = ['exp', 'size', 'seeds', 'workers'];

type Phase = 'idle' | 'running' | 'stopping' | 'done';

const cores = () => Math.max(1, navigator.hardwareConcurrency || 1);

export function createLabView(): { show(): void; followLink(hash: URLSearchParams): void; state: () => unknown } {
  const expSel = $<HTMLSelectElement>('lab-exp');
  const sizeSel = $<HTMLSelectElement>('lab-size');
  const seedsIn = $<HTMLInputElement>('lab-seeds');
  const workersIn = $<HTMLInputElement>('lab-workers');
  const runBtn = $<HTMLButtonElement>('lab-run');
  const stopBtn = $<HTMLButtonElement>('lab-stop');
  const statusEl = $('lab-status');
  const errorEl = $('lab-error');
  const offerEl = $('lab-offer');
  const reportEl = $('lab-report');
  const verdictEl = $('lab-verdict');
  const filesEl = $('lab-files');

  for (const e of EXPERIMENTS) expSel.append(new Option(`${e.id} — ${e.title}`, e.id));
  for (const s of SIZES) sizeSel.append(new Option(s, s));
  workersIn.max = String(cores());

  /** Fills the setting from the URL: each key the URL names, the default for the others. */
  function applySetting(hash: URLSearchParams): void {
    const exp = hash.get('exp');
    const found = exp ? EXPERIMENTS.find((e) => e.id.toLowerCase() === exp.toLowerCase()) : undefined;
    expSel.value = found?.id ?? EXPERIMENTS[0].id;
    const size = hash.get('size');
    sizeSel.value = size && (SIZES as readonly string[]).includes(size) ? size : SIZES[0];
    seedsIn.value = hash.get('seeds') ?? String(getExperiment(expSel.value).defaultSeeds[sizeSel.value as Size]);
    workersIn.value = hash.get('workers') ?? String(Math.min(2, cores()));
  }
  applySetting(readHash());

  let phase: Phase = 'idle';
  let manifest: SweepManifest | null = null;
  let key = '';
  let results: PointResult[] = [];
  let built: BuiltReport | null = null;
  let progress: SweepProgress | null = null;
  let controller: AbortController | null = null;
  /** Points found in the checkpoint when the run started (not run again). */
  let resumed = 0;
  let total = 0;
  /** The sweep's plan (its points decide when a width-searched sweep is done). */
  let planned: SweepPlan | null = null;
  /** Trained, not needed, complete: what `rnn-gd experiment run` reports for the same points. */
  const counts = (): ShareStatus | null => (planned ? shareStatus(planned.share, results) : null);

  const setting = () => ({
    exp: expSel.value,
    size: sizeSel.value as Size,
    seeds: Number(seedsIn.value),
    workers: Number(workersIn.value),
  });

  function writeSetting(): void {
    const s = setting();
    writeHash(LAB_KEYS, { exp: s.exp, size: s.size, seeds: String(s.seeds), workers: String(s.workers) });
  }

  function setPhase(p: Phase): void {
    phase = p;
    const busy = p === 'running' || p === 'stopping';
    runBtn.disabled = busy;
    stopBtn.disabled = p !== 'running';
    for (const el of [expSel, sizeSel, seedsIn, workersIn]) el.disabled = busy;
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

  function describe(): void {
    const e = getExperiment(expSel.value);
    $('lab-claim').textContent = e.claim;
    const s = setting();
    let count = '';
    try {
      count = `${planSweep(e, s.size, { seeds: s.seeds }).length} points`;
    } catch (err) {
      count = (err as Error).message;
    }
    $('lab-plan').textContent = `${count} (${e.configs(s.size).length} configurations × ${s.seeds} seed(s)).`;
  }

  /**
   * The sweep of the current setting as `rnn-gd experiment run` plans it (the package's driver):
   * its points, manifest and checkpoint key (no work done).
   */
  function plan() {
    const s = setting();
    const sweep = planExperiment({ experiment: s.exp as never, size: s.size, seeds: s.seeds, backend: 'wasm' });
    return { s, sweep, key: sweepKey(sweep.manifest) };
  }

  /** The stored manifest of a sweep, with what the plan knows that older pages did not record. */
  const storedManifest = (stored: StoredSweep | undefined, sweep: SweepPlan): SweepManifest =>
    stored ? { ...stored.manifest, search: sweep.manifest.search } : sweep.manifest;

  /** What the verdict line adds while the sweep is not done (a finished width search is done). */
  function partialNote(): string {
    const c = counts();
    return c && !c.complete ? ` (partial: ${c.finished} points finished, the sweep is not done)` : '';
  }

  // ---- report ------------------------------------------------------------------------------------
  let reportTimer: ReturnType<typeof setTimeout> | null = null;
  let reportBusy: Promise<void> = Promise.resolve();
  /** Rebuilds the report at most every 400 ms while points arrive (and once at the end). */
  function scheduleReport(now = false): Promise<void> {
    if (reportTimer && !now) return reportBusy;
    if (reportTimer) clearTimeout(reportTimer);
    return new Promise((resolve) => {
      reportTimer = setTimeout(
        () => {
          reportTimer = null;
          reportBusy = reportBusy.then(renderReport).then(resolve, resolve);
        },
        now ? 0 : 400,
      );
    });
  }

  async function renderReport(): Promise<void> {
    const m = manifest;
    const snapshot = [...results];
    if (!m || snapshot.length === 0) {
      built = null;
      reportEl.replaceChildren();
      verdictEl.hidden = true;
      filesEl.replaceChildren();
      return;
    }
    const b = await buildReport(m, snapshot);
    if (m !== manifest) return; // another sweep started meanwhile
    built = b;
    verdictEl.hidden = false;
    verdictEl.className = `verdict ${b.analysis.verdict.replace(/ /g, '-')}`;
    const partial = partialNote();
    verdictEl.textContent = `${m.experiment}: ${b.analysis.verdict}${partial}. ${b.analysis.reason}`;
    // The report as report.md renders, with its plots inline (the same SVGs as the downloads).
    const doc = await markdownFragment(b.markdown);
    for (const img of doc.querySelectorAll('img')) {
      const plot = b.plots.find((p) => img.getAttribute('src') === `${p.name}.svg`);
      if (!plot?.svg) continue;
      const fig = document.createElement('div');
      fig.className = 'plot';
      fig.dataset.plot = plot.name;
      fig.append(svgFragment(plot.svg));
      const svgEl = fig.querySelector('svg');
      if (svgEl) {
        svgEl.setAttribute('role', 'img');
        svgEl.setAttribute('aria-label', plot.title);
      }
      img.replaceWith(fig);
    }
    for (const a of doc.querySelectorAll('a[href]')) {
      // Links to the sweep's own files download them.
      const name = a.getAttribute('href')!;
      if (!/^[\w.-]+$/.test(name)) continue;
      a.setAttribute('href', '#');
      a.setAttribute('data-file', name);
    }
    for (const t of doc.querySelectorAll('table')) {
      const wrap = document.createElement('div');
      wrap.className = 'table-wrap';
      t.replaceWith(wrap);
      wrap.append(t);
    }
    reportEl.replaceChildren(doc);
    renderFiles();
  }

  /** The sweep directory's files: sweep.json, points.jsonl and the report's files. */
  function files(): { name: string; text: () => string }[] {
    if (!manifest) return [];
    const m = manifest;
    const out = [
      { name: 'sweep.json', text: () => JSON.stringify(m, null, 2) + '\n' },
      { name: 'points.jsonl', text: () => pointsText([...results].sort((a, b) => a.index - b.index)) },
    ];
    if (built) for (const f of reportFiles(built)) out.push({ name: f.name, text: () => f.text });
    return out;
  }

  function renderFiles(): void {
    filesEl.replaceChildren();
    for (const f of files()) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'download';
      b.dataset.file = f.name;
      b.textContent = f.name;
      filesEl.append(b);
    }
  }
  const fileClick = (ev: Event) => {
    const target = (ev.target as HTMLElement).closest<HTMLElement>('[data-file]');
    if (!target) return;
    ev.preventDefault();
    const f = files().find((x) => x.name === target.dataset.file);
    if (f) download(f.name, f.text());
  };
  filesEl.addEventListener('click', fileClick);
  reportEl.addEventListener('click', fileClick);

  /** One line, in the CLI's terms: trained and not needed (a width search), or done of planned. */
  function renderStatus(): void {
    const c = counts();
    if (!manifest || !c) {
      statusEl.textContent = 'Ready.';
      return;
    }
    const p = progress;
    const running = phase === 'running' || phase === 'stopping';
    const eta = p?.etaMs != null && phase === 'running' ? ` · about ${Math.ceil(p.etaMs / 1000)} s left` : '';
    const words =
      phase === 'running'
        ? 'Running'
        : phase === 'stopping'
          ? 'Stopping'
          : c.complete
            ? 'Done'
            : 'Stopped (finished points are saved; Run resumes)';
    const searched = manifest.search === true;
    const what = c.complete
      ? searched
        ? `${c.finished} points trained, ${c.notNeeded} of the ${c.planned} not needed (width search)`
        : `${c.finished} of ${c.planned} points finished`
      : searched && running && p
        ? `${c.finished} points trained of ${p.estimated ? 'about ' : ''}${resumed + p.total} (width search; at most ${c.planned})`
        : searched
          ? `${c.finished} points trained (width search; at most ${c.planned})`
          : `${c.finished} of ${c.planned} points finished`;
    statusEl.textContent =
      `${words}: ${manifest.experiment} ${manifest.size}, ${what}` +
      (resumed ? ` (${resumed} from the saved checkpoint)` : '') +
      (p && phase === 'running' ? ` · ${p.running} running` : '') +
      (p?.failed ? ` · ${p.failed} failed` : '') +
      eta;
  }

  // ---- run, stop, resume -----------------------------------------------------------------------------
  async function run(): Promise<void> {
    showError(null);
    offerEl.hidden = true;
    if (!seedsIn.checkValidity() || !workersIn.checkValidity()) {
      showError(`Seeds and workers: positive integers (workers at most ${cores()}, this machine's cores)`);
      return;
    }
    writeSetting();
    let p: ReturnType<typeof plan>;
    try {
      p = plan();
    } catch (err) {
      showError((err as Error).message);
      return;
    }
    const stored = await getSweep(p.key);
    manifest = storedManifest(stored, p.sweep);
    planned = p.sweep;
    key = p.key;
    total = p.sweep.share.length;
    results = stored ? await getPoints(p.key) : [];
    resumed = results.length;
    progress = null;
    await scheduleReport(true);
    if (counts()!.complete) {
      // Finished (a width search's skipped grid points are not needed): Run has nothing to do.
      if (stored && stored.status !== 'completed')
        await putSweep({ ...stored, manifest, status: 'completed', updatedAt: new Date().toISOString() });
      setPhase('done');
      renderStatus();
      return;
    }
    const record: StoredSweep = { key, manifest, status: 'running', updatedAt: new Date().toISOString() };
    await putSweep(record);
    controller = new AbortController();
    setPhase('running');
    renderStatus();
    const mine = manifest;
    // The package's sweep driver, as `rnn-gd experiment run` uses it, with IndexedDB for the sweep
    // directory: the same points are trained, a finished width search is done, a resume replays it.
    const store = {
      done: new Map(results.map((r) => [r.id, r] as const)),
      append: async (r: PointResult) => {
        await putPoint(key, r); // committed before the point counts as finished
        if (mine !== manifest) return;
        results.push(r);
        void scheduleReport();
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
          progress = pr;
          renderStatus();
        },
      });
      if (outcome.share.complete && stored?.status !== 'completed')
        await putSweep({ ...record, status: 'completed', updatedAt: new Date().toISOString() });
    } catch (err) {
      showError((err as Error).message);
    } finally {
      controller = null;
    }
    await scheduleReport(true);
    setPhase(counts()?.complete ? 'done' : 'idle');
    renderStatus();
  }

  function stop(): void {
    if (phase !== 'running' || !controller) return;
    setPhase('stopping');
    controller.abort();
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
    const unfinished = sweeps
      .filter((s) => s.status === 'running')
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    const u = unfinished[0];
    if (u) {
      const count = (await getPoints(u.key)).length;
      const m = u.manifest;
      const searched = planExperiment({
        experiment: m.experiment as never,
        size: m.size,
        seeds: m.seeds,
        backend: 'wasm',
      }).manifest.search;
      offerEl.hidden = false;
      offerEl.replaceChildren();
      const text = document.createElement('p');
      text.textContent = searched
        ? `An unfinished sweep is saved in this browser: ${m.experiment} (${m.size}, ${m.seeds} seed(s)), ${count} points finished (width search: at most ${m.totalPoints} in all). Resume runs only the points its width searches still need.`
        : `An unfinished sweep is saved in this browser: ${m.experiment} (${m.size}, ${m.seeds} seed(s)), ${count} of ${m.totalPoints} points finished. Resume runs only the other ${m.totalPoints - count}.`;
      const resume = document.createElement('button');
      resume.type = 'button';
      resume.className = 'primary';
      resume.id = 'lab-resume';
      resume.textContent = 'Resume';
      resume.addEventListener('click', () => {
        expSel.value = m.experiment;
        sizeSel.value = m.size;
        seedsIn.value = String(m.seeds);
        describe();
        void run();
      });
      const discard = document.createElement('button');
      discard.type = 'button';
      discard.id = 'lab-discard';
      discard.textContent = 'Discard it';
      discard.addEventListener('click', async () => {
        await deleteSweep(u.key);
        offerEl.hidden = true;
        void offer();
      });
      offerEl.append(text, resume, discard);
      return;
    }
    await showLinkedSweep(sweeps);
  }

  /** A link to a finished sweep shows it from the checkpoint (nothing is run again). */
  async function showLinkedSweep(sweeps: StoredSweep[]): Promise<void> {
    if (readHash().get('view') !== 'lab' || phase === 'running' || phase === 'stopping') return;
    let p: ReturnType<typeof plan>;
    try {
      p = plan();
    } catch {
      return;
    }
    if (p.key === key && manifest) return; // already shown
    const stored = sweeps.find((s) => s.key === p.key && s.status === 'completed');
    manifest = stored ? storedManifest(stored, p.sweep) : null;
    planned = stored ? p.sweep : null;
    key = stored?.key ?? '';
    results = stored ? await getPoints(stored.key) : [];
    total = stored ? p.sweep.share.length : 0;
    resumed = results.length;
    progress = null;
    await scheduleReport(true);
    setPhase(stored ? 'done' : 'idle');
    renderStatus();
  }

  /**
   * A link opened in this tab (only the hash changed, so the page did not reload): the setting
   * takes it, and a finished sweep of that setting is shown; during a sweep, once it has stopped.
   */
  let pendingLink: URLSearchParams | null = null;
  function followLink(hash: URLSearchParams): void {
    if (phase === 'running' || phase === 'stopping') {
      pendingLink = hash;
      return;
    }
    applySetting(hash);
    writeSetting();
    describe();
    showError(null);
    void listSweeps().then(showLinkedSweep, () => undefined);
  }

  const onSettingChange = () => {
    if (phase === 'running' || phase === 'stopping') return;
    writeSetting();
    describe();
  };
  expSel.addEventListener('change', () => {
    seedsIn.value = String(getExperiment(expSel.value).defaultSeeds[sizeSel.value as Size]);
    onSettingChange();
  });
  sizeSel.addEventListener('change', onSettingChange);
  seedsIn.addEventListener('input', onSettingChange);
  workersIn.addEventListener('input', onSettingChange);
  runBtn.addEventListener('click', () => void run());
  stopBtn.addEventListener('click', stop);
  setPhase('idle');
  // The URL holds the whole setting from the start, so a link copied at once reproduces this sweep.
  writeSetting();
  describe();
  renderStatus();
  void offer();

  return {
    followLink,
    show: () => {
      /* the report is rendered as points arrive */
    },
    state: () => ({
      phase,
      key,
      total,
      resumed,
      /** trained (finished), notNeeded (grid points a finished width search skipped), complete */
      counts: counts(),
      results: [...results].sort((a, b) => a.index - b.index),
      verdict: built?.analysis.verdict ?? null,
      reason: built?.analysis.reason ?? null,
      files: files().map((f) => f.name),
      reportPoints: built ? built.analysis && results.length : 0,
    }),
  };
}
